package digits.predict;

import com.fasterxml.jackson.databind.JsonNode;
import digits.model.DigitsNetwork;
import digits.model.Nd4jSetup;
import digits.report.Reports;
import digits.train.TestTimeShift;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The network of a completed run ({@code model.zip}) with what its {@code report.json} says about its input,
 * ready to answer for pictures: each is brought into the form the network was trained on ({@link MnistForm}),
 * and each head's softmax is read off the logits.
 */
public final class TrainedModel {

    /** How many classes a prediction lists first. */
    public static final int TOP = 3;

    /** The run's network, or an ensemble's networks (training.ensemble), whose softmaxes are averaged. */
    private final List<DigitsNetwork> nets;
    /** The picture being predicted, as the networks read it (guarded by {@code nets}). */
    private INDArray input;
    private final String name;
    private final Path runDir;
    private final int heads;
    private final int classes;
    private final int height;
    private final int width;
    private final List<Double> testAccuracy;
    /** training.testTimeShift of the run's spec: answer by the mean of five shifted views; 0: one view. */
    private final int shift;

    private TrainedModel(List<DigitsNetwork> nets, String name, Path runDir, int heads, int classes, int height,
                         int width, List<Double> testAccuracy, int shift) {
        this.nets = nets;
        this.name = name;
        this.runDir = runDir;
        this.heads = heads;
        this.classes = classes;
        this.height = height;
        this.width = width;
        this.testAccuracy = testAccuracy;
        this.shift = shift;
    }

    /**
     * Opens the run {@code run} names: {@code <experiment>} or {@code <experiment>/latest} (the newest completed
     * run), {@code <experiment>/<run-id>} (in {@code reportsDir}), or the path of a run folder (relative to
     * {@code base}). Only a completed run with its model.zip is accepted.
     */
    public static TrainedModel open(Path reportsDir, String run, Path base) {
        Path dir = RunFolders.resolve(reportsDir, run, base);
        JsonNode report = RunFolders.completedReport(dir);
        JsonNode model = report.path("spec").path("model");
        JsonNode input = model.path("input");
        int heads = model.path("output").path("heads").asInt(1);
        int classes = model.path("output").path("classes").asInt(10);
        if (input.size() != 3) throw new PredictException(dir.resolve(Reports.REPORT_JSON) + ": spec.model.input missing");
        int channels = input.get(0).asInt(), height = input.get(1).asInt(), width = input.get(2).asInt();
        checkForm(dir, channels, height, width, heads);
        Nd4jSetup.configure(); // before ND4J loads its native library
        int members = report.path("spec").path("training").path("ensemble").asInt(1);
        List<DigitsNetwork> nets = new ArrayList<>();
        try {
            for (int member = 1; member <= members; member++) {
                nets.add(restore(Reports.memberDir(dir, member), heads, classes));
            }
        } catch (RuntimeException e) {
            nets.forEach(DigitsNetwork::close);
            throw e;
        }
        Nd4jSetup.applyThreads();
        List<Double> accuracy = new ArrayList<>();
        report.path("test").path("accuracy").forEach(a -> accuracy.add(a.asDouble()));
        String name = report.path("experiment").asText(dir.getParent().getFileName().toString()) + "/"
                + report.path("runId").asText(dir.getFileName().toString());
        int shift = report.path("spec").path("training").path("testTimeShift").asInt(0);
        return new TrainedModel(List.copyOf(nets), name, dir, heads, classes, height, width, List.copyOf(accuracy),
                shift);
    }

    /** The tested network in {@code dir}: best.zip where the run kept its best epoch (keepBest), else model.zip. */
    private static DigitsNetwork restore(Path dir, int heads, int classes) {
        Path zip = java.nio.file.Files.isRegularFile(dir.resolve(RunFolders.BEST_MODEL)) ? dir.resolve(RunFolders.BEST_MODEL)
                : dir.resolve(RunFolders.MODEL);
        if (!java.nio.file.Files.isRegularFile(zip)) {
            throw new PredictException(dir + ": no " + RunFolders.MODEL + " of this ensemble member; allowed: a run "
                    + "folder as digits:run leaves it (report.json, model.zip, and a member-N folder per further member)");
        }
        MultiLayerNetwork net;
        try {
            net = ModelSerializer.restoreMultiLayerNetwork(zip.toFile(), false);
        } catch (IOException | RuntimeException e) {
            throw new PredictException(zip + ": cannot read the model (" + e.getMessage() + "); allowed: the model.zip "
                    + "a digits:run wrote");
        }
        int layers = net.getnLayers();
        var last = net.getLayerWiseConfigurations().getConf(layers - 1).getLayer();
        if (!(last instanceof FeedForwardLayer ff) || ff.getNOut() != (long) heads * classes) {
            net.close();
            throw new PredictException(zip + ": the network's output does not give " + heads + " x " + classes
                    + " logits as report.json's spec says; the two files do not belong together");
        }
        DigitsNetwork direct = DigitsNetwork.of(net);
        net.close();
        return direct;
    }

