package digits.data;

/**
 * Images (unsigned bytes, row-major) with one label per head per image: MNIST has one head, the
 * two-digit set two. The network sees each byte divided by {@code pixelDivisor} (255, or the notebook's 256).
 */
public record LabeledImages(int count, int rows, int cols, byte[] pixels, byte[][] labels, int pixelDivisor) {

    public LabeledImages(int count, int rows, int cols, byte[] pixels, byte[][] labels) {
        this(count, rows, cols, pixels, labels, 255);
    }

    /** The same images, seen through another divisor. */
    public LabeledImages withPixelDivisor(int divisor) {
        return divisor == pixelDivisor ? this : new LabeledImages(count, rows, cols, pixels, labels, divisor);
    }

    public int size() {
        return rows * cols;
    }

    public int heads() {
        return labels.length;
    }

    public int label(int head, int index) {
        return labels[head][index] & 0xff;
    }

    /** The first {@code n} images. */
    public LabeledImages first(int n) {
        if (n >= count) return this;
        byte[] px = java.util.Arrays.copyOf(pixels, n * size());
        byte[][] lb = new byte[labels.length][];
        for (int h = 0; h < labels.length; h++) lb[h] = java.util.Arrays.copyOf(labels[h], n);
        return new LabeledImages(n, rows, cols, px, lb, pixelDivisor);
    }

    /** Images {@code order[0]}, {@code order[1]}, ... in that order. */
    public LabeledImages select(int[] order) {
        int s = size();
        byte[] px = new byte[order.length * s];
        byte[][] lb = new byte[labels.length][order.length];
        for (int i = 0; i < order.length; i++) {
            System.arraycopy(pixels, order[i] * s, px, i * s, s);
            for (int h = 0; h < labels.length; h++) lb[h][i] = labels[h][order[i]];
        }
        return new LabeledImages(order.length, rows, cols, px, lb, pixelDivisor);
    }

    /** Images {@code from} (inclusive) to {@code to} (exclusive). */
    public LabeledImages range(int from, int to) {
        int[] order = new int[to - from];
        for (int i = 0; i < order.length; i++) order[i] = from + i;
        return select(order);
    }
}
