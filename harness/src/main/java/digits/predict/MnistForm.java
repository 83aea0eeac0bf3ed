package digits.predict;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.util.Arrays;

/**
 * Turns any picture of a handwritten digit into the form MNIST's digits have, step by step as MNIST was made
 * (LeCun et al.): grey levels; light ink on a dark background (inverted when the background is light); cropped to
 * the ink's bounding box; fitted into 20x20 keeping the aspect ratio (anti-aliased, so edges get grey levels);
 * placed in 28x28 with its centre of mass at the centre. Each step is a public method with its own test.
 *
 * <p>Two-digit models read the overlapping data set's form (H x 28, H = 42 for the seed's 14-row overlap): the
 * picture holds one digit above the other, it is cut at the emptiest row of the middle third of the ink, each
 * part becomes an MNIST digit, and the two are stacked as the data set stacks them: the upper one in rows 0-27,
 * the lower one in rows H-28..H-1, pixel-wise maximum where they overlap.
 */
public final class MnistForm {

    /** MNIST's image side, the box its digits are fitted into, and where their centre of mass lies. */
    public static final int SIDE = 28;
    public static final int BOX = 20;
    /**
     * Row and column (counted from 0) of the centre of mass: on MNIST's 10,000 test digits it lies in
     * [13.5, 14.5] on both axes (mean 13.99 and 14.01), so the digits were shifted by whole pixels to put it
     * nearest to pixel 14.
     */
    public static final double CENTRE = 14.0;
    /** Less contrast than this (of 255) between the strongest ink and the background is no ink at all. */
    static final float MIN_CONTRAST = 32;
    /** Ink at least this strong (of 255) is surely ink, not grain; the bounding box starts from it. */
    static final float CLEAR_INK = 25.5f;
    /**
     * The bounding box takes in the faint edge of a stroke down to this strength (of 255), not less: JPEG's
     * ringing around strokes, a few levels strong, widened it by up to a block and shrank the digit (PredictTest's
     * model read 0.914 of 1,000 MNIST digits drawn large as JPEG when any ink widened the box, 0.944 with this).
     */
    static final float FAINT_INK = 8;

    private MnistForm() {}

    /** A rectangle of pixels: columns {@code x..x+width-1}, rows {@code y..y+height-1}. */
    public record Box(int x, int y, int width, int height) {}

