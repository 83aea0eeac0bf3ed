package digits.train;

import digits.spec.TrainingSpec;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The spec's {@code augmentation}: one random affine transform per training image and epoch (rotation about the
 * image's centre, zoom, then a shift by whole pixels), optionally with an elastic displacement field on top, sampled
 * bilinearly with zeros outside the image. Each image's
 * numbers come from its own generator, seeded from the spec's training seed, the epoch and the image's place in the
 * epoch, so a run, a resumed run and {@code digits:samples} all see the same images. Only training batches pass
 * through here; dev and test images are never transformed.
 */
public final class Augmentation {

    private final double rotation;
    private final double shift;
    private final double scale;
    private final double elasticAlpha;
    private final double[] blur; // the elastic field's Gaussian kernel, null without one
    private final long seed;
    private final int height;
    private final int width;

    public Augmentation(TrainingSpec.AugmentationSpec spec, long seed, int height, int width) {
        this.rotation = spec.rotation();
        this.shift = spec.shift();
        this.scale = spec.scale();
        this.elasticAlpha = spec.elastic() == null ? 0 : spec.elastic().alpha();
        this.blur = spec.elastic() == null ? null : gaussianKernel(spec.elastic().sigma());
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
        return affine(generator(epoch, index));
    }

    private SplittableRandom generator(int epoch, long index) {
        // one generator per image: SplittableRandom's seed mixing spreads the consecutive seeds
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch * 0xC2B2AE3D27D4EB4FL + index);
    }

    private Affine affine(SplittableRandom r) {
        double degrees = rotation == 0 ? 0 : r.nextDouble(-rotation, rotation);
        double zoom = scale == 0 ? 1 : r.nextDouble(1 - scale, 1 + scale);
        int dx = shift == 0 ? 0 : (int) Math.round(r.nextDouble(-shift, shift));
        int dy = shift == 0 ? 0 : (int) Math.round(r.nextDouble(-shift, shift));
        return new Affine(degrees, zoom, dx, dy);
    }

    /**
     * The elastic displacement of image {@code index} in epoch {@code epoch}, in pixels: {@code [0]} along x,
     * {@code [1]} along y, row-major; null without {@code elastic}. Drawn after the affine's numbers from the same
     * generator, so adding an elastic field leaves the affine transforms as they were.
     */
    public float[][] displacement(int epoch, long index) {
        SplittableRandom r = generator(epoch, index);
        affine(r);
        return displacement(r);
    }

    private float[][] displacement(SplittableRandom r) {
        if (blur == null) return null;
        int size = height * width;
        float[][] d = new float[2][];
        for (int axis = 0; axis < 2; axis++) {
            double[] noise = new double[size];
            for (int j = 0; j < size; j++) noise[j] = r.nextDouble() * 2 - 1;
            double[] smooth = blurred(noise);
            d[axis] = new float[size];
            // torchvision scales by alpha / size in grid_sample's [-1, 1] coordinates: alpha / 2 pixels
            for (int j = 0; j < size; j++) d[axis][j] = (float) (smooth[j] * elasticAlpha / 2);
        }
        return d;
    }

    /** torchvision's gaussian_blur kernel for the elastic field: {@code int(8 sigma + 1)} taps, made odd. */
    static double[] gaussianKernel(double sigma) {
        int k = (int) (8 * sigma + 1);
        if (k % 2 == 0) k++;
        double[] w = new double[k];
        double sum = 0;
        for (int i = 0; i < k; i++) {
            double x = i - (k - 1) / 2.0;
            w[i] = Math.exp(-0.5 * (x / sigma) * (x / sigma));
            sum += w[i];
        }
        for (int i = 0; i < k; i++) w[i] /= sum;
        return w;
    }

    /** The field blurred along rows, then columns, reflecting at the edges (torch's reflect padding). */
    double[] blurred(double[] field) {
        int half = blur.length / 2;
        double[] rows = new double[field.length], out = new double[field.length];
        double[] line = new double[Math.max(width, height) + 2 * half]; // one row or column, padded
        for (int y = 0; y < height; y++) {
            for (int i = 0; i < width + 2 * half; i++) line[i] = field[y * width + reflect(i - half, width)];
            for (int x = 0; x < width; x++) rows[y * width + x] = dot(line, x);
        }
        for (int x = 0; x < width; x++) {
            for (int i = 0; i < height + 2 * half; i++) line[i] = rows[reflect(i - half, height) * width + x];
            for (int y = 0; y < height; y++) out[y * width + x] = dot(line, y);
        }
        return out;
    }

    private double dot(double[] line, int from) {
        double s = 0;
        for (int t = 0; t < blur.length; t++) s += blur[t] * line[from + t];
        return s;
    }

    /** Index {@code i} reflected into [0, n) without repeating the edge (numpy's and torch's reflect). */
    static int reflect(int i, int n) {
        if (n == 1) return 0;
        int period = 2 * (n - 1);
        i = Math.floorMod(i, period);
        return i < n ? i : period - i;
    }

    /**
     * Writes into {@code into} (an {@code [n, height*width]} array the caller reuses, returned) each row of
     * {@code batch} transformed, row {@code i} being image {@code first + i} of the epoch. A buffer is reused
     * because ND4J never frees CPU arrays here (JavaCPP's pointer GC is off, see Nd4jSetup): a new array per
     * batch cost 300 MB of resident memory an epoch and ended a 40-epoch two-digit run at the 14 GB limit.
     */
    public INDArray apply(INDArray batch, int epoch, long first, INDArray into) {
        int n = (int) batch.size(0), size = height * width;
        float[] in = batch.data().asFloat();
        float[] out = new float[n * size];
        for (int i = 0; i < n; i++) transform(in, i * size, out, i * size, epoch, first + i);
        into.data().setData(out);
        return into;
    }

    /**
     * Training image {@code index} of {@code images} as epoch {@code epoch} sees it (bytes, as stored), for
     * {@code digits:samples}.
     */
    public byte[] image(digits.data.LabeledImages images, int index, int epoch) {
        int size = height * width;
        float[] src = new float[size], dst = new float[size];
        for (int j = 0; j < size; j++) src[j] = images.pixels()[index * size + j] & 0xff;
        transform(src, 0, dst, 0, epoch, index);
        byte[] out = new byte[size];
        for (int j = 0; j < size; j++) out[j] = (byte) Math.max(0, Math.min(255, Math.round(dst[j])));
        return out;
    }

    private void transform(float[] src, int from, float[] dst, int to, int epoch, long index) {
        SplittableRandom r = generator(epoch, index);
        Affine a = affine(r);
        transform(src, from, dst, to, a, displacement(r));
    }

    /**
     * Inverse mapping: each output pixel, moved by the elastic displacement at that pixel ({@code d}, or none where
     * null, as grid_sample reads the identity grid plus it), reads the source point the affine carries onto it: the
     * affine first, then the elastic field, as {@code Compose([RandomAffine, ElasticTransform])}.
     */
    void transform(float[] src, int from, float[] dst, int to, Affine a, float[][] d) {
        double cx = (width - 1) / 2.0, cy = (height - 1) / 2.0;
        double rad = Math.toRadians(a.degrees());
        // y grows downwards, so a counter-clockwise turn on screen is clockwise in (x, y); inverse: turn back, unzoom
        double cos = Math.cos(rad) / a.zoom(), sin = Math.sin(rad) / a.zoom();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double u = x - a.dx() - cx, v = y - a.dy() - cy;
                if (d != null) { // the elastic transform acts on the affine's output
                    u += d[0][y * width + x];
                    v += d[1][y * width + x];
                }
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
