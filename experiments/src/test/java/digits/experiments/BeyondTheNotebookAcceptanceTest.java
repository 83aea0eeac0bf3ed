package digits.experiments;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The specs that go beyond the notebook (batch norm, AdamW with a one-cycle schedule, augmented training images),
 * each held to a threshold the notebook's models do not reach. They train for several minutes each, so the README's
 * test command leaves them out; {@code -Pplus} runs them (and only them) in this module.
 */
@Tag("plus")
@EnabledIfSystemProperty(named = "digits.plus", matches = "true",
        disabledReason = "trains for about 22 minutes on 2 cores; run with -Pplus")
class BeyondTheNotebookAcceptanceTest {

    @Test
    void mnist() {
        SeedExperimentsAcceptanceTest.assertPasses("cnn-plus");
    }

    @Test
    void twoDigits() {
        SeedExperimentsAcceptanceTest.assertPasses("multi-digit-cnn-plus");
    }
}
