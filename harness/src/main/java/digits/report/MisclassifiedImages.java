package digits.report;

import digits.data.LabeledImages;
import digits.io.AtomicFiles;
import digits.train.TestMetrics;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The pixels of a run's worst misclassified test images, as {@code misclassified/<index>.png} in the run
 * folder, so the run page can show them without the dataset.
 */
public final class MisclassifiedImages {

    public static final String DIR = "misclassified";
    /** MNIST's 28 pixels become 84: large enough to see the strokes on any screen. */
    static final int SCALE = 3;

    private MisclassifiedImages() {}

    /** The PNG of test image {@code index}, relative to the run folder (with '/', as pages link it). */
    public static String relativePath(int index) {
        return DIR + "/" + index + ".png";
    }

    public static void write(Path runDir, LabeledImages test, List<TestMetrics.Misclassified> images) throws IOException {
        if (images == null || images.isEmpty()) return;
        Files.createDirectories(runDir.resolve(DIR));
        for (TestMetrics.Misclassified m : images) {
            BufferedImage img = SampleSheet.image(test, m.index(), SCALE);
            AtomicFiles.write(runDir.resolve(relativePath(m.index())), out -> ImageIO.write(img, "png", out));
        }
    }
}
