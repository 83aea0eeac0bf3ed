package digits.train;

import digits.spec.TrainingSpec;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The spec's {@code augmentation}: one random affine transform per training image and epoch (rotation about the
 * image's centre, zoom, then a shift by whole pixels), sampled bilinearly with zeros outside the image. Each image's
 * numbers come from its own generator, seeded from the spec's training seed, the epoch and the image's place in the
 * epoch, so a run, a resumed run and {@code digits:samples} all see the same images. Only training batches pass
 * through here; dev and test images are never transformed.
 */
public final class Augmentation {

    private final double rotation;
    private final double shift;
    private final double scale;
    private final long seed;
    private final int height;
    private final int width;

    public Augmentation(TrainingSpec.AugmentationSpec spec, long seed, int height, int width) {
        this.rotation = spec.rotation();
        this.shift = spec.shift();
        this.scale = spec.scale();
        this.seed = seed;
        this.height = height;
        this.width = width;
    }

    /** The augmentation of {@code t}, or null where the spec asks for none. */
    public static Augmentation of(TrainingSpec t, int height, int width) {
        return t.augmentation() == null ? null : new Augmentation(t.augmentation(), t.seed(), height, width);
    }

    /** The transform of one image: degrees counter-clockwise, zoom factor, shift in whole pixels (x right, y down). */
    public record Affine(double degrees, double zoom, int dx, int dy) {}

    /** The transform of image {@code index} (its place in the epoch's order) in epoch {@code epoch} (from 1). */
    public Affine affine(int epoch, long index) {
        // one generator per image: SplittableRandom's seed mixing spreads the consecutive seeds
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch * 0xC2B2AE3D27D4EB4FL + index);
        double degrees = rotation == 0 ? 0 : r.nextDouble(-rotation, rotation);
        double zoom = scale == 0 ? 1 : r.nextDouble(1 - scale, 1 + scale);
        int dx = shift == 0 ? 0 : (int) Math.round(r.nextDouble(-shift, shift));
        int dy = shift == 0 ? 0 : (int) Math.round(r.nextDouble(-shift, shift));
        return new Affine(degrees, zoom, dx, dy);
    }

    /**
     * A new {@code [n, height*width]} batch: each row of {@code batch} transformed, row {@code i} being image
     * {@code first + i} of the epoch.
     */
    public INDArray apply(INDArray batch, int epoch, long first) {
        int n = (int) batch.size(0), size = height * width;
        float[] in = batch.data().asFloat();
        float[] out = new float[n * size];
        for (int i = 0; i < n; i++) transform(in, i * size, out, i * size, affine(epoch, first + i));
        return Nd4j.create(out, new long[] {n, size}, 'c');
    }

    /**
     * Training image {@code index} of {@code images} as epoch {@code epoch} sees it (bytes, as stored), for
     * {@code digits:samples}.
     */
    public byte[] image(digits.data.LabeledImages images, int index, int epoch) {
        int size = height * width;
        float[] src = new float[size], dst = new float[size];
        for (int j = 0; j < size; j++) src[j] = images.pixels()[index * size + j] & 0xff;
        transform(src, 0, dst, 0, affine(epoch, index));
        byte[] out = new byte[size];
        for (int j = 0; j < size; j++) out[j] = (byte) Math.max(0, Math.min(255, Math.round(dst[j])));
        return out;
    }

    /** Inverse mapping: each output pixel reads the source point the transform carries onto it. */
    void transform(float[] src, int from, float[] dst, int to, Affine a) {
        double cx = (width - 1) / 2.0, cy = (height - 1) / 2.0;
        double rad = Math.toRadians(a.degrees());
        // y grows downwards, so a counter-clockwise turn on screen is clockwise in (x, y); inverse: turn back, unzoom
        double cos = Math.cos(rad) / a.zoom(), sin = Math.sin(rad) / a.zoom();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double u = x - a.dx() - cx, v = y - a.dy() - cy;
                double sx = cos * u - sin * v + cx, sy = sin * u + cos * v + cy;
                dst[to + y * width + x] = sample(src, from, sx, sy);
            }
        }
    }

    /** Bilinear interpolation, zero outside the image. */
    private float sample(float[] src, int from, double x, double y) {
        int x0 = (int) Math.floor(x), y0 = (int) Math.floor(y);
        double fx = x - x0, fy = y - y0;
        return (float) ((1 - fy) * ((1 - fx) * pixel(src, from, x0, y0) + fx * pixel(src, from, x0 + 1, y0))
                + fy * ((1 - fx) * pixel(src, from, x0, y0 + 1) + fx * pixel(src, from, x0 + 1, y0 + 1)));
    }

    private float pixel(float[] src, int from, int x, int y) {
        return x < 0 || y < 0 || x >= width || y >= height ? 0 : src[from + y * width + x];
    }
}
