package digits.train;

import static org.assertj.core.api.Assertions.assertThat;

import digits.spec.TrainingSpec.AugmentationSpec;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Where a single lit pixel lands under each part of the transform, worked out by hand on a 28x28 image. */
class AugmentationTest {

    static float[] dot(int x, int y) {
        float[] img = new float[28 * 28];
        img[y * 28 + x] = 1f;
        return img;
    }

    static int[] lit(float[] img) {
        for (int i = 0; i < img.length; i++) if (img[i] > 0.999f) return new int[] {i % 28, i / 28};
        return null;
    }

    static float[] apply(Augmentation a, float[] src, Augmentation.Affine t) {
        float[] out = new float[src.length];
        a.transform(src, 0, out, 0, t);
        return out;
    }

    final Augmentation any = new Augmentation(new AugmentationSpec(15.0, 3.0, 0.2), 7, 28, 28);

    @Test
    void aShiftMovesEveryPixelByWholePixels() {
        assertThat(lit(apply(any, dot(10, 12), new Augmentation.Affine(0, 1, 3, -2)))).containsExactly(13, 10);
    }

    @Test
    void aQuarterTurnIsCounterClockwiseOnScreenAboutTheCentre() {
        // centre (13.5, 13.5): the pixel 6.5 right of it and 0.5 below goes to 6.5 above it and 0.5 right
        assertThat(lit(apply(any, dot(20, 14), new Augmentation.Affine(90, 1, 0, 0)))).containsExactly(14, 7);
    }

    @Test
    void aZoomOfTwoDoublesTheDistanceFromTheCentre() {
        // the lit pixel (15, 13) is (1.5, -0.5) from the centre (13.5, 13.5): magnified twice, its ink spreads over
        // neighbours (bilinear), centred on (13.5 + 3, 13.5 - 1)
        float[] out = apply(any, dot(15, 13), new Augmentation.Affine(0, 2, 0, 0));
        double mass = 0, mx = 0, my = 0;
        for (int i = 0; i < out.length; i++) {
            mass += out[i];
            mx += out[i] * (i % 28);
            my += out[i] * (i / 28);
        }
        assertThat(mx / mass).isCloseTo(16.5, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(my / mass).isCloseTo(12.5, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(mass).isCloseTo(4.0, org.assertj.core.data.Offset.offset(1e-5)); // twice as wide, twice as tall
    }

    @Test
    void drawsWithinTheRangesDeterministicallyPerSeedEpochAndImage() {
        Set<Augmentation.Affine> seen = new HashSet<>();
        for (int epoch = 1; epoch <= 3; epoch++) {
            for (int i = 0; i < 200; i++) {
                Augmentation.Affine t = any.affine(epoch, i);
                assertThat(t).isEqualTo(new Augmentation(new AugmentationSpec(15.0, 3.0, 0.2), 7, 28, 28)
                        .affine(epoch, i));
                assertThat(t.degrees()).isBetween(-15.0, 15.0);
                assertThat(t.zoom()).isBetween(0.8, 1.2);
                assertThat(t.dx()).isBetween(-3, 3);
                assertThat(t.dy()).isBetween(-3, 3);
                seen.add(t);
            }
        }
        assertThat(seen).hasSize(600); // every image of every epoch its own transform
        assertThat(new Augmentation(new AugmentationSpec(15.0, 3.0, 0.2), 8, 28, 28).affine(1, 0))
                .isNotEqualTo(any.affine(1, 0));
    }
}
