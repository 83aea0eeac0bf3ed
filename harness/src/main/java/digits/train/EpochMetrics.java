package digits.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One epoch, as the seed prints it: training loss/accuracy (mean over the epoch's batches, measured on
 * each batch before its update) and dev loss/accuracy (mean of per-batch means), one value per head.
 * {@code devAccuracyExact} counts every dev image, including the remainder the batches drop. With several
 * heads, {@code trainAllHeadsAccuracy} and {@code devAllHeadsAccuracy} are the fractions of images whose
 * every head is right.
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
        double trainImagesPerSecond) {}