    /**
     * Grey levels 0 (black) to 255 (white) as stored in the file: grey images as they are, colour ones by luma
     * (0.299 R + 0.587 G + 0.114 B, what PIL's {@code convert('L')} gives), and transparent pixels laid over
     * white paper.
     */
    public static GrayImage grayscale(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        float[] out = new float[w * h];
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        if (cm.getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY && raster.getNumBands() <= 2) {
            // raw samples: getRGB would pass Java's linear grey through a gamma curve and brighten every pixel
            float full = (1 << cm.getComponentSize(0)) - 1;
            float fullAlpha = cm.hasAlpha() ? (1 << cm.getComponentSize(1)) - 1 : 1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = raster.getSample(x, y, 0) * 255f / full;
                    float a = cm.hasAlpha() ? raster.getSample(x, y, 1) / fullAlpha : 1;
                    out[y * w + x] = a * v + (1 - a) * 255;
                }
            }
            return new GrayImage(w, h, out);
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int argb = row[x];
                float a = (argb >>> 24) / 255f;
                float v = 0.299f * ((argb >> 16) & 0xff) + 0.587f * ((argb >> 8) & 0xff) + 0.114f * (argb & 0xff);
                out[y * w + x] = a * v + (1 - a) * 255;
            }
        }
        return new GrayImage(w, h, out);
    }

    /**
     * Ink as MNIST has it: background 0, the strongest ink 255. The background is the median of the outermost
     * ring of pixels; when it is light (128 or more) the picture is dark ink on paper and is inverted. Whatever
     * differs from the background by no more than three times the ring's noise (its standard deviation, estimated
     * from the median absolute deviation so that ink touching the edge does not count: paper grain, JPEG noise;
     * nothing on a clean picture) is background.
     *
     * @throws PredictException when nothing stands out from the background
     */
    public static GrayImage inkOnBlack(GrayImage gray) {
        float[] ring = border(gray);
        float background = median(ring);
        boolean light = background >= 128;
        float[] deviation = new float[ring.length];
        for (int i = 0; i < ring.length; i++) deviation[i] = Math.abs(ring[i] - background);
        float floor = 3 * 1.4826f * median(deviation);
        float[] px = gray.pixels();

        float[] ink = new float[px.length];
        float max = 0;
        for (int i = 0; i < px.length; i++) {
            float v = light ? background - px[i] : px[i] - background;
            ink[i] = v > floor ? v : 0;
            max = Math.max(max, ink[i]);
        }
        if (max < MIN_CONTRAST) {
            throw new PredictException("no ink found: nothing differs from the " + (light ? "light" : "dark")
                    + " background by " + (int) MIN_CONTRAST + " grey levels or more; allowed: a digit darker or "
                    + "lighter than its background");
        }
        for (int i = 0; i < ink.length; i++) ink[i] *= 255 / max;
        return new GrayImage(gray.width(), gray.height(), ink);
    }

    /**
     * The ink's bounding box, or null when there is none: the box of the clear ink (a tenth of full strength or
     * more), widened while the row or column just outside it holds faint ink (8 of 255 or more). So the
     * anti-aliased edge of a stroke is inside, and a speck of grain elsewhere or JPEG's ringing is not.
     */
    public static Box boundingBox(GrayImage ink) {
        int x0 = Integer.MAX_VALUE, y0 = Integer.MAX_VALUE, x1 = -1, y1 = -1;
        for (int y = 0; y < ink.height(); y++) {
            for (int x = 0; x < ink.width(); x++) {
                if (ink.get(x, y) >= CLEAR_INK) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        if (x1 < 0) return null;
        for (boolean grew = true; grew; ) {
            grew = false;
            if (y0 > 0 && anyInk(ink, x0, x1, y0 - 1, y0 - 1)) { y0--; grew = true; }
            if (y1 < ink.height() - 1 && anyInk(ink, x0, x1, y1 + 1, y1 + 1)) { y1++; grew = true; }
            if (x0 > 0 && anyInk(ink, x0 - 1, x0 - 1, y0, y1)) { x0--; grew = true; }
            if (x1 < ink.width() - 1 && anyInk(ink, x1 + 1, x1 + 1, y0, y1)) { x1++; grew = true; }
        }
        return new Box(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
    }

    private static boolean anyInk(GrayImage ink, int x0, int x1, int y0, int y1) {
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                if (ink.get(x, y) >= FAINT_INK) return true;
            }
        }
        return false;
    }

    /**
     * Scales the image so that its longer side is {@code box} pixels and the other keeps the aspect ratio
     * (rounded, at least 1). Each new pixel is the mean of the area of the old image it covers, which is what
     * anti-aliased scaling gives.
     */
    public static GrayImage fit(GrayImage image, int box) {
        double scale = (double) box / Math.max(image.width(), image.height());
        int w = Math.max(1, Math.min(box, (int) Math.round(image.width() * scale)));
        int h = Math.max(1, Math.min(box, (int) Math.round(image.height() * scale)));
        return resize(image, w, h);
    }

    /** Area-average resampling to {@code w x h}: rows first, then columns. */
    static GrayImage resize(GrayImage image, int w, int h) {
        Weights across = new Weights(image.width(), w);
        Weights down = new Weights(image.height(), h);
        float[] rows = new float[w * image.height()];
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < w; x++) rows[y * w + x] = across.apply(image.pixels(), y * image.width(), 1, x);
        }
        float[] out = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) out[y * w + x] = down.apply(rows, x, w, y);
        }
        return new GrayImage(w, h, out);
    }

    /** For each of {@code m} new pixels along one axis, the old pixels it covers and by how much. */
    private static final class Weights {
        private final int[] first;
        private final double[][] share;

        Weights(int n, int m) {
            first = new int[m];
            share = new double[m][];
            double step = (double) n / m;
            for (int o = 0; o < m; o++) {
                double a = o * step, b = (o + 1) * step;
                int i0 = (int) Math.floor(a), i1 = Math.min(n - 1, (int) Math.ceil(b) - 1);
                first[o] = i0;
                share[o] = new double[i1 - i0 + 1];
                for (int i = i0; i <= i1; i++) share[o][i - i0] = (Math.min(i + 1, b) - Math.max(i, a)) / step;
            }
        }

        float apply(float[] src, int offset, int stride, int o) {
            double s = 0;
            double[] sh = share[o];
            for (int k = 0; k < sh.length; k++) s += sh[k] * src[offset + (first[o] + k) * stride];
            return (float) s;
        }
    }

    /** The centre of mass {@code {x, y}} of the image's grey levels, in pixel indexes. */
    public static double[] centreOfMass(GrayImage image) {
        double sum = 0, sx = 0, sy = 0;
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                float v = image.get(x, y);
                sum += v;
                sx += v * x;
                sy += v * y;
            }
        }
        return new double[] {sx / sum, sy / sum};
    }

    /**
     * Places the image in a {@code side x side} field, shifted by whole pixels so that its centre of mass falls
     * nearest to pixel ({@link #CENTRE}, {@link #CENTRE}); ink shifted past the edge is lost, as in MNIST.
     */
    public static GrayImage centre(GrayImage image, int side) {
        double[] c = centreOfMass(image);
        int dx = (int) Math.round(CENTRE - c[0]);
        int dy = (int) Math.round(CENTRE - c[1]);
        GrayImage out = GrayImage.blank(side, side);
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                int tx = x + dx, ty = y + dy;
                if (tx >= 0 && ty >= 0 && tx < side && ty < side) out.set(tx, ty, image.get(x, y));
            }
        }
        return out;
    }

    /** One digit's ink ({@link #inkOnBlack}) in MNIST's 28x28 form, grey levels rounded to whole numbers. */
    public static GrayImage digit(GrayImage ink) {
        Box b = boundingBox(ink);
        if (b == null) throw new PredictException("no ink found");
        GrayImage fitted = fit(ink.crop(b.x(), b.y(), b.width(), b.height()), BOX);
        byte[] bytes = fitted.bytes(); // whole grey levels, as MNIST stores them, before the mass is weighed
        float[] px = fitted.pixels();
        for (int i = 0; i < px.length; i++) px[i] = bytes[i] & 0xff;
        return centre(fitted, SIDE);
    }

    /**
     * Two digits' ink, one above the other, in the two-digit data set's {@code height x 28} form: cut at the row
     * with the least ink in the middle third of the ink's bounding box (the nearest to its middle among equals),
     * each part an MNIST digit, the upper in rows 0-27, the lower in the last 28 rows, pixel-wise maximum.
     */
    public static GrayImage twoDigits(GrayImage ink, int height) {
        Box b = boundingBox(ink);
        if (b == null) throw new PredictException("no ink found");
        int cut = emptiestRow(ink, b);
        GrayImage upper = cut < 1 || cut >= ink.height() ? null : ink.crop(0, 0, ink.width(), cut);
        GrayImage lower = upper == null ? null : ink.crop(0, cut, ink.width(), ink.height() - cut);
        if (upper == null || boundingBox(upper) == null || boundingBox(lower) == null) {
            throw new PredictException("found one digit where this two-digit model wants two, one above the other");
        }
        GrayImage top = digit(upper), bottom = digit(lower);
        GrayImage out = GrayImage.blank(SIDE, height);
        int offset = height - SIDE;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < SIDE; x++) {
                float a = y < SIDE ? top.get(x, y) : 0;
                float c = y >= offset ? bottom.get(x, y - offset) : 0;
                out.set(x, y, Math.max(a, c));
            }
        }
        return out;
    }

    /** The row to cut at: in the middle third of the box, the least ink, nearest to the middle among equals. */
    static int emptiestRow(GrayImage ink, Box b) {
        int from = b.y() + Math.max(1, b.height() / 3);
        int to = b.y() + Math.max(1, 2 * b.height() / 3);
        double middle = b.y() + (b.height() - 1) / 2.0;
        int best = from;
        double bestInk = Double.MAX_VALUE;
        for (int y = from; y <= to && y < ink.height(); y++) {
            double s = 0;
            for (int x = 0; x < ink.width(); x++) s += ink.get(x, y);
            if (s < bestInk || (s == bestInk && Math.abs(y - middle) < Math.abs(best - middle))) {
                best = y;
                bestInk = s;
            }
        }
        return best;
    }

    private static float[] border(GrayImage g) {
        int w = g.width(), h = g.height();
        if (w <= 2 || h <= 2) return g.pixels().clone();
        float[] ring = new float[2 * w + 2 * (h - 2)];
        int k = 0;
        for (int x = 0; x < w; x++) {
            ring[k++] = g.get(x, 0);
            ring[k++] = g.get(x, h - 1);
        }
        for (int y = 1; y < h - 1; y++) {
            ring[k++] = g.get(0, y);
            ring[k++] = g.get(w - 1, y);
        }
        return ring;
    }

    private static float median(float[] values) {
        float[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
