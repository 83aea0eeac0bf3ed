package digits.train;

import digits.data.DataSplit;
import digits.data.DigitPairs;
import digits.data.LabeledImages;
import digits.spec.ExperimentSpec;
import java.util.ArrayList;
import java.util.List;
import digits.model.DigitsNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The training loop, in the seed's shape: for each epoch, one pass over the shuffled training batches
 * (forward, per-head softmax cross-entropy, backward, SGD step), then the dev set; at the end the test
 * set. Softmax and loss are computed here rather than in a DL4J output layer so the loss, the
 * accuracy and the gradient come from the same forward pass, as in PyTorch.
 */
public final class Trainer {

    /** Called after every epoch, e.g. to save a checkpoint and rewrite the report. */
    public interface EpochListener {
        /** {@code iteration} is the number of training steps taken so far. */
        void epochDone(EpochMetrics metrics, MultiLayerNetwork net, int iteration);
    }

    private final ExperimentSpec spec;
    private final Progress progress;

    public Trainer(ExperimentSpec spec, Progress progress) {
        this.spec = spec;
        this.progress = progress;
    }

    public List<EpochMetrics> train(DigitsNetwork net, DataSplit data, EpochListener listener) {
        return train(net, data, null, listener);
    }

    /**
     * Trains from {@code from}'s position when it is given (weights, momentum and random state already
     * restored into {@code net}): the epochs before it are not run again.
     */
    public List<EpochMetrics> train(DigitsNetwork net, DataSplit data, Checkpoint from, EpochListener listener) {
        int batchSize = spec.training().batchSize();
        boolean newPairs = spec.training().pairsAnew();
        if (newPairs && data.trainPairs() == null) {
            throw new IllegalArgumentException("training.augmentation.newPairs: the training images' digits are unknown "
                    + "(two-digit MNIST only)");
        }
        Augmentation augmentation = Augmentation.of(spec.training(), spec.model().height(), spec.model().width());
        int pixels = data.train().size();
        // The data's ND4J arrays are freed when training ends, since a study trains many runs in one JVM; the
        // per-batch inputs made while training go into two buffers, reused (see Batches and Augmentation#apply).
        try (Batches train = new Batches(data.train(), batchSize); Features devFeatures = Features.of(data.dev());
             Buffer paired = new Buffer(newPairs ? Batches.buffer(batchSize, pixels) : null);
             Buffer augmented = new Buffer(augmentation != null ? Batches.buffer(batchSize, pixels) : null)) {
            if (train.count() == 0) {
                throw new IllegalArgumentException("the training set (" + data.train().count() + " images) is "
                        + "smaller than one batch of " + batchSize);
            }
            return epochs(net, data, from, listener, train, devFeatures, augmentation, paired.array, augmented.array);
        }
    }

    /** An optional array, closed with the try that holds it. */
    private record Buffer(INDArray array) implements AutoCloseable {
        @Override
        public void close() {
            if (array != null) array.close();
        }
    }

