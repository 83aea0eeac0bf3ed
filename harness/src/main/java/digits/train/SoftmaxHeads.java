package digits.train;

/**
 * Softmax cross-entropy over the logits of one batch, head by head (each head is a consecutive
 * group of {@code classes} logits, like the seed's {@code out[:, :10]} and {@code out[:, 10:]}).
 * Computes what {@code F.cross_entropy} and {@code argmax} give, and the gradient of the joint loss
 * {@code mean over heads of the per-head mean loss} with respect to the logits; with label smoothing
 * {@code s}, what {@code F.cross_entropy(..., label_smoothing=s)} gives: the target is {@code 1 - s} on the label
 * plus {@code s / classes} on every class.
 */
final class SoftmaxHeads {

    private SoftmaxHeads() {}

    /** Per-example results for one batch. */
    record Result(double[][] loss, int[][] predicted, float[][] confidence) {}

    /**
     * @param logits   {@code [n][heads*classes]}
     * @param labels   {@code [heads][n]}
     * @param gradient if not null, receives {@code d(joint loss * n)/d(logits)}, row-major {@code [n*heads*classes]};
     *                 the factor n is removed by DL4J's updater, which divides by the batch size
     */
    static Result evaluate(float[][] logits, int[][] labels, int classes, float[] gradient) {
        return evaluate(logits, labels, classes, gradient, 0);
    }

    /** As {@link #evaluate(float[][], int[][], int, float[])}, the loss and gradient with label smoothing. */
    static Result evaluate(float[][] logits, int[][] labels, int classes, float[] gradient, double smoothing) {
        int n = logits.length;
        int heads = labels.length;
        double[][] loss = new double[heads][n];
        int[][] predicted = new int[heads][n];
        float[][] confidence = new float[heads][n];
        double[] p = new double[classes];
        for (int i = 0; i < n; i++) {
            float[] row = logits[i];
            for (int h = 0; h < heads; h++) {
                int off = h * classes;
                int best = 0;
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    if (row[off + c] > max) {
                        max = row[off + c];
                        best = c;
                    }
                }
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    p[c] = Math.exp(row[off + c] - max);
                    sum += p[c];
                }
                int y = labels[h][i];
                double logSum = Math.log(sum);
                double nll = logSum - (row[off + y] - max);
                if (smoothing == 0) {
                    loss[h][i] = nll;
                } else { // (1 - s) * -log p_y + s * mean over classes of -log p_c
                    double meanNll = 0;
                    for (int c = 0; c < classes; c++) meanNll += logSum - (row[off + c] - max);
                    loss[h][i] = (1 - smoothing) * nll + smoothing * meanNll / classes;
                }
                predicted[h][i] = best;
                confidence[h][i] = (float) (p[best] / sum);
                if (gradient != null) {
                    int g = i * heads * classes + off;
                    for (int c = 0; c < classes; c++) {
                        double target = (c == y ? 1 - smoothing : 0) + smoothing / classes;
                        gradient[g + c] = (float) ((p[c] / sum - target) / heads);
                    }
                }
            }
        }
        return new Result(loss, predicted, confidence);
    }
}
