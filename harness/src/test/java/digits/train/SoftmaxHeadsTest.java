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

    /**
     * torch 1.13, float64: {@code F.cross_entropy(x, y, label_smoothing=s, reduction='none')} and the gradient of its
     * sum, for x = [[1, 2, 3, -0.5], [0.3, -1.2, 0.8, 2.5]], y = [2, 0].
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "0.0|0.4274953881792892, 2.476274914171361|0.08825760703565771, 0.23990904942830754, -0.3478595904561488, 0.01969293399218349, -0.9159442419612106, 0.018755374752592743, 0.13858451620337536, 0.7586043510052425",
            "0.1|0.5899953881792892, 2.446274914171361|0.06325760703565772, 0.21490904942830755, -0.2728595904561488, -0.0053070660078165105, -0.8409442419612106, -0.006244625247407258, 0.11358451620337537, 0.7336043510052425",
            "0.25|0.8337453881792892, 2.4012749141713607|0.025757607035657715, 0.17740904942830754, -0.16035959045614878, -0.04280706600781651, -0.7284442419612106, -0.04374462524740726, 0.07608451620337536, 0.6961043510052425"})
    void labelSmoothingIsTorchs(String row) {
        String[] parts = row.split("\\|");
        double s = Double.parseDouble(parts[0]);
        double[] loss = numbers(parts[1]), grad = numbers(parts[2]);
        float[][] logits = {{1, 2, 3, -0.5f}, {0.3f, -1.2f, 0.8f, 2.5f}};
        float[] g = new float[8];
        SoftmaxHeads.Result r = SoftmaxHeads.evaluate(logits, new int[][] {{2, 0}}, 4, g, s);
        for (int i = 0; i < 2; i++) {
            assertThat(r.loss()[0][i]).as("loss %d", i).isCloseTo(loss[i], Offset.offset(1e-6));
        }
        for (int j = 0; j < 8; j++) assertThat((double) g[j]).as("gradient %d", j).isCloseTo(grad[j], Offset.offset(1e-6));
        assertThat(r.predicted()[0]).containsExactly(2, 3); // smoothing changes the loss, not the prediction
    }

    private static double[] numbers(String csv) {
        return java.util.Arrays.stream(csv.split(",")).mapToDouble(v -> Double.parseDouble(v.strip())).toArray();
    }

    @Test
    void batchMeanIsTheMeanOfFullBatchesOnly() {
        double[] v = {1, 1, 0, 0, 1};
        assertThat(Evaluation.batchMean(v, 2)).isEqualTo(0.5);      // (1 + 0) / 2, the last one dropped
        assertThat(Evaluation.batchMean(v, 5)).isEqualTo(0.6);
        assertThat(Evaluation.batchMean(v, 6)).isNaN();
    }
}
