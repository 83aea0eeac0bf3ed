package digits.predict;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Reads pictures with {@code javax.imageio} (PNG, JPEG, GIF, BMP, TIFF, WBMP in the JDK): the format is told by
 * the bytes, not the name; the first frame of an animation is taken; the size is checked before any pixel is
 * decoded, so a small file that unpacks into a huge image is refused.
 */
public final class ImageFiles {

    /** Largest picture {@code digits:predict} decodes: 64 megapixels, more than phone cameras take. */
    public static final long MAX_PIXELS = 64L << 20;

    /** What {@link #read} accepts, for messages. */
    public static final String ALLOWED = "an image javax.imageio reads: " + String.join(", ", formats());

    private ImageFiles() {}

    /** A picture with more pixels than allowed; told apart so that a server can answer 413. */
    public static final class TooLarge extends PredictException {
        TooLarge(String message) {
            super(message);
        }
    }

    /** The image in {@code bytes}, at most {@code maxPixels} pixels. */
    public static BufferedImage read(byte[] bytes, long maxPixels) {
        try (ImageInputStream stream = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
            return read(stream, maxPixels);
        } catch (IOException e) {
            throw new PredictException("cannot read (" + oneLine(e.getMessage()) + ")");
        }
    }

    /** The image in {@code file}, at most {@code maxPixels} pixels; the caller prefixes messages with the name. */
    public static BufferedImage read(Path file, long maxPixels) {
        if (Files.isDirectory(file)) {
            throw new PredictException("a folder with no image files; allowed suffixes: " + String.join(", ", suffixes()));
        }
        if (!Files.isRegularFile(file)) throw new PredictException("no such file");
        try (ImageInputStream stream = new FileImageInputStream(file.toFile())) {
            return read(stream, maxPixels);
        } catch (IOException e) {
            throw new PredictException("cannot read (" + oneLine(e.getMessage()) + ")");
        }
    }

    private static BufferedImage read(ImageInputStream stream, long maxPixels) {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(stream);
        if (!readers.hasNext()) throw new PredictException("not an image; allowed: " + ALLOWED);
        ImageReader reader = readers.next();
        String format = reader.getOriginatingProvider() == null ? "image"
                : reader.getOriginatingProvider().getFormatNames()[0].toUpperCase(Locale.ROOT);
        try {
            reader.setInput(stream, true, true);
            long w = reader.getWidth(0), h = reader.getHeight(0);
            if (w * h > maxPixels) {
                throw new TooLarge(format + " image of " + w + "x" + h + " pixels is too large; allowed: "
                        + String.format("at most %,d pixels", maxPixels));
            }
            BufferedImage image = reader.read(0);
            if (image == null) throw new PredictException("empty " + format + " image");
            return image;
        } catch (PredictException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // ImageIO's decoders throw IIOException, and sometimes runtime exceptions, on damaged data
            throw new PredictException("damaged or unsupported " + format + " data (" + oneLine(e.getMessage())
                    + "); allowed: " + ALLOWED);
        } finally {
            reader.dispose();
        }
    }

    private static String oneLine(String s) {
        return String.valueOf(s).replaceAll("\\s+", " ").strip();
    }

    /**
     * The files a comma list names, in order: a file as it is (whatever its name: the bytes decide), a folder as
     * its files whose suffix javax.imageio knows ({@code .png}, {@code .jpg}, ...), sorted by name, hidden files
     * skipped. Relative names are resolved against {@code base}. A folder without images is listed as itself,
     * so that it fails with its own message.
     */
    public static List<Path> expand(String commaList, Path base) {
        List<Path> out = new ArrayList<>();
        for (String part : commaList.split(",")) {
            String name = part.strip();
            if (name.isEmpty()) continue;
            Path p = base.resolve(name).normalize();
            if (!Files.isDirectory(p)) {
                out.add(p);
                continue;
            }
            List<Path> images;
            try (Stream<Path> s = Files.list(p)) {
                images = s.filter(f -> Files.isRegularFile(f) && isImageName(f)).sorted().toList();
            } catch (IOException e) {
                throw new PredictException(p + ": cannot list the folder (" + e.getMessage() + ")");
            }
            if (images.isEmpty()) out.add(p);
            else out.addAll(images);
        }
        if (out.isEmpty()) throw new PredictException("-Dimages names no file; allowed: a comma list of images or folders");
        return out;
    }

    static boolean isImageName(Path f) {
        String n = f.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return !n.startsWith(".") && dot > 0 && suffixes().contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static TreeSet<String> suffixes() {
        TreeSet<String> s = new TreeSet<>();
        for (String x : ImageIO.getReaderFileSuffixes()) s.add(x.toLowerCase(Locale.ROOT));
        return s;
    }

    private static List<String> formats() {
        TreeSet<String> s = new TreeSet<>();
        Arrays.stream(ImageIO.getReaderFormatNames()).map(f -> f.toUpperCase(Locale.ROOT))
                .filter(f -> !f.equals("JPG") && !f.equals("TIF")).forEach(s::add);
        return List.copyOf(s);
    }
}