    /** The epochs themselves: Karpathy's loop, with the buffers the per-batch inputs are written into. */
    private List<EpochMetrics> epochs(DigitsNetwork net, DataSplit data, Checkpoint from, EpochListener listener,
                                      Batches train, Features devFeatures, Augmentation augmentation,
                                      INDArray pairedBatch, INDArray augmentedBatch) {
        int batchSize = spec.training().batchSize();
        int classes = spec.model().output().classes();
        int heads = spec.heads();
        float[] gradient = new float[batchSize * heads * classes];
        List<EpochMetrics> epochs = new ArrayList<>();
        boolean newPairs = pairedBatch != null;
        int iteration = from == null ? 0 : from.iteration();
        List<EpochMetrics> history = new ArrayList<>(from == null ? List.of() : from.epochs());
        for (int epoch = from == null ? 1 : from.epoch() + 1; epoch <= spec.training().epochs(); epoch++) {
            if (patienceRunOut(history)) break; // (checked first, so a resumed run stops where it would have)
            double[] lossSum = new double[heads];
            double[] accSum = new double[heads];
            double allHeadsSum = 0;
            progress.startEpoch(epoch, spec.training().epochs(), train.count(), batchSize);
            long start = System.nanoTime();
            double rate = net.learningRate(iteration, epoch - 1);
            DigitPairs pairs = newPairs ? data.trainPairs().anew(spec.training().augmentation().newPairs(),
                    spec.training().seed(), epoch) : null;
            for (int b = 0; b < train.count(); b++) {
                int[][] y = train.labels(b);
                INDArray x = train.features(b);
                if (newPairs) { // this epoch's pairs (ownDigits or allDigits), labels with them
                    LabeledImages paired = pairs.images(b * batchSize, (b + 1) * batchSize)
                            .withPixelDivisor(data.train().pixelDivisor());
                    x = Batches.toFeatures(paired, 0, batchSize, pairedBatch);
                    y = Batches.labels(paired, 0, batchSize);
                }
                if (augmentation != null) x = augmentation.apply(x, epoch, (long) b * batchSize, augmentedBatch);
                SoftmaxHeads.Result r;
                try {
                    r = step(net, x, y, classes, gradient, iteration, epoch - 1, spec.training().smoothing());
                } catch (ArithmeticException e) { // the direct step's check of the weights (see DirectStep)
                    progress.endEpoch();
                    throw new DivergedException(e.getMessage(), epoch, b + 1,
                            spec.training().optimizer().learningRate());
                }
                allHeadsSum += allHeadsAccuracy(r.predicted(), y);
                for (int h = 0; h < heads; h++) {
                    double loss = mean(r.loss()[h]);
                    if (!Double.isFinite(loss)) {
                        progress.endEpoch();
                        throw new DivergedException(epoch, b + 1, loss, spec.training().optimizer().learningRate());
                    }
                    lossSum[h] += loss;
                    accSum[h] += accuracy(r.predicted()[h], y[h]);
                }
                iteration++;
                if (b % MemoryGuard.EVERY == 0) MemoryGuard.check();
                progress.step(b + 1, lossSum[0] / (b + 1), accSum[0] / (b + 1));
            }
            double trainSeconds = (System.nanoTime() - start) / 1e9;
            progress.endEpoch();
            net.getLayerWiseConfigurations().setIterationCount(iteration);
            net.getLayerWiseConfigurations().setEpochCount(epoch);

            long devStart = System.nanoTime();
            Evaluation dev = Evaluation.of(net, data.dev(), devFeatures, classes);
            double devSeconds = (System.nanoTime() - devStart) / 1e9;
            EpochMetrics m = new EpochMetrics(epoch, div(lossSum, train.count()), div(accSum, train.count()),
                    heads > 1 ? allHeadsSum / train.count() : null,
                    dev.batchMeanLoss(batchSize), dev.batchMeanAccuracy(batchSize), dev.exactAccuracy(),
                    heads > 1 ? dev.allHeadsAccuracy() : null, trainSeconds, devSeconds,
                    train.count() * (double) batchSize / trainSeconds, rate,
                    net.learningRate(iteration - 1, epoch - 1));
            epochs.add(m);
            history.add(m);
            listener.epochDone(m, net, iteration);
        }
        return epochs;
    }

    /**
     * The epoch with the best dev accuracy (every head right, with several heads; all dev images), the earliest of
     * equals; 0 for none.
     */
    public static int bestEpoch(List<EpochMetrics> epochs) {
        int best = 0;
        double score = Double.NEGATIVE_INFINITY;
        for (EpochMetrics e : epochs) {
            double s = devScore(e);
            if (s > score) {
                score = s;
                best = e.epoch();
            }
        }
        return best;
    }

    private static double devScore(EpochMetrics e) {
        if (e.devAllHeadsAccuracy() != null) return e.devAllHeadsAccuracy();
        return e.devAccuracyExact() == null || e.devAccuracyExact().isEmpty() ? e.devAccuracy().get(0)
                : e.devAccuracyExact().get(0);
    }

    /** {@code training.patience}: that many epochs have passed since the best one. */
    boolean patienceRunOut(List<EpochMetrics> history) {
        Integer patience = spec.training().patience();
        if (patience == null || history.isEmpty()) return false;
        return history.get(history.size() - 1).epoch() - bestEpoch(history) >= patience;
    }

    /** The seed's test evaluation, plus exact whole-set figures and confusion matrices. */
    public TestMetrics test(MultiLayerNetwork net, DataSplit data) {
        return test(net, data, null);
    }

