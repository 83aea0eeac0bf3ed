package digits.data;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads and writes the IDX format of MNIST (big-endian header, unsigned bytes): images with magic
 * 2051 and three dimensions, labels with magic 2049 and one dimension. Every header field and the file
 * length are checked, so a truncated or foreign file fails here with its name instead of later as noise.
 */
public final class Idx {

    public static final int IMAGES_MAGIC = 0x00000803;
    public static final int LABELS_MAGIC = 0x00000801;
    /** Unsigned bytes, two dimensions: a label table of (images, heads), e.g. the two digits of an image. */
    public static final int LABEL_TABLE_MAGIC = 0x00000802;

    private Idx() {}

    /** Images as one row-major byte array of {@code count * rows * cols} pixels. */
    public record Images(int count, int rows, int cols, byte[] pixels) {
        public int size() {
            return rows * cols;
        }
    }

    /** Reads just the header of an image file: (count, rows, cols). */
    public static int[] imageHeader(Path file) {
        ByteBuffer head = ByteBuffer.wrap(readPrefix(file, 16));
        int magic = head.getInt();
        checkMagic(file, magic, IMAGES_MAGIC, "images");
        int n = head.getInt(), rows = head.getInt(), cols = head.getInt();
        if (n < 0 || rows <= 0 || cols <= 0 || rows > 4096 || cols > 4096) {
            throw new IdxFormatException(file, "impossible image dimensions " + n + "x" + rows + "x" + cols);
        }
        return new int[] {n, rows, cols};
    }

    public static Images readImages(Path file) {
        byte[] all = readAll(file);
        if (all.length < 4) throw truncated(file, all.length, 16);
        ByteBuffer b = ByteBuffer.wrap(all);
        checkMagic(file, b.getInt(), IMAGES_MAGIC, "images");
        if (all.length < 16) throw truncated(file, all.length, 16);
        int n = b.getInt(), rows = b.getInt(), cols = b.getInt();
        if (n < 0 || rows <= 0 || cols <= 0 || rows > 4096 || cols > 4096) {
            throw new IdxFormatException(file, "impossible image dimensions " + n + "x" + rows + "x" + cols);
        }
        long expected = 16L + (long) n * rows * cols;
        checkLength(file, all.length, expected);
        byte[] pixels = new byte[(int) (expected - 16)];
        System.arraycopy(all, 16, pixels, 0, pixels.length);
        return new Images(n, rows, cols, pixels);
    }

    /** Labels as bytes, each checked to be below {@code classes}. */
    public static byte[] readLabels(Path file, int classes) {
        byte[] all = readAll(file);
        if (all.length < 4) throw truncated(file, all.length, 8);
        ByteBuffer b = ByteBuffer.wrap(all);
        checkMagic(file, b.getInt(), LABELS_MAGIC, "labels");
        if (all.length < 8) throw truncated(file, all.length, 8);
        int n = b.getInt();
        if (n < 0) throw new IdxFormatException(file, "negative label count " + n);
        checkLength(file, all.length, 8L + n);
        byte[] labels = new byte[n];
        System.arraycopy(all, 8, labels, 0, n);
        for (int i = 0; i < n; i++) {
            if ((labels[i] & 0xff) >= classes) {
                throw new IdxFormatException(file, "label " + (labels[i] & 0xff) + " at index " + i
                        + " is not a class; allowed: 0.." + (classes - 1));
            }
        }
        return labels;
    }

    /**
     * Labels as {@code [head][image]}: a one-dimensional label file gives one head, a two-dimensional one
     * (magic 0x00000802, shape images x heads) one head per column.
     */
    public static byte[][] readLabelTable(Path file, int classes) {
        byte[] all = readAll(file);
        if (all.length < 4) throw truncated(file, all.length, 8);
        ByteBuffer b = ByteBuffer.wrap(all);
        int magic = b.getInt();
        if (magic == LABELS_MAGIC) return new byte[][] {readLabels(file, classes)};
        checkMagic(file, magic, LABEL_TABLE_MAGIC, "label table");
        if (all.length < 12) throw truncated(file, all.length, 12);
        int n = b.getInt(), heads = b.getInt();
        if (n < 0 || heads < 1 || heads > 16) {
            throw new IdxFormatException(file, "impossible label table dimensions " + n + "x" + heads);
        }
        checkLength(file, all.length, 12L + (long) n * heads);
        byte[][] out = new byte[heads][n];
        for (int i = 0; i < n; i++) {
            for (int h = 0; h < heads; h++) {
                byte v = all[12 + i * heads + h];
                if ((v & 0xff) >= classes) {
                    throw new IdxFormatException(file, "label " + (v & 0xff) + " at image " + i + ", column " + h
                            + " is not a class; allowed: 0.." + (classes - 1));
                }
                out[h][i] = v;
            }
        }
        return out;
    }

    /** Writes {@code labels[head][image]} as a two-dimensional IDX table (images x heads). */
    public static void writeLabelTable(OutputStream out, byte[][] labels) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        int n = labels[0].length;
        d.writeInt(LABEL_TABLE_MAGIC);
        d.writeInt(n);
        d.writeInt(labels.length);
        byte[] rows = new byte[n * labels.length];
        for (int i = 0; i < n; i++) for (int h = 0; h < labels.length; h++) rows[i * labels.length + h] = labels[h][i];
        d.write(rows);
        d.flush();
    }

    public static void writeImages(OutputStream out, int count, int rows, int cols, byte[] pixels) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(IMAGES_MAGIC);
        d.writeInt(count);
        d.writeInt(rows);
        d.writeInt(cols);
        d.write(pixels, 0, count * rows * cols);
        d.flush();
    }

    public static void writeLabels(OutputStream out, byte[] labels) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(LABELS_MAGIC);
        d.writeInt(labels.length);
        d.write(labels);
        d.flush();
    }

    private static void checkMagic(Path file, int magic, int expected, String kind) {
        if (magic != expected) {
            String hint = magic == 0x1f8b0800 || (magic >>> 16) == 0x1f8b
                    ? " (it is gzip-compressed: decompress it first)" : "";
            throw new IdxFormatException(file, String.format("not an IDX %s file: magic number 0x%08x, expected 0x%08x%s",
                    kind, magic, expected, hint));
        }
    }

    private static void checkLength(Path file, long actual, long expected) {
        if (actual < expected) throw truncated(file, actual, expected);
        if (actual > expected) {
            throw new IdxFormatException(file, "has " + (actual - expected) + " bytes more than its header announces ("
                    + expected + "); the file is corrupted, fetch it again");
        }
    }

    private static IdxFormatException truncated(Path file, long actual, long expected) {
        return new IdxFormatException(file, "truncated: " + actual + " bytes, the header announces " + expected
                + "; fetch it again");
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IdxFormatException(file, "missing");
        } catch (IOException e) {
            throw new IdxFormatException(file, "cannot be read: " + e.getMessage());
        }
    }

    private static byte[] readPrefix(Path file, int n) {
        try (var in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(n);
            if (b.length < n) throw truncated(file, b.length, n);
            return b;
        } catch (NoSuchFileException e) {
            throw new IdxFormatException(file, "missing");
        } catch (IOException e) {
            throw new IdxFormatException(file, "cannot be read: " + e.getMessage());
        }
    }
}
