package digits.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import digits.harness.Harness;
import digits.report.Reports;
import digits.report.RunReport;
import digits.report.StudyReport;
import digits.run.RunOptions;
import digits.study.StudyRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A study end to end on real MNIST through the front door ({@code Harness.runAll}, as {@code digits:run} calls
 * it), reduced to one epoch per run (training.epochs: 1) and two seeds, so it fits the test command: the baseline
 * MLP against two of the notebook's variants.
 */
class StudyAcceptanceTest {

    @TempDir
    Path dir;

    @Test
    void studyRunsEveryVariantPerSeedSelectsOnDevAndResumes() throws IOException {
        Path root = Path.of(System.getProperty("digits.root", "..")).toAbsolutePath().normalize();
        Path experiments = Files.createDirectories(dir.resolve("experiments"));
        Files.copy(root.resolve("experiments/mlp-baseline.yaml"), experiments.resolve("mlp-baseline.yaml"));
        Files.writeString(experiments.resolve("quick-study.yaml"), """
                name: quick-study
                description: one-epoch version of the notebook's study
                study:
                  base: mlp-baseline
                  overrides: {training.epochs: 1}
                  repeats: 2
                  variants:
                    - {name: lr-0.01, overrides: {training.optimizer.learningRate: 0.01}}
                    - {name: batch-64, overrides: {training.batchSize: 64}}
                """);
        // the base's first seed as a plain experiment: the same training, so the same figures
        Files.writeString(experiments.resolve("one-epoch.yaml"), Files.readString(experiments.resolve("mlp-baseline.yaml"))
                .replace("name: mlp-baseline", "name: one-epoch").replace("epochs: 10", "epochs: 1"));
        List<String> log = new ArrayList<>();
        Harness harness = new Harness(new RunOptions(experiments, root.resolve("data"), dir.resolve("reports"), null,
                false, Duration.ofSeconds(30), log::add));
        Harness.Summary summary = harness.runAll("quick-study", null);
        assertThat(summary.runs()).isEmpty();
        StudyRunner.Result first = summary.studies().get(0);

        StudyReport report = first.report();
        assertThat(first.dir().resolve("study.json")).isRegularFile();
        assertThat(Reports.JSON.readTree(first.dir().resolve("study.json").toFile()).path("rows").size()).isEqualTo(3);
        assertThat(report.rows()).extracting(StudyReport.Row::variant).containsExactly("base", "lr-0.01", "batch-64");
        assertThat(report.rows()).allSatisfy(r -> {
            assertThat(r.runs()).hasSize(2).extracting(StudyReport.RunRef::seed).containsExactly(12321L, 12322L);
            assertThat(r.runs()).allSatisfy(run -> assertThat(dir.resolve("reports").resolve(run.report())).isRegularFile());
            assertThat(r.dev().n()).isEqualTo(2);
            assertThat(r.test().mean()).isBetween(0.5, 1.0);
        });
        // independent figures: the base's seed-12321 run against a plain run of the same spec
        RunReport plain = harness.run("one-epoch").report();
        StudyReport.RunRef baseRun = report.rows().get(0).runs().get(0);
        assertThat(baseRun.testAccuracy()).isEqualTo(plain.test().accuracy().get(0));
        assertThat(baseRun.devAccuracy()).isEqualTo(plain.epochs().get(0).devAccuracy().get(0));
        // a tenth of the learning rate learns less in one epoch: a worse dev accuracy than the base's
        assertThat(report.rows().get(1).deltaDev()).isNegative();
        // Welch's p-value for every variant (two seeds each), none for the base against itself
        assertThat(report.rows().get(0).devP()).isNull();
        assertThat(report.rows().subList(1, 3)).allSatisfy(r -> {
            assertThat(r.devP()).isBetween(0.0, 1.0);
            assertThat(r.testP()).isBetween(0.0, 1.0);
            assertThat(r.devBeyondSpread()).isEqualTo(r.devP() < 0.05);
        });
        assertThat(report.significance()).contains("Welch");

        // selection: the best mean dev accuracy, whatever the test figures say
        StudyReport.Row bestDev = report.rows().stream().max(Comparator.comparingDouble(r -> r.dev().mean())).get();
        assertThat(report.selection().variant()).isEqualTo(bestDev.variant());
        assertThat(report.selection().rule()).contains("dev accuracy").contains("never used to choose");
        assertThat(report.rows()).filteredOn(StudyReport.Row::selected).singleElement()
                .extracting(StudyReport.Row::variant).isEqualTo(bestDev.variant());

        // the console table: header, one line per variant, the selected one marked
        assertThat(first.table()).contains("variant", "dev acc (mean ± std)", "test acc (mean ± std)", "Δ dev", "p dev",
                "p test", "s/run");
        assertThat(first.table().lines().filter(l -> l.contains("base") || l.contains("lr-0.01")
                || l.contains("batch-64")).count()).isEqualTo(3);
        assertThat(first.table()).contains("> " + bestDev.variant());

        // resume: a second run trains nothing and reuses all six runs
        StudyRunner.Result second = harness.runAll("quick-study", "false").studies().get(0);
        assertThat(second.report().rows()).flatExtracting(StudyReport.Row::runs)
                .allMatch(StudyReport.RunRef::reused).hasSize(6);
        assertThat(second.dir()).isNotEqualTo(first.dir());
        assertThat(second.report().selection()).isEqualTo(report.selection());
    }
}
