package digits.experiments;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The specs that go beyond the notebook (batch norm, AdamW with a one-cycle schedule, augmented training images),
 * each two networks averaged and held to a threshold the notebook's models do not reach. They train for about 15
 * minutes each, so the README's test command leaves them out; {@code -Pplus} runs them (and only them) here.
 */
@Tag("plus")
@EnabledIfSystemProperty(named = "digits.plus", matches = "true",
        disabledReason = "trains two networks per spec, about 30 minutes on 2 cores; run with -Pplus")
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
