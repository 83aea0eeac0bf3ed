package digits.data;

import digits.io.Sha256;
import digits.spec.DatasetSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** Turns a spec's dataset section into verified, split data, and records where it came from. */
public final class DatasetLoader {

    /** The split data plus provenance (source and SHA-256 of each file read). */
    public record Loaded(DataSplit split, String source, Map<String, String> files) {}

    private final Path dataRoot;
    private final Path dataDir;
    private final Consumer<String> log;

    /**
     * @param dataRoot the data folder ({@code -Ddigits.dataRoot}, {@code data/}); MNIST is cached in {@code data/mnist}
     * @param dataDir  a folder with the four raw MNIST files to use instead of fetching, or null
     *                 ({@code -Ddigits.dataDir})
     */
    public DatasetLoader(Path dataRoot, Path dataDir, Consumer<String> log) {
        this.dataRoot = dataRoot.toAbsolutePath().normalize();
        this.dataDir = dataDir;
        this.log = log;
    }

    public Path dataRoot() {
        return dataRoot;
    }

    /** Only the image shape (count, rows, cols) of the training images, without loading them. */
    public int[] trainImageShape(DatasetSpec spec) {
        if (DatasetSpec.MNIST.equals(spec.name())) return new int[] {60000, 28, 28};
        if (DatasetSpec.MULTI_DIGIT.equals(spec.name())) {
            return new int[] {spec.multiDigit().trainCount(), spec.multiDigit().rows(), 28};
        }
        return Idx.imageHeader(inside(spec.trainImages(), "dataset.trainImages"));
    }

    public Loaded load(DatasetSpec spec, int classes) {
        return load(spec, classes, false);
    }

    /**
     * As {@link #load(DatasetSpec, int)}; with {@code withPairs}, two-digit data also carries its training images'
     * digits ({@link DataSplit#trainPairs()}, for {@code newPairs}), read from MNIST and checked against the stored
     * images.
     */
    public Loaded load(DatasetSpec spec, int classes, boolean withPairs) {
        Path trImg, trLab, teImg, teLab;
        String source;
        Map<String, String> files = new LinkedHashMap<>();
        Mnist.Files4 pairSource = null; // the MNIST two-digit training images were composed from, when asked for
        if (DatasetSpec.MULTI_DIGIT.equals(spec.name())) {
            Mnist.Files4 mnist = new Mnist(dataRoot.resolve("mnist"), dataDir, log).obtain();
            if (withPairs) pairSource = mnist;
            Path dir = MultiDigitMnist.obtain(dataRoot, spec.multiDigit(), mnist, log);
            trImg = dir.resolve(MultiDigitMnist.TRAIN_IMAGES);
            trLab = dir.resolve(MultiDigitMnist.TRAIN_LABELS);
            teImg = dir.resolve(MultiDigitMnist.TEST_IMAGES);
            teLab = dir.resolve(MultiDigitMnist.TEST_LABELS);
            source = "two-digit MNIST generated in " + dataRoot.relativize(dir) + " from MNIST, " + mnist.source();
            for (Path p : new Path[] {trImg, trLab, teImg, teLab}) files.put(dataRoot.relativize(p).toString(), Sha256.of(p));
        } else if (DatasetSpec.MNIST.equals(spec.name())) {
            Mnist.Files4 mnist = new Mnist(dataRoot.resolve("mnist"), dataDir, log).obtain();
            trImg = mnist.file(Mnist.TRAIN_IMAGES);
            trLab = mnist.file(Mnist.TRAIN_LABELS);
            teImg = mnist.file(Mnist.TEST_IMAGES);
            teLab = mnist.file(Mnist.TEST_LABELS);
            source = "MNIST, " + mnist.source();
            mnist.sha256().forEach(files::put);
        } else {
            trImg = inside(spec.trainImages(), "dataset.trainImages");
            trLab = inside(spec.trainLabels(), "dataset.trainLabels");
            teImg = inside(spec.testImages(), "dataset.testImages");
            teLab = inside(spec.testLabels(), "dataset.testLabels");
            source = "IDX files in " + dataRoot;
            for (Path p : new Path[] {trImg, trLab, teImg, teLab}) files.put(dataRoot.relativize(p).toString(), Sha256.of(p));
        }
        LabeledImages train = read(trImg, trLab, classes);
        LabeledImages test = read(teImg, teLab, classes);
        if (train.rows() != test.rows() || train.cols() != test.cols()) {
            throw new DataException(teImg + ": test images are " + test.rows() + "x" + test.cols()
                    + " but training images are " + train.rows() + "x" + train.cols());
        }
        DigitPairs pairs = pairSource == null ? null : DigitPairs.of(read(pairSource.file(Mnist.TRAIN_IMAGES),
                pairSource.file(Mnist.TRAIN_LABELS), 10), spec.multiDigit(), train, trImg);
        return new Loaded(DataSplit.of(train, test, spec, pairs), source, files);
    }

    /** Resolves a spec path inside the data folder; anything that escapes it is refused. */
    Path inside(String relative, String field) {
        Path p = dataRoot.resolve(relative).normalize();
        if (!p.startsWith(dataRoot)) {
            throw new DataException(field + ": '" + relative + "' leaves the data folder " + dataRoot);
        }
        return p;
    }

    static LabeledImages read(Path images, Path labels, int classes) {
        Idx.Images img = Idx.readImages(images);
        byte[][] lab = Idx.readLabelTable(labels, classes);
        if (lab[0].length != img.count()) {
            throw new DataException(labels + ": " + lab[0].length + " labels for " + img.count() + " images in "
                    + images.getFileName());
        }
        return new LabeledImages(img.count(), img.rows(), img.cols(), img.pixels(), lab);
    }
}
