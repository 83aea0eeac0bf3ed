package digits.report;

import static org.assertj.core.api.Assertions.assertThat;

import digits.report.RunReport.ReferenceDelta;
import digits.report.RunReport.Status;
import digits.report.RunReport.ThresholdCheck;
import digits.spec.ExperimentSpec;
import digits.spec.SpecLoader;
import digits.train.EpochMetrics;
import digits.train.TestMetrics;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Checks and deltas on figures chosen to be exact in binary, so every expected value is written out by hand. */
class AssessmentTest {

    private static ExperimentSpec spec(String acceptanceAndReference) {
        return SpecLoader.parse(Path.of("two.yaml"), """
                name: two
                dataset: {name: mnist}
                model:
                  input: [1, 42, 28]
                  layers: [{type: flatten}, {type: dense, units: 8}]
                  output: {heads: 2, classes: 10}
                training:
                  optimizer: {type: sgd, learningRate: 0.1}
                  batchSize: 32
                  epochs: 1
                """ + acceptanceAndReference);
    }

    private static TestMetrics test(double head1, double head2) {
        return new TestMetrics(List.of(0.25, 0.5), List.of(head1, head2), List.of(head1, head2), null, 960, 1000,
                null, 1, 1000, List.of());
    }

    @Test
    void aHeadPassesOnlyStrictlyAboveTheThreshold() {
        List<ThresholdCheck> checks = Assessment.checks(spec("acceptance: {testAccuracyAbove: 0.75}\n"),
                test(0.875, 0.75));
        assertThat(checks).containsExactly(new ThresholdCheck("testAccuracy", 0, 0.75, 0.875, true),
                new ThresholdCheck("testAccuracy", 1, 0.75, 0.75, false));
        assertThat(Assessment.passed(Status.completed, checks)).isFalse();
        assertThat(Assessment.passed(Status.completed, Assessment.checks(spec("acceptance: {testAccuracyAbove: 0.5}\n"),
                test(0.875, 0.75)))).isTrue();
    }

    @Test
    void noTestNoVerdictWhileRunningAndAFailureOnceStopped() {
        ExperimentSpec spec = spec("acceptance: {testAccuracyAbove: 0.5}\n");
        assertThat(Assessment.checks(spec, null)).isNull();
        assertThat(Assessment.passed(Status.running, null)).isNull();
        assertThat(Assessment.passed(Status.interrupted, null)).isFalse();
        assertThat(Assessment.passed(Status.diverged, null)).isFalse();
        // no threshold in the spec: nothing to fail
        assertThat(Assessment.passed(Status.completed, Assessment.checks(spec(""), test(0.25, 0.125)))).isTrue();
    }

    @Test
    void deltasAreReproducedMinusSeedPerHeadFromTheTestAndTheLastEpoch() {
        ExperimentSpec spec = spec("reference: {testAccuracy: [0.5, 0.25], devAccuracy: [1.0, 0.5]}\n");
        EpochMetrics first = new EpochMetrics(1, List.of(1.0, 1.0), List.of(0.5, 0.5), null, List.of(1.0, 1.0),
                List.of(0.5, 0.5), List.of(0.5, 0.5), null, 1, 1, 1);
        EpochMetrics last = new EpochMetrics(2, List.of(1.0, 1.0), List.of(0.5, 0.5), null, List.of(1.0, 1.0),
                List.of(0.75, 0.625), List.of(0.75, 0.625), null, 1, 1, 1);
        assertThat(Assessment.deltas(spec, test(0.875, 0.75), List.of(first, last))).containsExactly(
                new ReferenceDelta("testAccuracy", 0, 0.5, 0.875, 0.375),
                new ReferenceDelta("testAccuracy", 1, 0.25, 0.75, 0.5),
                new ReferenceDelta("devAccuracy", 0, 1.0, 0.75, -0.25),
                new ReferenceDelta("devAccuracy", 1, 0.5, 0.625, 0.125));
        // before the test: the seed's figures, nothing reproduced yet
        assertThat(Assessment.deltas(spec, null, List.of())).extracting(ReferenceDelta::reproduced)
                .containsOnlyNulls().hasSize(4);
    }
}
