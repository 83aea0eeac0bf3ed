package digits.predict;

import digits.TestData;
import digits.data.Idx;
import digits.data.Mnist;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class FullModelScratchTest {
    interface Drawing { BufferedImage draw(byte[] d); }

    @Test
    void measure() throws Exception {
        TrainedModel model = TrainedModel.open(TestData.root().resolve("reports"), System.getProperty("scratch.run", "cnn"), TestData.root());
        Idx.Images digits = Idx.readImages(TestData.mnist().file(Mnist.TEST_IMAGES));
        byte[] labels = Idx.readLabels(TestData.mnist().file(Mnist.TEST_LABELS), 10);
        int n = Integer.getInteger("scratch.n", 2000);
        Object[][] variants = {
            {"100x140-light-on-dark png", "png", (Drawing) d -> Renderings.draw(d, 28, 28, 100, 140, 3.5, 1, 21, Color.BLACK, Color.WHITE)},
            {"84x84-inverted jpg", "jpg", (Drawing) d -> Renderings.draw(d, 28, 28, 84, 84, 3, 0, 0, Color.WHITE, Color.BLACK)},
            {"160x120-blue-ink-corner png", "png", (Drawing) d -> Renderings.draw(d, 28, 28, 160, 120, 1.5, 112, 75, new Color(235, 228, 200), new Color(20, 30, 120))},
            {"40x30-small-grey bmp", "bmp", (Drawing) d -> Renderings.draw(d, 28, 28, 40, 30, 0.9, 15, 3, Color.WHITE, new Color(60, 60, 60))},
        };
        int right0 = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            byte[] d = Arrays.copyOfRange(digits.pixels(), i * 784, (i + 1) * 784);
            float[] f = new float[784];
            for (int k = 0; k < 784; k++) f[k] = d[k] & 0xff;
            if (model.predict(new GrayImage(28, 28, f)).get(0).best() == labels[i]) right0++;
        }
        System.out.printf(Locale.ROOT, "full %s: as in MNIST %.4f (%.2f ms per prediction)%n", model.name(), right0 / (double) n, (System.nanoTime() - t0) / 1e6 / n);
        for (Object[] v : variants) {
            int right = 0;
            long prep = 0;
            for (int i = 0; i < n; i++) {
                byte[] d = Arrays.copyOfRange(digits.pixels(), i * 784, (i + 1) * 784);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ImageIO.write(((Drawing) v[2]).draw(d), (String) v[1], out);
                long a = System.nanoTime();
                GrayImage form = model.prepare(ImageFiles.read(out.toByteArray(), 1L << 26));
                prep += System.nanoTime() - a;
                if (model.predict(form).get(0).best() == labels[i]) right++;
            }
            System.out.printf(Locale.ROOT, "full %-28s %.4f (read+prepare %.2f ms)%n", v[0], right / (double) n, prep / 1e6 / n);
        }
    }
}
