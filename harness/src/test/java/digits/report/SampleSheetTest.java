package digits.report;

import static org.assertj.core.api.Assertions.assertThat;

import digits.TestData;
import digits.data.DatasetLoader;
import digits.data.LabeledImages;
import digits.spec.SpecCatalog;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class SampleSheetTest {

    @Test
    void twoDigitSheetShowsEachImageWithBothLabels() throws IOException {
        var spec = SpecCatalog.scan(TestData.experiments()).load("multi-digit-cnn");
        LabeledImages test = new DatasetLoader(TestData.root().resolve("data"), null, s -> { })
                .load(spec.dataset(), 10).split().test();
        Path png = Path.of("target/samples-multi-digit.png").toAbsolutePath(); // kept for people to look at
        Files.createDirectories(png.getParent());
        SampleSheet.write(test, 24, 8, png);
        BufferedImage img = ImageIO.read(png.toFile());
        int cellW = 28 * SampleSheet.SCALE + SampleSheet.GAP;
        int cellH = 42 * SampleSheet.SCALE + SampleSheet.LABEL_HEIGHT + SampleSheet.GAP;
        assertThat(img.getWidth()).isEqualTo(8 * cellW + SampleSheet.GAP);
        assertThat(img.getHeight()).isEqualTo(3 * cellH + SampleSheet.GAP);
        // the first cell's pixels are the first image's, inverted (dark ink on white)
        int v = test.pixels()[14 * 28 + 14] & 0xff;
        int rgb = img.getRGB(SampleSheet.GAP + 14 * SampleSheet.SCALE + 1, SampleSheet.GAP + 14 * SampleSheet.SCALE + 1);
        assertThat(rgb & 0xff).isEqualTo(255 - v);
    }
}
