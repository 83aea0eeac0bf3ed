package digits.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One epoch, as the seed prints it: training loss/accuracy (mean over the epoch's batches, measured on
 * each batch before its update) and dev loss/accuracy (mean of per-batch means), one value per head.
 * {@code devAccuracyExact} counts every dev image, including the remainder the batches drop. With several
 * heads, {@code trainAllHeadsAccuracy} and {@code devAllHeadsAccuracy} are the fractions of images whose
 * every head is right. {@code learningRate} and {@code learningRateEnd}: the optimizer's rate at the epoch's first
 * and last step (they differ under a schedule stepped per batch); absent in reports written before they existed.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EpochMetrics(
        int epoch,
        List<Double> trainLoss,
        List<Double> trainAccuracy,
        Double trainAllHeadsAccuracy,
        List<Double> devLoss,
        List<Double> devAccuracy,
        List<Double> devAccuracyExact,
        Double devAllHeadsAccuracy,
        double trainSeconds,
        double devSeconds,
        double trainImagesPerSecond,
        Double learningRate,
        Double learningRateEnd) {

    /** Without the learning rate, as reports written before it was recorded. */
    public EpochMetrics(int epoch, List<Double> trainLoss, List<Double> trainAccuracy, Double trainAllHeadsAccuracy,
                        List<Double> devLoss, List<Double> devAccuracy, List<Double> devAccuracyExact,
                        Double devAllHeadsAccuracy, double trainSeconds, double devSeconds,
                        double trainImagesPerSecond) {
        this(epoch, trainLoss, trainAccuracy, trainAllHeadsAccuracy, devLoss, devAccuracy, devAccuracyExact,
                devAllHeadsAccuracy, trainSeconds, devSeconds, trainImagesPerSecond, null, null);
    }
}
