package digits.train;

import static org.assertj.core.api.Assertions.assertThat;

import digits.data.LabeledImages;
import digits.model.Nd4jSetup;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the network sees of a pixel byte: {@code numpy.float32(byte) / divisor}, for the recipe's 255 and the notebook's 256. */
class BatchesTest {

    @BeforeAll
    static void setup() {
        Nd4jSetup.configure();
    }

    @Test
    void pixelsAreDividedByTheDatasetsDivisor() {
        byte[] px = {0, (byte) 1, (byte) 128, (byte) 255};
        LabeledImages images = new LabeledImages(1, 2, 2, px, new byte[][] {{3}});
        assertThat(Batches.toFeatures(images, 0, 1).data().asFloat()).containsExactly(0f, 1 / 255f, 128 / 255f, 1f);
        // the notebook's mnist.pkl.gz: k/256, so 255 is 0.99609375 and 128 exactly one half
        float[] notebook = Batches.toFeatures(images.withPixelDivisor(256), 0, 1).data().asFloat();
        assertThat(notebook).containsExactly(0f, 0.00390625f, 0.5f, 0.99609375f);
        // the divisor travels with the images through the split's selections
        assertThat(images.withPixelDivisor(256).select(new int[] {0}).pixelDivisor()).isEqualTo(256);
        assertThat(images.withPixelDivisor(256).first(1).pixelDivisor()).isEqualTo(256);
        // the per-batch form fills the caller's buffer (the training loop reuses one for its new pairs)
        var buffer = Batches.buffer(1, 4);
        assertThat(Batches.toFeatures(images, 0, 1, buffer)).isSameAs(buffer);
        assertThat(buffer.data().asFloat()).containsExactly(0f, 1 / 255f, 128 / 255f, 1f);
    }

    @Test
    void eachBatchIsItsOwnImagesAndTheRemainderIsDropped() {
        byte[] px = {10, 11, 20, 21, 30, 31, 40, 41, 50, 51};
        LabeledImages images = new LabeledImages(5, 1, 2, px, new byte[][] {{0, 1, 2, 3, 4}});
        try (Batches batches = new Batches(images, 2)) {
            assertThat(batches.count()).isEqualTo(2);
            // what the augmentation reads (data()) and what the network reads (the rows) are the batch's own images
            assertThat(batches.features(1).data().asFloat()).containsExactly(30 / 255f, 31 / 255f, 40 / 255f, 41 / 255f);
            assertThat(batches.features(1).getFloat(1, 0)).isEqualTo(40 / 255f);
            assertThat(batches.labels(1)[0]).containsExactly(2, 3);
        }
    }
}
