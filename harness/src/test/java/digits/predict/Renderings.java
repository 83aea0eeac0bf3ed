package digits.predict;

import java.awt.Color;
import java.awt.image.BufferedImage;

/**
 * Draws MNIST digits as someone's picture of them: any size and place, any paper and ink colour. The digit's grey
 * level says how much ink covers a point (bilinear between its pixels); independent of the code under test.
 */
final class Renderings {

    private Renderings() {}

    /**
     * A {@code width x height} picture of {@code paper} with the {@code rows x cols} digit {@code pixels} drawn in
     * {@code ink}, enlarged {@code scale} times, its top-left corner at {@code (x, y)}.
     */
    static BufferedImage draw(byte[] pixels, int rows, int cols, int width, int height, double scale, double x,
                              double y, Color paper, Color ink) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        paint(img, pixels, rows, cols, scale, x, y, paper, ink, true);
        return img;
    }

    /** Adds a digit to a picture, darkening (or lightening) towards {@code ink} where it has ink. */
    static void paint(BufferedImage img, byte[] pixels, int rows, int cols, double scale, double x, double y,
                      Color paper, Color ink, boolean fill) {
        for (int py = 0; py < img.getHeight(); py++) {
            for (int px = 0; px < img.getWidth(); px++) {
                double t = sample(pixels, rows, cols, (px + 0.5 - x) / scale - 0.5, (py + 0.5 - y) / scale - 0.5) / 255;
                if (!fill && t == 0) continue;
                img.setRGB(px, py, mix(paper, ink, t));
            }
        }
    }

    private static double sample(byte[] p, int rows, int cols, double u, double v) {
        int u0 = (int) Math.floor(u), v0 = (int) Math.floor(v);
        double fu = u - u0, fv = v - v0;
        return (1 - fu) * (1 - fv) * at(p, rows, cols, u0, v0) + fu * (1 - fv) * at(p, rows, cols, u0 + 1, v0)
                + (1 - fu) * fv * at(p, rows, cols, u0, v0 + 1) + fu * fv * at(p, rows, cols, u0 + 1, v0 + 1);
    }

    private static int at(byte[] p, int rows, int cols, int c, int r) {
        return c < 0 || r < 0 || c >= cols || r >= rows ? 0 : p[r * cols + c] & 0xff;
    }

    private static int mix(Color a, Color b, double t) {
        int r = (int) Math.round(a.getRed() + t * (b.getRed() - a.getRed()));
        int g = (int) Math.round(a.getGreen() + t * (b.getGreen() - a.getGreen()));
        int bl = (int) Math.round(a.getBlue() + t * (b.getBlue() - a.getBlue()));
        return (r << 16) | (g << 8) | bl;
    }
}
