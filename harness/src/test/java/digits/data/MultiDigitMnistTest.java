package digits.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import digits.TestData;
import digits.spec.DatasetSpec.MultiDigitSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultiDigitMnistTest {

    @TempDir
    Path dir;

    /** Ten 28x28 "digits": image k is filled with value k+1 in its row k only, label k. */
    private static LabeledImages rowDigits() {
        byte[] px = new byte[10 * 784];
        byte[] labels = new byte[10];
        for (int k = 0; k < 10; k++) {
            labels[k] = (byte) k;
            for (int c = 0; c < 28; c++) px[k * 784 + k * 28 + c] = (byte) (100 + k);
        }
        return new LabeledImages(10, 28, 28, px, new byte[][] {labels});
    }

    @Test
    void firstDigitOnTopSecondShiftedDownByTwentyEightMinusOverlapMergedByMax() {
        LabeledImages source = rowDigits();
        LabeledImages out = MultiDigitMnist.compose(source, 50, 14, new NumpyGenerator(1));
        assertThat(out.rows()).isEqualTo(42);
        assertThat(out.cols()).isEqualTo(28);
        assertThat(out.heads()).isEqualTo(2);
        for (int i = 0; i < out.count(); i++) {
            int first = out.label(0, i), second = out.label(1, i);
            for (int r = 0; r < 42; r++) {
                int expected = 0;
                if (r == first) expected = 100 + first;
                if (r == second + 14) expected = Math.max(expected, 100 + second);
                int actual = out.pixels()[i * out.size() + r * 28 + 5] & 0xff;
                assertThat(actual).as("image %d (%d, %d), row %d", i, first, second, r).isEqualTo(expected);
            }
        }
    }

    @Test
    void overlapZeroStacksWithoutSharingRows() {
        LabeledImages out = MultiDigitMnist.compose(rowDigits(), 5, 0, new NumpyGenerator(2));
        assertThat(out.rows()).isEqualTo(56);
    }

    @Test
    void sameSeedSameImagesOtherSeedOtherImages() {
        LabeledImages a = MultiDigitMnist.compose(rowDigits(), 100, 14, new NumpyGenerator(3));
        LabeledImages b = MultiDigitMnist.compose(rowDigits(), 100, 14, new NumpyGenerator(3));
        LabeledImages c = MultiDigitMnist.compose(rowDigits(), 100, 14, new NumpyGenerator(4));
        assertThat(a.pixels()).isEqualTo(b.pixels());
        assertThat(a.labels()).isEqualTo(b.labels());
        assertThat(a.labels()).isNotEqualTo(c.labels());
    }

    /** Byte-identical files on every machine: the SHA-256 of the seed-sized build is fixed. */
    @Test
    void defaultBuildIsByteIdenticalEverywhere() throws IOException {
        MultiDigitSpec p = new MultiDigitSpec(null, null, null, null);
        Path folder = MultiDigitMnist.obtain(dir, p, TestData.mnist(), s -> { });
        var manifest = new ObjectMapper().readValue(folder.resolve(MultiDigitMnist.MANIFEST).toFile(),
                MultiDigitMnist.Manifest.class);
        System.out.println("two-digit MNIST outputs: " + manifest.outputs());
        assertThat(manifest.outputs()).containsEntry(MultiDigitMnist.TRAIN_IMAGES, EXPECTED_TRAIN_IMAGES)
                .containsEntry(MultiDigitMnist.TRAIN_LABELS, EXPECTED_TRAIN_LABELS)
                .containsEntry(MultiDigitMnist.TEST_IMAGES, EXPECTED_TEST_IMAGES)
                .containsEntry(MultiDigitMnist.TEST_LABELS, EXPECTED_TEST_LABELS);
        assertThat(manifest.generatorVersion()).isEqualTo(MultiDigitMnist.GENERATOR_VERSION);
        assertThat(manifest.parameters()).isEqualTo(p);
        assertThat(manifest.sources()).containsEntry(Mnist.TRAIN_IMAGES, Mnist.SHA256.get(Mnist.TRAIN_IMAGES));
        Idx.Images img = Idx.readImages(folder.resolve(MultiDigitMnist.TRAIN_IMAGES));
        assertThat(img.count()).isEqualTo(40000);
        assertThat(img.rows()).isEqualTo(42);
        assertThat(Idx.readLabelTable(folder.resolve(MultiDigitMnist.TEST_LABELS), 10)).hasDimensions(2, 4000);
    }

    // SHA-256 of the recipe's own arrays (pytorch_seed_recipes.two_digit_images with numpy's default_rng(12321)),
    // written by numpy in the same IDX layout: the harness builds the recipe's images, byte for byte. To recompute
    // them (numpy and the recipe, nothing of this code): /usr/bin/python3 scripts/two_digit_sha256.py
    //     --data data/mnist --recipe ../shared/reference/pytorch_seed_recipes.py
    static final String EXPECTED_TRAIN_IMAGES = "076e689026e30c7c22f3cb9e7700bd7d6739b542b2f558d6a4d28f6285b09db5";
    static final String EXPECTED_TRAIN_LABELS = "97cf915f04906d13b0a09d3e9e9acc58ff7c70d0012b55b66b124b755f806889";
    static final String EXPECTED_TEST_IMAGES = "12d0f3f00e8176e44f89afa098de533c6a237e267592bfa7b646ea4ab0960594";
    static final String EXPECTED_TEST_LABELS = "709a847818bba1f81508796713e3e14346ef9ece52f76a7ec2210a7ebda511b5";

    @Test
    void cachedCopyIsReusedOnlyWhenManifestAndFilesMatch() throws IOException {
        MultiDigitSpec p = new MultiDigitSpec(200, 50, 14, 9L);
        List<String> log = new ArrayList<>();
        Path folder = MultiDigitMnist.obtain(dir, p, TestData.mnist(), log::add);
        assertThat(log).singleElement().asString().contains("no cached copy");

        MultiDigitMnist.obtain(dir, p, TestData.mnist(), log::add);
        assertThat(log).hasSize(1); // reused

        // a tampered output is noticed and the copy rebuilt
        byte[] b = Files.readAllBytes(folder.resolve(MultiDigitMnist.TEST_IMAGES));
        b[500] ^= 0x55;
        Files.write(folder.resolve(MultiDigitMnist.TEST_IMAGES), b);
        MultiDigitMnist.obtain(dir, p, TestData.mnist(), log::add);
        assertThat(log).hasSize(2).last().asString().contains("t10k-images-idx3-ubyte does not match");
        assertThat(MultiDigitMnist.check(folder, p, TestData.mnist().sha256())).isNull();

        // a manifest written for other parameters is not trusted
        String manifest = Files.readString(folder.resolve(MultiDigitMnist.MANIFEST));
        Files.writeString(folder.resolve(MultiDigitMnist.MANIFEST), manifest.replace("\"overlap\" : 14", "\"overlap\" : 10"));
        assertThat(MultiDigitMnist.check(folder, p, TestData.mnist().sha256())).isEqualTo("parameters differ from the spec");
        MultiDigitMnist.obtain(dir, p, TestData.mnist(), log::add);
        assertThat(log).hasSize(3);
        assertThat(MultiDigitMnist.check(folder, p, TestData.mnist().sha256())).isNull();
    }
}