    /** The forms this goal knows: one MNIST digit, or two stacked with an overlap as the two-digit data set. */
    private static void checkForm(Path dir, int channels, int height, int width, int heads) {
        boolean one = heads == 1 && height == MnistForm.SIDE && width == MnistForm.SIDE;
        boolean two = heads == 2 && width == MnistForm.SIDE && height > MnistForm.SIDE && height <= 2 * MnistForm.SIDE;
        if (channels != 1 || !(one || two)) {
            throw new PredictException(dir + ": a model of " + heads + " head(s) on " + channels + "x" + height + "x"
                    + width + " images; allowed: 1x28x28 with one head (an MNIST digit) or 1xHx28, 28 < H <= 56, with "
                    + "two heads (two stacked digits, as multi-digit-mnist)");
        }
    }

    /** {@code <experiment>/<run-id>}. */
    public String name() {
        return name;
    }

    /** How many networks answer: 1, or the run's {@code training.ensemble}. */
    public int members() {
        return nets.size();
    }

    public Path runDir() {
        return runDir;
    }

    public int heads() {
        return heads;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** The run's test accuracy per head (the seed's figure), empty when the report has none. */
    public List<Double> testAccuracy() {
        return testAccuracy;
    }

    /** The picture in the form the network reads ({@code height x width}, MNIST's grey levels). */
    public GrayImage prepare(BufferedImage image) {
        GrayImage ink = MnistForm.inkOnBlack(MnistForm.grayscale(image));
        return heads == 1 ? MnistForm.digit(ink) : MnistForm.twoDigits(ink, height);
    }

    /**
     * What the network says about a prepared picture, per head (the run's spec's test-time shifts included; an
     * ensemble's answer is the mean of its members' softmaxes).
     */
    public List<Prediction.Head> predict(GrayImage form) {
        if (form.width() != width || form.height() != height) {
            throw new IllegalArgumentException(form.width() + "x" + form.height() + " image for a " + width + "x"
                    + height + " model");
        }
        float[] x = new float[form.pixels().length];
        for (int i = 0; i < x.length; i++) x[i] = form.pixels()[i] / 255f;
        List<float[][]> views = new ArrayList<>();
        synchronized (nets) { // a network's forward pass is not thread-safe
            // one input array, reused: ND4J frees none here (see DigitsNetwork.of)
            if (input == null) input = Nd4j.createUninitialized(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, x.length);
            for (int[] offset : TestTimeShift.offsets(shift)) {
                input.data().setData(TestTimeShift.shifted(x, 1, height, width, offset[0], offset[1]));
                for (DigitsNetwork net : nets) views.add(net.logits(input));
            }
        }
        float[] logits = views.size() == 1 ? views.get(0)[0] : TestTimeShift.meanOfSoftmaxes(views, classes)[0];
        List<Prediction.Head> result = new ArrayList<>();
        for (int h = 0; h < heads; h++) result.add(head(logits, h * classes, classes));
        return result;
    }

    /** Reads, prepares and predicts one file; a file that cannot be used gives a prediction with its error. */
    public Prediction predict(Path file, String shown) {
        try {
            return new Prediction(shown, predict(prepare(ImageFiles.read(file, ImageFiles.MAX_PIXELS))), null);
        } catch (PredictException e) {
            return Prediction.failed(shown, shown + ": " + e.getMessage());
        }
    }

    /** Softmax over one head's logits, classes by decreasing probability. */
    static Prediction.Head head(float[] logits, int offset, int classes) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) max = Math.max(max, logits[offset + c]);
        double[] e = new double[classes];
        double sum = 0;
        for (int c = 0; c < classes; c++) sum += e[c] = Math.exp(logits[offset + c] - max);
        List<Float> p = new ArrayList<>();
        for (int c = 0; c < classes; c++) p.add((float) (e[c] / sum));
        List<Prediction.Ranked> top = IntStream.range(0, classes).boxed()
                .sorted(Comparator.comparing((Integer c) -> p.get(c)).reversed().thenComparing(c -> c))
                .limit(Math.min(TOP, classes)).map(c -> new Prediction.Ranked(c, p.get(c))).toList();
        return new Prediction.Head(top, List.copyOf(p));
    }
}
