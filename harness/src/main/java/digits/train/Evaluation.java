package digits.train;

import digits.data.LabeledImages;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Per-image results of a network on a data set (loss, prediction, confidence per head), and the
 * aggregates the seed reports: the mean of per-batch means over full batches, and exact figures
 * over every image. Inference runs in large chunks; dropout is off, so the chunk size does not
 * change any result.
 */
public final class Evaluation {

    /** Images per forward pass where the network does not say (DL4J's own layers): enough to keep the BLAS busy. */
    static final int CHUNK = 500;

    private final double[][] loss;
    private final int[][] predicted;
    private final float[][] confidence;
    private final int[][] truth;
    private final int classes;

    private Evaluation(double[][] loss, int[][] predicted, float[][] confidence, int[][] truth, int classes) {
        this.loss = loss;
        this.predicted = predicted;
        this.confidence = confidence;
        this.truth = truth;
        this.classes = classes;
    }

    public static Evaluation of(MultiLayerNetwork net, LabeledImages data, int classes) {
        try (Features features = Features.of(data)) {
            return of(net, data, features, classes);
        }
    }

    /** @param features {@code data}'s images, converted once ({@link Features#of}) */
    public static Evaluation of(MultiLayerNetwork net, LabeledImages data, Features features, int classes) {
        return withViews(net, data, features, classes, 0).mean();
    }

    /**
     * {@code mean}: the answer, the mean softmax of every network over every view ({@link TestTimeShift}: with
     * {@code shift} > 0 five views of each image, else one); {@code oneView}: with {@code shift} > 0, what the networks
     * gave reading the image as it is (the first view, from the same forward passes), else null.
     */
    public record Viewed(Evaluation mean, Evaluation oneView) {}

    /** As {@link #of(MultiLayerNetwork, LabeledImages, Features, int)}, in {@code shift}'s views. */
    public static Viewed withViews(MultiLayerNetwork net, LabeledImages data, Features features, int classes,
                                   int shift) {
        return withViews(List.of(net), data, features, classes, shift);
    }

