package digits.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import digits.io.Sha256;
import digits.spec.DatasetSpec.MultiDigitSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.commons.io.FileUtils;

/**
 * The overlapping two-digit MNIST of the seed's second half, built from MNIST itself the same way on
 * every machine: each image stacks two MNIST digits, the first in rows {@code 0..27}, the second in rows
 * {@code 28-overlap .. 55-overlap}, merged by pixel-wise maximum; its labels are (first, second).
 * Digits are drawn exactly as the seed's PyTorch recipe ({@code pytorch_seed_recipes.py}) draws them, with
 * numpy's {@code default_rng(seed)} ({@link NumpyGenerator}): {@code integers(0, 60000, count)} for the
 * training images' first digits, the same again for their second digits, then the same from MNIST's test
 * set. So the images, the labels and the recipe's figures are comparable image for image.
 *
 * <p>The result is written once under {@code data/multi-digit-mnist/<parameters>/} as IDX files (images,
 * and a two-column label table) with a {@code manifest.json} holding the generator version, the
 * parameters and the SHA-256 of every source and output file. A copy whose manifest or files do not
 * match is rebuilt, never reused.
 */
public final class MultiDigitMnist {

    /** Bump when the composition changes: cached copies of an older version are rebuilt. */
    public static final int GENERATOR_VERSION = 2; // 1: java.util.SplittableRandom, first and second digit in turn
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx2-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx2-ubyte";
    public static final String MANIFEST = "manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    /** What was built from what. */
    public record Manifest(int generatorVersion, MultiDigitSpec parameters, Map<String, String> sources,
                           Map<String, String> outputs) {}

    private MultiDigitMnist() {}

    /** The folder for these parameters, e.g. {@code data/multi-digit-mnist/40000-4000-o14-s12321}. */
    public static Path folder(Path dataDir, MultiDigitSpec p) {
        return dataDir.resolve("multi-digit-mnist").resolve(p.trainCount() + "-" + p.testCount() + "-o" + p.overlap()
                + "-s" + p.seed());
    }

    /** Returns the folder holding verified files for {@code p}, building them first if needed. */
    public static Path obtain(Path dataDir, MultiDigitSpec p, Mnist.Files4 mnist, Consumer<String> log) {
        Path dir = folder(dataDir, p);
        Map<String, String> sources = new LinkedHashMap<>(mnist.sha256());
        String problem = check(dir, p, sources);
        if (problem == null) return dir;
        log.accept("Building two-digit MNIST in " + dir + " (" + problem + ")");
        try {
            build(dir, p, mnist, sources);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    /** Why the cached copy cannot be used, or null when it can. */
    static String check(Path dir, MultiDigitSpec p, Map<String, String> sources) {
        Path manifestFile = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifestFile)) return "no cached copy";
        Manifest m;
        try {
            m = JSON.readValue(manifestFile.toFile(), Manifest.class);
        } catch (IOException e) {
            return "unreadable manifest";
        }
        if (m.generatorVersion() != GENERATOR_VERSION) return "generator version " + m.generatorVersion() + " is stale";
        if (!p.equals(m.parameters())) return "parameters differ from the spec";
        if (!sources.equals(m.sources())) return "built from other source files";
        if (m.outputs() == null || m.outputs().size() != 4) return "manifest lists no outputs";
        for (Map.Entry<String, String> e : m.outputs().entrySet()) {
            Path f = dir.resolve(e.getKey());
            if (!Files.isRegularFile(f) || !e.getValue().equals(Sha256.of(f))) return e.getKey() + " does not match";
        }
        return null;
    }

    private static void build(Path dir, MultiDigitSpec p, Mnist.Files4 mnist, Map<String, String> sources)
            throws IOException {
        LabeledImages train = DatasetLoader.read(mnist.file(Mnist.TRAIN_IMAGES), mnist.file(Mnist.TRAIN_LABELS), 10);
        LabeledImages test = DatasetLoader.read(mnist.file(Mnist.TEST_IMAGES), mnist.file(Mnist.TEST_LABELS), 10);
        NumpyGenerator rng = new NumpyGenerator(p.seed());
        LabeledImages composedTrain = compose(train, p.trainCount(), p.overlap(), rng);
        LabeledImages composedTest = compose(test, p.testCount(), p.overlap(), rng);

        Files.createDirectories(dir.getParent());
        Path tmp = Files.createTempDirectory(dir.getParent(), "." + dir.getFileName() + ".");
        try {
            write(tmp.resolve(TRAIN_IMAGES), out -> Idx.writeImages(out, composedTrain.count(), composedTrain.rows(),
                    composedTrain.cols(), composedTrain.pixels()));
            write(tmp.resolve(TRAIN_LABELS), out -> Idx.writeLabelTable(out, composedTrain.labels()));
            write(tmp.resolve(TEST_IMAGES), out -> Idx.writeImages(out, composedTest.count(), composedTest.rows(),
                    composedTest.cols(), composedTest.pixels()));
            write(tmp.resolve(TEST_LABELS), out -> Idx.writeLabelTable(out, composedTest.labels()));
            Map<String, String> outputs = new LinkedHashMap<>();
            for (String f : new String[] {TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS}) {
                outputs.put(f, Sha256.of(tmp.resolve(f)));
            }
            JSON.writeValue(tmp.resolve(MANIFEST).toFile(), new Manifest(GENERATOR_VERSION, p, sources, outputs));
            // swap the folder in: an old copy is moved aside first, then removed
            if (Files.exists(dir)) {
                Path old = Files.createTempDirectory(dir.getParent(), "." + dir.getFileName() + ".old.");
                Files.move(dir, old.resolve("stale"), StandardCopyOption.ATOMIC_MOVE);
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                FileUtils.deleteDirectory(old.toFile());
            } else {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            FileUtils.deleteDirectory(tmp.toFile());
        }
    }

    /**
     * {@code count} images of two digits drawn from {@code source} as the recipe draws them: all first digits'
     * indices, then all second digits'.
     */
    public static LabeledImages compose(LabeledImages source, int count, int overlap, NumpyGenerator rng) {
        int[] top = rng.integers(source.count(), count);
        int[] bottom = rng.integers(source.count(), count);
        return compose(source, top, bottom, overlap);
    }

    /** Image i stacks {@code source}'s images {@code top[i]} and {@code bottom[i]}; rows {@code 56 - overlap}. */
    public static LabeledImages compose(LabeledImages source, int[] tops, int[] bottoms, int overlap) {
        int count = tops.length;
        int rows = 2 * source.rows() - overlap;
        int cols = source.cols();
        int size = source.size();
        int shift = (source.rows() - overlap) * cols;
        byte[] px = new byte[count * rows * cols];
        byte[][] labels = new byte[2][count];
        byte[] src = source.pixels();
        for (int i = 0; i < count; i++) {
            int top = tops[i];
            int bottom = bottoms[i];
            int base = i * rows * cols;
            System.arraycopy(src, top * size, px, base, size);
            for (int k = 0; k < size; k++) {
                int at = base + shift + k;
                int v = src[bottom * size + k] & 0xff;
                if (v > (px[at] & 0xff)) px[at] = (byte) v;
            }
            labels[0][i] = (byte) source.label(0, top);
            labels[1][i] = (byte) source.label(0, bottom);
        }
        return new LabeledImages(count, rows, cols, px, labels);
    }

    private interface Body {
        void write(OutputStream out) throws IOException;
    }

    private static void write(Path f, Body body) throws IOException {
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(f))) {
            body.write(out);
        }
    }
}
