package digits.train;

import java.util.List;

/**
 * Test-time augmentation by shifts ({@code training.testTimeShift}): the network reads an image and its four copies
 * moved {@code shift} pixels up, down, left and right (the pixels moved in are background, 0), and the answer per
 * head is the mean of the five softmaxes. Its logarithm stands in for the logits afterwards: a softmax of it gives
 * the mean back, so loss, prediction and confidence are computed as for one view.
 */
public final class TestTimeShift {

    private TestTimeShift() {}

    /** The views as {@code {down, right}} offsets in pixels: the image itself first, then its four shifted copies. */
    public static int[][] offsets(int shift) {
        if (shift <= 0) return new int[][] {{0, 0}};
        return new int[][] {{0, 0}, {-shift, 0}, {shift, 0}, {0, -shift}, {0, shift}};
    }

    /**
     * {@code n} images of {@code rows x cols}, row-major, moved {@code down} rows and {@code right} columns (negative:
     * up, left); what leaves the frame is lost, what enters it is 0.
     */
    public static float[] shifted(float[] images, int n, int rows, int cols, int down, int right) {
        float[] out = new float[images.length];
        int size = rows * cols;
        int x0 = Math.max(0, right), x1 = Math.min(cols, cols + right);
        for (int i = 0; i < n; i++) {
            for (int y = Math.max(0, down); y < Math.min(rows, rows + down); y++) {
                System.arraycopy(images, i * size + (y - down) * cols + x0 - right, out, i * size + y * cols + x0, x1 - x0);
            }
        }
        return out;
    }

    /**
     * Per example and head, {@code log(mean over views of softmax(logits))}: logits that stand for the views' mean.
     * The views are shifted copies, an ensemble's networks ({@code training.ensemble}), or both.
     *
     * @param views one {@code [n][heads*classes]} array of logits per view
     */
    public static float[][] meanOfSoftmaxes(List<float[][]> views, int classes) {
        int n = views.get(0).length;
        int width = views.get(0)[0].length;
        float[][] out = new float[n][width];
        double[] mean = new double[classes];
        for (int i = 0; i < n; i++) {
            for (int off = 0; off < width; off += classes) {
                java.util.Arrays.fill(mean, 0);
                for (float[][] view : views) {
                    float[] z = view[i];
                    double max = Double.NEGATIVE_INFINITY, sum = 0;
                    for (int c = 0; c < classes; c++) max = Math.max(max, z[off + c]);
                    for (int c = 0; c < classes; c++) sum += Math.exp(z[off + c] - max);
                    for (int c = 0; c < classes; c++) mean[c] += Math.exp(z[off + c] - max) / sum / views.size();
                }
                // a class every view rules out entirely keeps a finite (very low) score
                for (int c = 0; c < classes; c++) out[i][off + c] = (float) Math.log(Math.max(mean[c], 1e-30));
            }
        }
        return out;
    }
}
