package digits.train;

import static org.assertj.core.api.Assertions.assertThat;

import digits.spec.TrainingSpec.AugmentationSpec;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Where a single lit pixel lands under each part of the transform, worked out by hand on a 28x28 image. */
class AugmentationTest {

    @org.junit.jupiter.api.BeforeAll
    static void setup() {
        digits.model.Nd4jSetup.configure();
    }

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
        a.transform(src, 0, out, 0, t, null);
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

    @Test
    void aBatchGoesIntoTheCallersBufferEachRowTransformedAsItsImageAlone() {
        float[] both = new float[2 * 28 * 28];
        System.arraycopy(dot(3, 4), 0, both, 0, 28 * 28);
        System.arraycopy(dot(20, 9), 0, both, 28 * 28, 28 * 28);
        var into = Batches.buffer(2, 28 * 28);
        assertThat(any.apply(org.nd4j.linalg.factory.Nd4j.create(both, new long[] {2, 28 * 28}, 'c'), 2, 10, into))
                .isSameAs(into); // reused batch after batch: ND4J frees no CPU array here (see apply)
        var alone = Batches.buffer(1, 28 * 28);
        float[] second = any.apply(org.nd4j.linalg.factory.Nd4j.create(dot(20, 9), new long[] {1, 28 * 28}, 'c'), 2,
                11, alone).data().asFloat();
        float[] rows = into.data().asFloat();
        assertThat(java.util.Arrays.copyOfRange(rows, 28 * 28, 2 * 28 * 28)).containsExactly(second);
        double ink = 0;
        for (int i = 0; i < 28 * 28; i++) ink += rows[i];
        assertThat(ink).isGreaterThan(0.5); // row 0 written too (its dot, spread by the interpolation)
    }

    static final Augmentation.Affine IDENTITY = new Augmentation.Affine(0, 1, 0, 0);
    final Augmentation elastic = new Augmentation(new AugmentationSpec(15.0, 3.0, 0.2,
            new AugmentationSpec.Elastic(68.0, 4.0), null), 7, 28, 28);

    @Test
    void theElasticKernelIsTorchvisionsGaussian() {
        // int(8 * 4 + 1) = 33 taps; sigma 1.2: int(10.6) = 10, made odd: 11
        double[] k = Augmentation.gaussianKernel(4);
        assertThat(k).hasSize(33);
        assertThat(Augmentation.gaussianKernel(1.2)).hasSize(11);
        double sum = 0;
        for (double w : k) sum += w;
        assertThat(sum).isCloseTo(1, org.assertj.core.data.Offset.offset(1e-12));
        // exp(-x^2 / (2 sigma^2)) / sum: the centre over its neighbour 4 taps away is e^(1/2)
        assertThat(k[16] / k[20]).isCloseTo(Math.exp(0.5), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(k[0]).isEqualTo(k[32]);
    }

    @Test
    void reflectionMirrorsWithoutRepeatingTheEdge() {
        // torch's reflect padding of [a b c d e]: ... c b | a b c d e | d c ...
        assertThat(new int[] {Augmentation.reflect(-1, 5), Augmentation.reflect(-2, 5), Augmentation.reflect(5, 5),
                Augmentation.reflect(6, 5), Augmentation.reflect(2, 5)}).containsExactly(1, 2, 3, 2, 2);
        assertThat(Augmentation.reflect(-9, 5)).isEqualTo(1); // beyond one reflection: the mirror repeats
    }

    @Test
    void theBlurIsTheTwoDimensionalGaussianWithReflectedEdges() {
        // torch's gaussian_blur: the 2-D kernel is the outer product of the 1-D one, over the reflect-padded field
        int h = 9, w = 6;
        Augmentation a = new Augmentation(new AugmentationSpec(0.0, 0.0, 0.0, new AugmentationSpec.Elastic(1.0, 1.2),
                null), 1, h, w);
        double[] k = Augmentation.gaussianKernel(1.2), field = new double[h * w];
        java.util.SplittableRandom r = new java.util.SplittableRandom(4);
        for (int i = 0; i < field.length; i++) field[i] = r.nextDouble(-1, 1);
        double[] got = a.blurred(field);
        int half = k.length / 2;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double s = 0;
                for (int i = 0; i < k.length; i++) {
                    for (int j = 0; j < k.length; j++) {
                        s += k[i] * k[j] * field[Augmentation.reflect(y + i - half, h) * w
                                + Augmentation.reflect(x + j - half, w)];
                    }
                }
                assertThat(got[y * w + x]).isCloseTo(s, org.assertj.core.data.Offset.offset(1e-12));
            }
        }
    }

    @Test
    void aDisplacementIsWhereEachOutputPixelReadsFrom() {
        // grid_sample reads the identity grid plus the displacement: a field of (+2, -1) everywhere moves ink by (-2, +1)
        float[][] d = new float[2][28 * 28];
        java.util.Arrays.fill(d[0], 2f);
        java.util.Arrays.fill(d[1], -1f);
        float[] out = new float[28 * 28];
        elastic.transform(dot(10, 12), 0, out, 0, IDENTITY, d);
        assertThat(lit(out)).containsExactly(8, 13);
        // after the affine: a shift of (3, -2) first, then the field
        elastic.transform(dot(10, 12), 0, out, 0, new Augmentation.Affine(0, 1, 3, -2), d);
        assertThat(lit(out)).containsExactly(11, 11);
    }

    @Test
    void theElasticFieldIsSmoothDeterministicAndLeavesTheAffineDrawsAsTheyWere() {
        float[][] d = elastic.displacement(2, 5);
        assertThat(d[0]).isEqualTo(elastic.displacement(2, 5)[0]);
        assertThat(d[0]).isNotEqualTo(elastic.displacement(2, 6)[0]);
        assertThat(elastic.affine(2, 5)).isEqualTo(any.affine(2, 5));
        assertThat(any.displacement(2, 5)).isNull();
        // neighbours move together: a Gaussian of 4 pixels makes adjacent displacements nearly equal
        double same = 0, all = 0;
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x + 1 < 28; x++) {
                same += Math.abs(d[0][y * 28 + x + 1] - d[0][y * 28 + x]);
                all += Math.abs(d[0][y * 28 + x]);
            }
        }
        assertThat(same / all).isLessThan(0.15);
    }

    @Test
    void theFieldsSizeIsAlphaOverTwoPixelsTimesTheBlurredNoise() {
        // far from the edges, blurred uniform noise (variance 1/3) has variance (sum of squared 2-D weights) / 3
        int n = 160;
        Augmentation big = new Augmentation(new AugmentationSpec(0.0, 0.0, 0.0, new AugmentationSpec.Elastic(10.0, 2.0),
                null), 3, n, n);
        double[] k = Augmentation.gaussianKernel(2);
        double sq = 0;
        for (double w : k) sq += w * w;
        double expected = 10.0 / 2 * Math.sqrt(sq * sq / 3);
        double sum = 0;
        int count = 0;
        for (int image = 0; image < 4; image++) {
            float[][] d = big.displacement(1, image);
            for (int y = 20; y < n - 20; y++) {
                for (int x = 20; x < n - 20; x++) {
                    sum += d[1][y * n + x] * d[1][y * n + x];
                    count++;
                }
            }
        }
        assertThat(Math.sqrt(sum / count)).isCloseTo(expected, org.assertj.core.data.Percentage.withPercentage(5));
    }
}
