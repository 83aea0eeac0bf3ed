package digits.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import digits.harness.Harness;
import digits.report.RunReport;
import digits.run.ExperimentRunner;
import digits.run.RunOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The seed notebook's MNIST experiments, each trained in full from its spec on real MNIST and held
 * to the spec's acceptance threshold and, where the spec sets one, its tolerance around the notebook's
 * test accuracy. A miss fails the build. Reports land in
 * {@code experiments/target/acceptance-reports/} (or {@code -Ddigits.acceptance.reportsDir}).
 */
class SeedExperimentsAcceptanceTest {

    static Harness harness() {
        Path root = Path.of(System.getProperty("digits.root", "..")).toAbsolutePath().normalize();
        Path reports = Path.of(System.getProperty("digits.acceptance.reportsDir",
                root.resolve("experiments/target/acceptance-reports").toString()));
        return new Harness(RunOptions.forRoot(root, System.out::println).withReportsDir(reports));
    }

    static void assertPasses(String experiment) {
        ExperimentRunner.Result result = harness().run(experiment);
        RunReport r = result.report();
        assertThat(r.status()).isEqualTo(RunReport.Status.completed);
        assertThat(r.epochs()).hasSize(r.spec().training().epochs());
        if (r.members() != null) { // an ensemble: every member trained to the end and tested
            assertThat(r.members()).hasSize(r.spec().training().members())
                    .allSatisfy(m -> assertThat(m.testAccuracy()).as("member %d's test accuracy", m.member()).isNotNull())
                    .allSatisfy(m -> assertThat(m.epochs()).isEqualTo(r.spec().training().epochs()));
        }
        Double threshold = r.spec().acceptance().testAccuracyAbove();
        for (int head = 0; threshold != null && head < r.test().accuracy().size(); head++) {
            var reference = r.spec().reference();
            String seed = reference == null || reference.testAccuracy() == null ? "not reported"
                    : String.format("%.4f", reference.testAccuracy().get(head));
            assertThat(r.test().accuracy().get(head))
                    .as("%s test accuracy (head %d; seed notebook %s; report %s)", experiment, head + 1, seed,
                            result.runDir().resolve("report.json"))
                    .isGreaterThan(threshold);
        }
        Double allHeads = r.spec().acceptance().testAllHeadsAccuracyAbove();
        if (allHeads != null) {
            assertThat(r.test().allHeadsAccuracy())
                    .as("%s test images with every head right (report %s)", experiment,
                            result.runDir().resolve("report.json"))
                    .isGreaterThan(allHeads);
        }
        // the regression gate: as close to the notebook's test accuracy as the spec's seedTolerance allows
        for (RunReport.ThresholdCheck c : r.acceptance()) {
            if (!RunReport.ThresholdCheck.SEED_DELTA.equals(c.metric())) continue;
            assertThat(c.actual())
                    .as("%s test accuracy (head %d) off the notebook's %.4f by %.4f; seedTolerance %.4f (report %s)",
                            experiment, c.head() + 1, r.spec().reference().testAccuracy().get(c.head()), c.actual(),
                            c.threshold(), result.runDir().resolve("report.json"))
                    .isLessThanOrEqualTo(c.threshold());
        }
        assertThat(r.passed()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mlp-baseline", "mlp-128-leakyrelu"})
    void fullyConnected(String experiment) {
        assertPasses(experiment);
    }

    @Test
    @Tag("cnn")
    void convolutional() {
        assertPasses("cnn");
    }
}
