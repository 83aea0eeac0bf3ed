package digits.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import digits.spec.DatasetSpec;
import digits.spec.DatasetSpec.MultiDigitSpec;
import digits.spec.TrainingSpec.AugmentationSpec;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The digits behind two-digit training images: drawn again, checked, split and paired anew. */
class DigitPairsTest {

    /** 30 "digits" 28x28: digit k has value 10 + k in row k % 28 and column k % 28, label k % 10. */
    static LabeledImages digits() {
        int n = 30;
        byte[] px = new byte[n * 784];
        byte[] labels = new byte[n];
        for (int k = 0; k < n; k++) {
            labels[k] = (byte) (k % 10);
            for (int c = 0; c < 28; c++) px[k * 784 + (k % 28) * 28 + c] = (byte) (10 + k);
            for (int r = 0; r < 28; r++) px[k * 784 + r * 28 + k % 28] = (byte) (10 + k);
        }
        return new LabeledImages(n, 28, 28, px, new byte[][] {labels});
    }

    final MultiDigitSpec spec = new MultiDigitSpec(50, 10, 14, 5L);
    final LabeledImages composed = MultiDigitMnist.compose(digits(), 50, 14, new NumpyGenerator(5));

    @Test
    void theDigitsDrawnAgainComposeTheStoredImagesByteForByte() {
        DigitPairs pairs = DigitPairs.of(digits(), spec, composed, Path.of("train-images"));
        assertThat(pairs.count()).isEqualTo(50);
        LabeledImages again = pairs.images(0, 50);
        assertThat(again.pixels()).isEqualTo(composed.pixels());
        assertThat(again.labels()).isEqualTo(composed.labels());
    }

    @Test
    void imagesThatDoNotMatchTheirDigitsAreRefusedNamingTheFile() {
        byte[] px = composed.pixels().clone();
        px[100] ^= 1;
        LabeledImages tampered = new LabeledImages(50, 42, 28, px, composed.labels());
        assertThatThrownBy(() -> DigitPairs.of(digits(), spec, tampered, Path.of("d", "train-images")))
                .isInstanceOf(DataException.class).hasMessageStartingWith(Path.of("d", "train-images") + ": ")
                .hasMessageContaining("do not match their MNIST digits");
        assertThatThrownBy(() -> DigitPairs.of(digits(), new MultiDigitSpec(50, 10, 14, 6L), composed, Path.of("x")))
                .isInstanceOf(DataException.class);
    }

    @Test
    void theSplitCarriesEachTrainingImagesDigitsInTrainingOrder() {
        DigitPairs pairs = DigitPairs.of(digits(), spec, composed, Path.of("train-images"));
        DatasetSpec d = new DatasetSpec("multi-digit-mnist", null, null, null, null, 0.2, 3L, null, null, spec,
                null);
        DataSplit split = DataSplit.of(composed, composed.first(10), d, pairs);
        assertThat(split.train().count()).isEqualTo(40);
        assertThat(split.trainPairs().count()).isEqualTo(40);
        LabeledImages again = split.trainPairs().images(0, 40);
        assertThat(again.pixels()).isEqualTo(split.train().pixels());
        assertThat(again.labels()).isEqualTo(split.train().labels());
    }

    @Test
    void ownDigitsKeepsEachFirstDigitAndDealsTheSecondDigitsOutAgain() {
        DigitPairs pairs = DigitPairs.of(digits(), spec, composed, Path.of("train-images"));
        DigitPairs e3 = pairs.anew(AugmentationSpec.OWN_DIGITS, 12321, 3);
        assertThat(e3.tops()).isEqualTo(pairs.tops());
        assertThat(e3.bottoms()).containsExactlyInAnyOrder(pairs.bottoms()).isNotEqualTo(pairs.bottoms());
        assertThat(e3.bottoms()).isEqualTo(pairs.anew(AugmentationSpec.OWN_DIGITS, 12321, 3).bottoms());
        assertThat(e3.bottoms()).isNotEqualTo(pairs.anew(AugmentationSpec.OWN_DIGITS, 12321, 4).bottoms());
        assertThat(e3.bottoms()).isNotEqualTo(pairs.anew(AugmentationSpec.OWN_DIGITS, 12322, 3).bottoms());
        LabeledImages paired = e3.images(10, 20);
        for (int i = 0; i < 10; i++) {
            assertThat(paired.label(0, i)).isEqualTo(composed.label(0, 10 + i));
            assertThat(paired.label(1, i)).isEqualTo(digits().label(0, e3.bottoms()[10 + i]));
            // the top 14 rows belong to the first digit alone, the last 14 to the second alone
            byte[] img = Arrays.copyOfRange(paired.pixels(), i * 1176, (i + 1) * 1176);
            assertThat(Arrays.copyOfRange(img, 0, 14 * 28))
                    .isEqualTo(Arrays.copyOfRange(composed.pixels(), (10 + i) * 1176, (10 + i) * 1176 + 14 * 28));
            int second = e3.bottoms()[10 + i];
            assertThat(Arrays.copyOfRange(img, 28 * 28, 42 * 28))
                    .isEqualTo(Arrays.copyOfRange(digits().pixels(), second * 784 + 14 * 28, second * 784 + 784));
        }
    }

    @Test
    void allDigitsDrawsBothDigitsFromTheDigitsOfNoDevImage() {
        DigitPairs pairs = DigitPairs.of(digits(), spec, composed, Path.of("train-images"));
        DatasetSpec d = new DatasetSpec("multi-digit-mnist", null, null, null, null, 0.2, 3L, null, null, spec, null);
        DigitPairs train = DataSplit.of(composed, composed.first(10), d, pairs).trainPairs();
        java.util.Set<Integer> dev = new java.util.HashSet<>();
        for (int i = 40; i < 50; i++) {
            dev.add(pairs.tops()[i]);
            dev.add(pairs.bottoms()[i]);
        }
        assertThat(train.pool()).hasSize(30 - dev.size());
        assertThat(java.util.Arrays.stream(train.pool()).boxed().toList()).doesNotContainAnyElementsOf(dev);
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int epoch = 1; epoch <= 20; epoch++) {
            DigitPairs e = train.anew(AugmentationSpec.ALL_DIGITS, 7, epoch);
            assertThat(e.count()).isEqualTo(40);
            for (int i = 0; i < 40; i++) {
                seen.add(e.tops()[i]);
                seen.add(e.bottoms()[i]);
            }
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(java.util.Arrays.stream(train.pool()).boxed().toList());
        assertThat(train.anew(AugmentationSpec.ALL_DIGITS, 7, 2).tops())
                .isEqualTo(train.anew(AugmentationSpec.ALL_DIGITS, 7, 2).tops());
    }
}
