package digits.experiments;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The seed notebook's overlapping two-digit experiments on the generated 42x28 data set, each held to its
 * threshold on both heads.
 */
class MultiDigitAcceptanceTest {

    @Test
    void fullyConnected() {
        SeedExperimentsAcceptanceTest.assertPasses("multi-digit-mlp");
    }

    @Test
    @Tag("cnn")
    void convolutional() {
        SeedExperimentsAcceptanceTest.assertPasses("multi-digit-cnn");
    }
}