    /**
     * As {@link #withViews(MultiLayerNetwork, LabeledImages, Features, int, int)} for an ensemble
     * ({@code training.ensemble}): each image is answered by the mean of the softmaxes of all {@code nets}.
     */
    public static Viewed withViews(List<? extends MultiLayerNetwork> nets, LabeledImages data, Features features,
                                   int classes, int shift) {
        int n = data.count();
        int heads = data.heads();
        Evaluation mean = empty(heads, n, classes);
        Evaluation oneView = shift > 0 ? empty(heads, n, classes) : null;
        int chunk = nets.get(0) instanceof digits.model.DigitsNetwork d ? d.inferenceBatch() : CHUNK;
        int[][] offsets = TestTimeShift.offsets(shift);
        for (int start = 0; start < n; start += chunk) {
            int m = Math.min(chunk, n - start);
            int[][] y = new int[heads][m];
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < m; i++) y[h][i] = data.label(h, start + i);
            }
            List<float[][]> asIs = new ArrayList<>(); // per network, the image as it is
            INDArray rows = features.rows(start, m);
            for (MultiLayerNetwork net : nets) asIs.add(logits(net, rows));
            List<float[][]> views = new ArrayList<>(asIs);
            float[] pixels = offsets.length > 1 ? Batches.floats(data, start, m) : null;
            for (int v = 1; v < offsets.length; v++) {
                float[] moved = TestTimeShift.shifted(pixels, m, data.rows(), data.cols(), offsets[v][0], offsets[v][1]);
                INDArray x = org.nd4j.linalg.factory.Nd4j.create(moved, new long[] {m, data.size()}, 'c');
                for (MultiLayerNetwork net : nets) views.add(logits(net, x));
                x.close(); // ND4J frees nothing itself here (see Batches)
            }
            if (oneView != null) oneView.put(start, SoftmaxHeads.evaluate(meanOf(asIs, classes), y, classes, null), y);
            mean.put(start, SoftmaxHeads.evaluate(meanOf(views, classes), y, classes, null), y);
        }
        return new Viewed(mean, oneView);
    }

    /** One answer's logits as they are; several answers' mean softmax, as logits. */
    private static float[][] meanOf(List<float[][]> answers, int classes) {
        return answers.size() == 1 ? answers.get(0) : TestTimeShift.meanOfSoftmaxes(answers, classes);
    }

    private static Evaluation empty(int heads, int n, int classes) {
        return new Evaluation(new double[heads][n], new int[heads][n], new float[heads][n], new int[heads][n], classes);
    }

    /** Writes one chunk's results (images {@code start..start+m}, {@code y}: their labels per head). */
    private void put(int start, SoftmaxHeads.Result r, int[][] y) {
        for (int h = 0; h < y.length; h++) {
            int m = y[h].length;
            System.arraycopy(r.loss()[h], 0, loss[h], start, m);
            System.arraycopy(r.predicted()[h], 0, predicted[h], start, m);
            System.arraycopy(r.confidence()[h], 0, confidence[h], start, m);
            System.arraycopy(y[h], 0, truth[h], start, m);
        }
    }

    private static float[][] logits(MultiLayerNetwork net, INDArray x) {
        return net instanceof digits.model.DigitsNetwork d ? d.logits(x)
                : digits.model.NativeArrays.rows(net.output(x, false));
    }

    public int heads() {
        return truth.length;
    }

    public int count() {
        return truth.length == 0 ? 0 : truth[0].length;
    }

    /** Images covered by full batches of {@code batchSize}. */
    public int batchedCount(int batchSize) {
        return count() / batchSize * batchSize;
    }

    /** Mean over full batches of the batch's mean loss, per head (the seed's figure). */
    public List<Double> batchMeanLoss(int batchSize) {
        List<Double> out = new ArrayList<>();
        for (double[] l : loss) out.add(batchMean(l, batchSize));
        return out;
    }

    /** Mean over full batches of the batch's accuracy, per head (the seed's figure). */
    public List<Double> batchMeanAccuracy(int batchSize) {
        List<Double> out = new ArrayList<>();
        for (int h = 0; h < heads(); h++) out.add(batchMean(correct(h), batchSize));
        return out;
    }

    /** Accuracy over every image, per head. */
    public List<Double> exactAccuracy() {
        List<Double> out = new ArrayList<>();
        for (int h = 0; h < heads(); h++) out.add(batchMean(correct(h), count()));
        return out;
    }

    /** Fraction of images whose every head is right. */
    public double allHeadsAccuracy() {
        int ok = 0;
        for (int i = 0; i < count(); i++) {
            boolean all = true;
            for (int h = 0; h < heads(); h++) all &= predicted[h][i] == truth[h][i];
            if (all) ok++;
        }
        return count() == 0 ? Double.NaN : (double) ok / count();
    }

    /** {@code [head][true][predicted]} counts over every image. */
    public List<int[][]> confusion() {
        List<int[][]> out = new ArrayList<>();
        for (int h = 0; h < heads(); h++) {
            int[][] m = new int[classes][classes];
            for (int i = 0; i < count(); i++) m[truth[h][i]][predicted[h][i]]++;
            out.add(m);
        }
        return out;
    }

    public int predicted(int head, int index) {
        return predicted[head][index];
    }

    public float confidence(int head, int index) {
        return confidence[head][index];
    }

    public int truth(int head, int index) {
        return truth[head][index];
    }

    /** Probability the model gave the true label: the loss is its negative logarithm. */
    public double trueProbability(int head, int index) {
        return Math.exp(-loss[head][index]);
    }

    /** Indexes of at most {@code limit} images with any head wrong, highest loss (summed over heads) first. */
    public int[] worstMistakes(int limit) {
        return IntStream.range(0, count())
                .filter(i -> IntStream.range(0, heads()).anyMatch(h -> predicted[h][i] != truth[h][i]))
                .boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> totalLoss(i)).reversed()
                        .thenComparing(i -> i))
                .limit(limit).mapToInt(Integer::intValue).toArray();
    }

    private double totalLoss(int i) {
        double s = 0;
        for (double[] l : loss) s += l[i];
        return s;
    }

    private double[] correct(int h) {
        double[] c = new double[count()];
        for (int i = 0; i < c.length; i++) c[i] = predicted[h][i] == truth[h][i] ? 1 : 0;
        return c;
    }

    /** Mean of per-batch means over the full batches (all equal size, so also the plain mean over them). */
    static double batchMean(double[] values, int batchSize) {
        int batches = values.length / batchSize;
        if (batches == 0) return Double.NaN;
        double total = 0;
        for (int b = 0; b < batches; b++) {
            double s = 0;
            for (int i = b * batchSize; i < (b + 1) * batchSize; i++) s += values[i];
            total += s / batchSize;
        }
        return total / batches;
    }
}
