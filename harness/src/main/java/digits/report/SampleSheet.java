package digits.report;

import digits.data.LabeledImages;
import digits.io.AtomicFiles;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;

/** A PNG grid of images with their labels under each, so a person can see what the network sees. */
public final class SampleSheet {

    static final int SCALE = 3;
    static final int LABEL_HEIGHT = 18;
    static final int GAP = 6;

    private SampleSheet() {}

    /** Draws the first {@code count} images, {@code columns} per row, into {@code png} (written atomically). */
    public static void write(LabeledImages images, int count, int columns, Path png) throws IOException {
        BufferedImage sheet = render(images, count, columns);
        AtomicFiles.write(png, out -> ImageIO.write(sheet, "png", out));
    }

    public static BufferedImage render(LabeledImages images, int count, int columns) {
        System.setProperty("java.awt.headless", "true");
        int n = Math.min(count, images.count());
        int rows = (n + columns - 1) / columns;
        int cellW = images.cols() * SCALE + GAP;
        int cellH = images.rows() * SCALE + LABEL_HEIGHT + GAP;
        BufferedImage sheet = new BufferedImage(columns * cellW + GAP, rows * cellH + GAP, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        for (int i = 0; i < n; i++) {
            int x0 = GAP + (i % columns) * cellW;
            int y0 = GAP + (i / columns) * cellH;
            drawImage(g, images, i, x0, y0, SCALE);
            final int index = i;
            String label = IntStream.range(0, images.heads()).mapToObj(h -> String.valueOf(images.label(h, index)))
                    .collect(Collectors.joining(" "));
            g.setColor(new Color(0x1f, 0x4e, 0x99));
            g.drawString(label, x0 + 2, y0 + images.rows() * SCALE + LABEL_HEIGHT - 4);
        }
        g.dispose();
        return sheet;
    }

    /** Image {@code index} alone, each pixel a {@code scale}x{@code scale} square, dark ink on white. */
    public static BufferedImage image(LabeledImages images, int index, int scale) {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(images.cols() * scale, images.rows() * scale, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        drawImage(g, images, index, 0, 0, scale);
        g.dispose();
        return img;
    }

    private static void drawImage(Graphics2D g, LabeledImages images, int index, int x0, int y0, int scale) {
        for (int r = 0; r < images.rows(); r++) {
            for (int c = 0; c < images.cols(); c++) {
                int v = 255 - (images.pixels()[index * images.size() + r * images.cols() + c] & 0xff); // ink is dark
                g.setColor(new Color(v, v, v));
                g.fillRect(x0 + c * scale, y0 + r * scale, scale, scale);
            }
        }
    }
}
