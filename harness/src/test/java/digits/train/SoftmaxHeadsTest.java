package digits.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class SoftmaxHeadsTest {

    @Test
    void lossIsCrossEntropyOfTheSoftmax() {
        float[][] logits = {{1, 2, 3}};
        SoftmaxHeads.Result r = SoftmaxHeads.evaluate(logits, new int[][] {{2}}, 3, null);
        double expected = -Math.log(Math.exp(3) / (Math.exp(1) + Math.exp(2) + Math.exp(3)));
        assertThat(r.loss()[0][0]).isCloseTo(expected, Offset.offset(1e-9));
        assertThat(r.predicted()[0][0]).isEqualTo(2);
        assertThat((double) r.confidence()[0][0]).isCloseTo(Math.exp(-expected), Offset.offset(1e-6));
    }

    @Test
    void twoHeadsAreIndependentSlicesAndTheGradientIsThatOfHalfTheSum() {
        Random rnd = new Random(1);
        int n = 3, heads = 2, classes = 4;
        float[][] logits = new float[n][heads * classes];
        for (float[] row : logits) for (int j = 0; j < row.length; j++) row[j] = (float) rnd.nextGaussian();
        int[][] y = {{0, 3, 1}, {2, 2, 0}};
        float[] grad = new float[n * heads * classes];
        SoftmaxHeads.evaluate(logits, y, classes, grad);
        // finite differences of J = sum over examples of 0.5 * (loss1 + loss2)
        double eps = 1e-3;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < heads * classes; j++) {
                float keep = logits[i][j];
                logits[i][j] = keep + (float) eps;
                double up = joint(logits, y, classes);
                logits[i][j] = keep - (float) eps;
                double down = joint(logits, y, classes);
                logits[i][j] = keep;
                assertThat((double) grad[i * heads * classes + j]).as("d/d logit[%d][%d]", i, j)
                        .isCloseTo((up - down) / (2 * eps), Offset.offset(2e-3));
            }
        }
    }

    private static double joint(float[][] logits, int[][] y, int classes) {
        SoftmaxHeads.Result r = SoftmaxHeads.evaluate(logits, y, classes, null);
        double s = 0;
        for (double[] head : r.loss()) for (double l : head) s += 0.5 * l;
        return s;
    }

    @Test
    void batchMeanIsTheMeanOfFullBatchesOnly() {
        double[] v = {1, 1, 0, 0, 1};
        assertThat(Evaluation.batchMean(v, 2)).isEqualTo(0.5);      // (1 + 0) / 2, the last one dropped
        assertThat(Evaluation.batchMean(v, 5)).isEqualTo(0.6);
        assertThat(Evaluation.batchMean(v, 6)).isNaN();
    }
}
