package digits.predict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import digits.TestData;
import digits.data.Idx;
import digits.data.Mnist;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** Each preprocessing step on synthetic pictures whose answer is known, then MNIST's own digits end to end. */
class MnistFormTest {

    /** A {@code w x h} grey picture of {@code background} with rectangles {@code {x, y, w, h, value}}. */
    static GrayImage picture(int w, int h, float background, int[]... rects) {
        GrayImage g = GrayImage.blank(w, h);
        java.util.Arrays.fill(g.pixels(), background);
        for (int[] r : rects) {
            for (int y = r[1]; y < r[1] + r[3]; y++) {
                for (int x = r[0]; x < r[0] + r[2]; x++) g.set(x, y, r[4]);
            }
        }
        return g;
    }

    @Test
    void grayscaleIsLumaForColourRawSamplesForGreyAndTransparencyIsWhitePaper() {
        BufferedImage rgb = new BufferedImage(3, 1, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, 0xff0000);
        rgb.setRGB(1, 0, 0x00ff00);
        rgb.setRGB(2, 0, 0x0000ff);
        assertThat(MnistForm.grayscale(rgb).pixels()).containsExactly(new float[] {76.245f, 149.685f, 29.07f},
                within(1e-3f));

        // a grey PNG's sample 100 is 100 (getRGB would brighten it through Java's linear-grey gamma)
        BufferedImage grey = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(0, 0, 0, 100);
        grey.getRaster().setSample(1, 0, 0, 255);
        assertThat(MnistForm.grayscale(grey).pixels()).containsExactly(100f, 255f);
        BufferedImage grey16 = new BufferedImage(1, 1, BufferedImage.TYPE_USHORT_GRAY);
        grey16.getRaster().setSample(0, 0, 0, 65535 / 5);
        assertThat(MnistForm.grayscale(grey16).pixels()[0]).isCloseTo(51f, within(1e-3f));

        BufferedImage argb = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00000000);          // transparent: the paper shows
        argb.setRGB(1, 0, 0x66000000);          // black at 40% opacity over white
        argb.setRGB(2, 0, 0xff000000);          // opaque black
        assertThat(MnistForm.grayscale(argb).pixels()).containsExactly(new float[] {255f, 153f, 0f}, within(1e-3f));
    }

    @Test
    void darkInkOnLightPaperIsInvertedAndLevelsGoFromBackgroundToStrongestInk() {
        GrayImage paper = picture(10, 10, 200, new int[] {3, 3, 4, 4, 50}, new int[] {3, 7, 1, 1, 125});
        GrayImage ink = MnistForm.inkOnBlack(paper);
        assertThat(ink.get(0, 0)).isZero();
        assertThat(ink.get(4, 4)).isEqualTo(255f);
        assertThat(ink.get(3, 7)).isCloseTo(127.5f, within(1e-3f)); // half way from paper to ink

        GrayImage board = picture(10, 10, 20, new int[] {3, 3, 4, 4, 220}, new int[] {3, 7, 1, 1, 120});
        GrayImage chalk = MnistForm.inkOnBlack(board);
        assertThat(chalk.get(0, 0)).isZero();
        assertThat(chalk.get(4, 4)).isEqualTo(255f);
        assertThat(chalk.get(3, 7)).isCloseTo(127.5f, within(1e-3f));
    }

    @Test
    void theBackgroundDecidesTheInversionNotTheMajorityOfPixels() {
        // a thick dark digit covering 64% of a light picture: still dark ink on light paper
        GrayImage g = picture(10, 10, 230, new int[] {1, 1, 8, 8, 30});
        GrayImage ink = MnistForm.inkOnBlack(g);
        assertThat(ink.get(0, 0)).isZero();
        assertThat(ink.get(5, 5)).isEqualTo(255f);
    }

    @Test
    void differencesWithinThreeTimesTheBordersNoiseAreBackground() {
        GrayImage g = GrayImage.blank(20, 20);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 20; x++) g.set(x, y, (x + y) % 2 == 0 ? 238 : 242);   // noise of 2 around 240
        }
        g.set(10, 10, 232);   // 8 below the paper: within 3 x 1.4826 x 2 = 8.9, grain
        g.set(12, 12, 230);   // 10 below: ink
        g.set(11, 11, 40);    // the strongest ink
        GrayImage ink = MnistForm.inkOnBlack(g);
        assertThat(ink.get(10, 10)).isZero();
        assertThat(ink.get(12, 12)).isCloseTo(10 * 255 / 200f, within(1e-3f));
        assertThat(ink.get(11, 11)).isEqualTo(255f);
        assertThat(ink.get(0, 0)).isZero();
        assertThat(ink.get(1, 0)).isZero();
    }

    @Test
    void aDigitOnGrainyPaperIsFoundWhereItIs() {
        java.util.Random random = new java.util.Random(1);
        GrayImage g = picture(60, 60, 0, new int[] {20, 15, 12, 20, 30});
        for (int i = 0; i < g.pixels().length; i++) {
            if (g.pixels()[i] == 0) g.pixels()[i] = (float) (235 + 3 * random.nextGaussian());
        }
        MnistForm.Box b = MnistForm.boundingBox(MnistForm.inkOnBlack(g));
        assertThat(b.x()).isBetween(19, 20);
        assertThat(b.y()).isBetween(14, 15);
        assertThat(b.x() + b.width()).isBetween(32, 33);
        assertThat(b.y() + b.height()).isBetween(35, 36);
    }

    @Test
    void aPictureOfOneShadeHasNoInk() {
        assertThatThrownBy(() -> MnistForm.inkOnBlack(picture(30, 30, 255, new int[] {5, 5, 3, 3, 240})))
                .isInstanceOf(PredictException.class).hasMessageStartingWith("no ink found");
    }

    @Test
    void boundingBoxHoldsTheInkAndItsFaintEdgesButNotASpeckElsewhere() {
        GrayImage g = picture(50, 60, 0, new int[] {13, 5, 17, 40, 255});
        g.set(30, 20, 12);   // faint edge right of the stroke
        g.set(31, 21, 9);    // and one further out, touching it
        g.set(13, 45, 20);   // faint edge below
        g.set(14, 4, 7);     // fainter than a stroke's edge above: ringing, not ink
        g.set(45, 55, 20);   // a speck on its own
        assertThat(MnistForm.boundingBox(g)).isEqualTo(new MnistForm.Box(13, 5, 19, 41));
        assertThat(MnistForm.boundingBox(GrayImage.blank(5, 5))).isNull();
    }

    @Test
    void fitMakesTheLongerSide20AndKeepsTheAspectRatio() {
        GrayImage tall = MnistForm.fit(picture(40, 80, 255), 20);
        assertThat(tall.width()).isEqualTo(10);
        assertThat(tall.height()).isEqualTo(20);
        assertFull(tall);
        GrayImage wide = MnistForm.fit(picture(100, 30, 255), 20);
        assertThat(new int[] {wide.width(), wide.height()}).containsExactly(20, 6);
        GrayImage small = MnistForm.fit(picture(3, 6, 255), 20);   // enlarged too
        assertThat(new int[] {small.width(), small.height()}).containsExactly(10, 20);
        assertFull(small);
    }

    private static void assertFull(GrayImage g) {
        for (float v : g.pixels()) assertThat(v).isCloseTo(255f, within(1e-3f));
    }

    @Test
    void fitAveragesTheAreaEachNewPixelCovers() {
        // 30 -> 20: new pixel 0 covers old [0, 1.5); a lit old column 0 fills two thirds of it
        GrayImage g = MnistForm.fit(picture(30, 30, 0, new int[] {0, 0, 1, 30, 255}), 20);
        assertThat(g.get(0, 7)).isCloseTo(170f, within(1e-3f));
        assertThat(g.get(1, 7)).isZero();
        // 40 -> 20: a lit left half stays exactly the left half
        GrayImage half = MnistForm.fit(picture(40, 40, 0, new int[] {0, 0, 20, 40, 255}), 20);
        assertThat(half.get(9, 3)).isEqualTo(255f);
        assertThat(half.get(10, 3)).isZero();
        // the mean grey level is kept
        GrayImage odd = picture(37, 23, 0, new int[] {5, 3, 11, 7, 200}, new int[] {20, 10, 3, 9, 90});
        GrayImage fitted = MnistForm.fit(odd, 20);
        assertThat(fitted.sum() / (fitted.width() * fitted.height()))
                .isCloseTo(odd.sum() / (37 * 23), within(0.01 * odd.sum() / (37 * 23)));
    }

    @Test
    void centrePutsTheCentreOfMassOnPixel14() {
        GrayImage block = MnistForm.centre(picture(20, 20, 0, new int[] {0, 0, 3, 3, 255}), 28);
        assertThat(MnistForm.centreOfMass(block)).containsExactly(14.0, 14.0);
        assertThat(block.get(13, 13)).isEqualTo(255f);
        assertThat(block.get(15, 15)).isEqualTo(255f);
        assertThat(block.sum()).isEqualTo(9 * 255.0);

        // two dots 4 apart, one three times as heavy: the mass centre is 1 from the heavy one
        GrayImage dots = MnistForm.centre(picture(5, 1, 0, new int[] {0, 0, 1, 1, 60}, new int[] {4, 0, 1, 1, 180}), 28);
        assertThat(dots.get(11, 14)).isEqualTo(60f);
        assertThat(dots.get(15, 14)).isEqualTo(180f);
    }

    @Test
    void aDigitOnPaperOfAnySizeBecomesTheMnistForm() {
        // a dark 60x150 bar on a 200x300 light picture: 8x20 of full ink, mass centre at (14.5, 14.5)
        GrayImage d = MnistForm.digit(MnistForm.inkOnBlack(picture(200, 300, 210, new int[] {17, 40, 60, 150, 15})));
        assertThat(new int[] {d.width(), d.height()}).containsExactly(28, 28);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                boolean in = x >= 11 && x <= 18 && y >= 5 && y <= 24;
                assertThat(d.get(x, y)).as("(%d, %d)", x, y).isEqualTo(in ? 255f : 0f);
            }
        }
    }

    @Test
    void twoDigitsOneAboveTheOtherAreStackedAsTheDataSetStacksThem() {
        GrayImage pic = picture(80, 130, 250, new int[] {10, 10, 20, 40, 0}, new int[] {40, 70, 30, 40, 0});
        GrayImage two = MnistForm.twoDigits(MnistForm.inkOnBlack(pic), 42);
        assertThat(new int[] {two.width(), two.height()}).containsExactly(28, 42);
        // upper: 20x40 -> 10x20 at columns 10-19, rows 5-24; lower: 30x40 -> 15x20 at columns 7-21, rows 14+5..14+24
        for (int y = 0; y < 42; y++) {
            for (int x = 0; x < 28; x++) {
                boolean upper = x >= 10 && x <= 19 && y >= 5 && y <= 24;
                boolean lower = x >= 7 && x <= 21 && y >= 19 && y <= 38;
                assertThat(two.get(x, y)).as("(%d, %d)", x, y).isEqualTo(upper || lower ? 255f : 0f);
            }
        }
        // a stroke one pixel high cannot be cut in two
        assertThatThrownBy(() -> MnistForm.twoDigits(MnistForm.inkOnBlack(
                picture(80, 130, 250, new int[] {10, 60, 50, 1, 0})), 42))
                .isInstanceOf(PredictException.class).hasMessageContaining("found one digit");
    }

    @Test
    void mnistsOwnDigitsComeBackAsTheyAre() {
        Idx.Images test = Idx.readImages(TestData.mnist().file(Mnist.TEST_IMAGES));
        int n = 2000, same = 0;
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            byte[] original = java.util.Arrays.copyOfRange(test.pixels(), i * 784, (i + 1) * 784);
            img.getRaster().setDataElements(0, 0, 28, 28, original);
            GrayImage d = MnistForm.digit(MnistForm.inkOnBlack(MnistForm.grayscale(img)));
            double[] c = MnistForm.centreOfMass(d);
            assertThat(c[0]).isBetween(13.5, 14.5);
            assertThat(c[1]).isBetween(13.5, 14.5);
            int worst = 0;
            for (int p = 0; p < 784; p++) worst = Math.max(worst, Math.abs((original[p] & 0xff) - (int) d.pixels()[p]));
            if (worst <= 1) same++;
        }
        System.out.printf("MNIST test digits back within one grey level: %d of %d%n", same, n);
        // MNIST made them this way: nearly all come back within one grey level (96% measured on the first 1,000;
        // the others lost a stroke edge fainter than FAINT_INK)
        assertThat(same).isGreaterThanOrEqualTo(n * 95 / 100);
    }
}
