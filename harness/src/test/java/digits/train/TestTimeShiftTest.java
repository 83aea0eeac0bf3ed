package digits.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class TestTimeShiftTest {

    /** Two 3x4 images: 1..12 and 13..24, row-major. */
    private static final float[] TWO = new float[24];

    static {
        for (int i = 0; i < TWO.length; i++) TWO[i] = i + 1;
    }

    @Test
    void theImageComesFirstThenItsFourCopiesMovedUpDownLeftAndRight() {
        assertThat(TestTimeShift.offsets(0)).isDeepEqualTo(new int[][] {{0, 0}});
        assertThat(TestTimeShift.offsets(2)).isDeepEqualTo(new int[][] {{0, 0}, {-2, 0}, {2, 0}, {0, -2}, {0, 2}});
    }

    @Test
    void aShiftMovesEveryImageAndFillsWhatEntersWithBackground() {
        // down one row: the first row is background, the last row leaves the frame
        assertThat(TestTimeShift.shifted(TWO, 2, 3, 4, 1, 0)).containsExactly(
                0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8,
                0, 0, 0, 0, 13, 14, 15, 16, 17, 18, 19, 20);
        // left two columns
        assertThat(TestTimeShift.shifted(TWO, 2, 3, 4, 0, -2)).containsExactly(
                3, 4, 0, 0, 7, 8, 0, 0, 11, 12, 0, 0,
                15, 16, 0, 0, 19, 20, 0, 0, 23, 24, 0, 0);
        // up one and right one at once; the input is left as it was
        assertThat(TestTimeShift.shifted(TWO, 1, 3, 4, -1, 1)).startsWith(0, 5, 6, 7, 0, 9, 10, 11, 0, 0, 0, 0);
        assertThat(TWO[0]).isEqualTo(1);
        // as far as the frame: nothing is left
        assertThat(TestTimeShift.shifted(TWO, 2, 3, 4, 3, 0)).containsOnly(0);
    }

    @Test
    void theAnswerIsTheMeanOfTheViewsSoftmaxesHeadByHead() {
        // one example, two heads of three classes, two views
        float[][] a = {{0f, 1f, 2f, 5f, 0f, 0f}};
        float[][] b = {{2f, 1f, 0f, 0f, 0f, 5f}};
        float[][] mean = TestTimeShift.meanOfSoftmaxes(List.of(a, b), 3);
        for (int head = 0; head < 2; head++) {
            double[] pa = softmax(a[0], head * 3), pb = softmax(b[0], head * 3), pm = softmax(mean[0], head * 3);
            for (int c = 0; c < 3; c++) assertThat(pm[c]).isCloseTo((pa[c] + pb[c]) / 2, within(1e-6));
        }
        // symmetric views of the first head: the mean is even between classes 0 and 2
        assertThat(mean[0][0]).isCloseTo(mean[0][2], within(1e-6f));
        // one view: its own softmax, as log-probabilities
        double[] p = softmax(a[0], 0);
        assertThat((double) TestTimeShift.meanOfSoftmaxes(List.<float[][]>of(a), 3)[0][1]).isCloseTo(Math.log(p[1]), within(1e-6));
    }

    private static double[] softmax(float[] z, int off) {
        double max = Math.max(z[off], Math.max(z[off + 1], z[off + 2]));
        double[] e = new double[3];
        double sum = 0;
        for (int c = 0; c < 3; c++) sum += e[c] = Math.exp(z[off + c] - max);
        for (int c = 0; c < 3; c++) e[c] /= sum;
        return e;
    }
}