    /** As {@link #test(MultiLayerNetwork, DataSplit)}, naming the epoch whose network {@code net} is. */
    public TestMetrics test(MultiLayerNetwork net, DataSplit data, Integer epoch) {
        return test(List.of(net), data, epoch);
    }

    /**
     * As {@link #test(MultiLayerNetwork, DataSplit, Integer)} for an ensemble's networks ({@code training.ensemble}),
     * answering with the mean of their softmaxes; {@code epoch} null, since each member tests its own.
     */
    public TestMetrics test(List<? extends MultiLayerNetwork> nets, DataSplit data, Integer epoch) {
        int batchSize = spec.training().batchSize();
        int classes = spec.model().output().classes();
        int shift = spec.training().testShift();
        Evaluation test;
        Evaluation oneView; // with test-time shifts, what the first view gave alone: the views' part in the record
        double seconds;
        try (Features features = Features.of(data.test())) { // data preparation, not evaluation: before the clock
            long start = System.nanoTime();
            Evaluation.Viewed viewed = Evaluation.withViews(nets, data.test(), features, classes, shift);
            seconds = (System.nanoTime() - start) / 1e9;
            test = viewed.mean();
            oneView = viewed.oneView();
        }
        return new TestMetrics(test.batchMeanLoss(batchSize), test.batchMeanAccuracy(batchSize), test.exactAccuracy(),
                spec.heads() > 1 ? test.allHeadsAccuracy() : null, test.batchedCount(batchSize), test.count(),
                test.confusion(), seconds, test.count() / seconds, misclassified(test), epoch,
                oneView == null ? null : oneView.batchMeanAccuracy(batchSize),
                oneView == null || spec.heads() == 1 ? null : oneView.allHeadsAccuracy());
    }

    /** How many of the worst misclassified test images a report lists (and shows). */
    public static final int MISCLASSIFIED = 24;

    private static List<TestMetrics.Misclassified> misclassified(Evaluation test) {
        List<TestMetrics.Misclassified> out = new ArrayList<>();
        for (int i : test.worstMistakes(MISCLASSIFIED)) {
            List<Integer> truth = new ArrayList<>(), predicted = new ArrayList<>();
            List<Double> p = new ArrayList<>(), pTrue = new ArrayList<>();
            for (int h = 0; h < test.heads(); h++) {
                truth.add(test.truth(h, i));
                predicted.add(test.predicted(h, i));
                p.add((double) test.confidence(h, i));
                pTrue.add(test.trueProbability(h, i));
            }
            out.add(new TestMetrics.Misclassified(i, truth, predicted, p, pTrue));
        }
        return out;
    }

    /** The loop's training step, for {@code digits:bench} to time: the same code, results dropped. */
    public static void step(DigitsNetwork net, INDArray features, int[][] y, int classes, float[] gradient,
                            int iteration) {
        step(net, features, y, classes, gradient, iteration, 0, 0);
    }

    /**
     * One training step: forward (dropout on), per-head softmax cross-entropy on the logits, backward, SGD
     * update, the loss with {@code smoothing} ({@code training.labelSmoothing}). Returns the batch's per-head losses
     * and predictions from that same forward pass.
     */
    static SoftmaxHeads.Result step(DigitsNetwork net, INDArray features, int[][] y, int classes, float[] gradient,
                                    int iteration, int epoch, double smoothing) {
        SoftmaxHeads.Result[] result = new SoftmaxHeads.Result[1];
        net.trainStep(features, logits -> {
            result[0] = SoftmaxHeads.evaluate(logits, y, classes, gradient, smoothing);
            return gradient;
        }, iteration, epoch);
        return result[0];
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }

    private static double accuracy(int[] predicted, int[] truth) {
        int ok = 0;
        for (int i = 0; i < truth.length; i++) if (predicted[i] == truth[i]) ok++;
        return (double) ok / truth.length;
    }

    /** Fraction of the batch whose every head is right. */
    private static double allHeadsAccuracy(int[][] predicted, int[][] truth) {
        int ok = 0;
        for (int i = 0; i < truth[0].length; i++) {
            boolean all = true;
            for (int h = 0; h < truth.length; h++) all &= predicted[h][i] == truth[h][i];
            if (all) ok++;
        }
        return (double) ok / truth[0].length;
    }

    private static List<Double> div(double[] sums, int n) {
        List<Double> out = new ArrayList<>();
        for (double s : sums) out.add(s / n);
        return out;
    }
}
