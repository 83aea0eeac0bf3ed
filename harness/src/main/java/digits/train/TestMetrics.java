package digits.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The final test evaluation. {@code accuracy} and {@code loss} follow the seed (mean of per-batch means
 * over the batches of the spec's size, remainder dropped: 9,984 of 10,000 MNIST images with batch 32);
 * {@code accuracyExact} counts all {@code imagesExact} images. {@code confusion.get(head)[true][predicted]}.
 * {@code misclassified}: the worst wrongly classified test images (any head wrong), worst first.
 * {@code epoch}: the epoch whose network was tested (the best on the dev set with {@code keepBest}, else the last);
 * absent in reports written before it was recorded.
 * {@code oneViewAccuracy}, {@code oneViewAllHeadsAccuracy}: with {@code training.testTimeShift}, what the network
 * gives reading each image once (as {@code accuracy} and {@code allHeadsAccuracy}); absent without it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TestMetrics(
        List<Double> loss,
        List<Double> accuracy,
        List<Double> accuracyExact,
        Double allHeadsAccuracy,
        int images,
        int imagesExact,
        List<int[][]> confusion,
        double seconds,
        double imagesPerSecond,
        List<Misclassified> misclassified,
        Integer epoch,
        List<Double> oneViewAccuracy,
        Double oneViewAllHeadsAccuracy) {

    /** Without the tested epoch, as reports written before it was recorded. */
    public TestMetrics(List<Double> loss, List<Double> accuracy, List<Double> accuracyExact, Double allHeadsAccuracy,
                       int images, int imagesExact, List<int[][]> confusion, double seconds, double imagesPerSecond,
                       List<Misclassified> misclassified) {
        this(loss, accuracy, accuracyExact, allHeadsAccuracy, images, imagesExact, confusion, seconds, imagesPerSecond,
                misclassified, null, null, null);
    }

    /**
     * A test image with at least one head wrong: its index in the test set, per head the true and predicted
     * label, the probability the model gave its prediction and the true label. Worst = lowest joint
     * probability of the true labels (highest summed loss).
     */
    public record Misclassified(int index, List<Integer> truth, List<Integer> predicted, List<Double> probability,
                                List<Double> trueProbability) {}
}
