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
}
