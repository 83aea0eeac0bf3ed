package digits.spark;

import static org.assertj.core.api.Assertions.assertThat;

import digits.report.RunReport;
import digits.study.StudyRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Embedded Spark, local[2,2]: two tasks at once, two attempts per task; one task fails once on purpose. */
class LocalRetryTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aTaskThatFailsOnceIsRetriedAndTheStudyCompletesWithOneFolderPerRun() throws Exception {
        Path experiments = TinyStudy.experiments(dir, TinyStudy.EPOCHS);
        Path reports = dir.resolve("reports");
        List<String> log = TinyStudy.log();
        System.setProperty("digits.spark.failOnce", "lr-0.05-s8");
        StudyRunner.Result result;
        try {
            result = SparkStudy.run("local[2,2]", Map.of(), TinyStudy.options(experiments, reports, log::add),
                    "tiny-study", digits.harness.SingleRun.memorySettings());
        } finally {
            System.clearProperty("digits.spark.failOnce");
        }
        assertThat(result.dir().resolve("study.json")).isRegularFile();
        // the same training, bit for bit, as one run after another in one JVM with the same thread setting
        assertThat(TinyStudy.fingerprints(TinyStudy.readStudy(result.dir().resolve("study.json")), reports))
                .isEqualTo(TinyStudy.sequential());
        Map<String, List<Path>> folders = TinyStudy.runFolders(reports);
        assertThat(folders.keySet()).containsExactlyElementsOf(TinyStudy.RUNS);
        assertThat(folders.values()).allSatisfy(f -> assertThat(f).hasSize(1));
        for (String run : TinyStudy.RUNS) {
            RunReport r = TinyStudy.report(folders.get(run).get(0));
            assertThat(r.status()).isEqualTo(RunReport.Status.completed);
            assertThat(r.placement().engine()).isEqualTo("spark");
            assertThat(r.placement().master()).isEqualTo("local[2,2]");
            assertThat(r.placement().executor()).isEqualTo("driver");
            assertThat(r.placement().attempt()).isEqualTo(run.equals("lr-0.05-s8") ? 1 : 0);
            // two tasks at once on an executor of two cores: one OpenMP thread each
            assertThat(r.environment().layerThreads()).isEqualTo(1);
        }
        assertThat(log).anyMatch(l -> l.matches("tiny-study: 4/4 runs done, \\d running, 1 failed, done"));
        assertThat(Files.exists(reports.resolve("tiny-study/runs").resolve(".spark-local"))).isFalse();
    }
}
