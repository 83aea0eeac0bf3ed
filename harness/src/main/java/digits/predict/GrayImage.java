package digits.predict;

/**
 * A grey-level image, row-major, values in [0, 255]. Preprocessing works on these: before inversion 0 is
 * black, after it 0 is background and 255 full ink, as in MNIST.
 */
public record GrayImage(int width, int height, float[] pixels) {

    public GrayImage {
        if (width < 1 || height < 1 || pixels.length != width * height) {
            throw new IllegalArgumentException(width + "x" + height + " image with " + pixels.length + " pixels");
        }
    }

    /** A black (all zero) image. */
    public static GrayImage blank(int width, int height) {
        return new GrayImage(width, height, new float[width * height]);
    }

    public float get(int x, int y) {
        return pixels[y * width + x];
    }

    public void set(int x, int y, float v) {
        pixels[y * width + x] = v;
    }

    /** The {@code w x h} part whose top-left corner is {@code (x, y)}. */
    public GrayImage crop(int x, int y, int w, int h) {
        float[] out = new float[w * h];
        for (int r = 0; r < h; r++) System.arraycopy(pixels, (y + r) * width + x, out, r * w, w);
        return new GrayImage(w, h, out);
    }

    /** Pixels rounded to bytes, as the data sets store them. */
    public byte[] bytes() {
        byte[] out = new byte[pixels.length];
        for (int i = 0; i < out.length; i++) out[i] = (byte) Math.round(Math.max(0, Math.min(255, pixels[i])));
        return out;
    }

    public float max() {
        float m = 0;
        for (float v : pixels) m = Math.max(m, v);
        return m;
    }

    public double sum() {
        double s = 0;
        for (float v : pixels) s += v;
        return s;
    }
}
