package digits.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import digits.report.RunReport;
import digits.study.StudyRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * local-cluster[2,1,1024]: a Spark master and two workers in this JVM, and two executor JVMs of one core each, as on a
 * cluster; the tasks' training JVMs are children of the executors.
 */
class LocalClusterTest {

    static final String MASTER = "local-cluster[2,1,1024]";

    @TempDir
    Path dir;

    private final ExecutorService driver = Executors.newSingleThreadExecutor();

    @BeforeEach
    void sparkHome() throws Exception {
        TinyStudy.sparkHome();
    }

    /** A failed test leaves no Spark context behind: the interrupted driver cancels its jobs and stops it. */
    @AfterEach
    void stop() throws InterruptedException {
        driver.shutdownNow();
        assertThat(driver.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void twoExecutorJvmsGiveTheSequentialStudysFiguresBitForBit() throws Exception {
        Path reports = dir.resolve("reports");
        StudyRunner.Result r = SparkStudy.run(MASTER, Map.of(), TinyStudy.options(TinyStudy.experiments(dir,
                TinyStudy.EPOCHS), reports, l -> { }), "tiny-study", digits.harness.SingleRun.memorySettings());

        assertThat(TinyStudy.fingerprints(TinyStudy.readStudy(r.dir().resolve("study.json")), reports))
                .isEqualTo(TinyStudy.sequential());
        Map<String, List<Path>> folders = TinyStudy.runFolders(reports);
        assertThat(folders.values()).allSatisfy(f -> assertThat(f).hasSize(1));
        Set<String> executors = folders.values().stream().map(f -> placement(f.get(0)).executor())
                .collect(Collectors.toSet());
        assertThat(executors).as("both executor JVMs trained").containsExactlyInAnyOrder("0", "1");
        for (List<Path> f : folders.values()) {
            RunReport run = TinyStudy.report(f.get(0));
            assertThat(run.placement().master()).isEqualTo(MASTER);
            // the workers of local-cluster name their host localhost or by SPARK_LOCAL_IP
            assertThat(run.placement().host()).isIn("localhost", "127.0.0.1");
            assertThat(run.environment().layerThreads()).isEqualTo(1); // one task on an executor of one core
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void anExecutorKilledInTheMiddleOfARunIsReplacedAndTheRunContinuedWithNothingLost() throws Exception {
        Path reports = dir.resolve("reports");
        var options = TinyStudy.options(TinyStudy.experiments(dir, TinyStudy.EPOCHS), reports, l -> { });
        Future<StudyRunner.Result> study = driver.submit(() -> SparkStudy.run(MASTER, Map.of(), options, "tiny-study",
                digits.harness.SingleRun.memorySettings()));

        // a run in the middle: two epochs saved, more to come
        Path victim = null;
        RunReport caught = null;
        while (victim == null) {
            if (study.isDone()) fail("the study ended before a run could be caught in the middle: " + study.get());
            for (var e : TinyStudy.reportsNow(reports).entrySet()) {
                RunReport r = e.getValue();
                if (r.status() == RunReport.Status.running && r.epochs().size() >= 2 && r.placement() != null) {
                    victim = e.getKey();
                    caught = r;
                    break;
                }
            }
            Thread.sleep(20);
        }
        String id = caught.placement().executor();
        ProcessHandle executor = ProcessHandle.current().descendants()
                .filter(p -> commandLine(p).contains(" org.apache.spark.executor.CoarseGrainedExecutorBackend "))
                .filter(p -> commandLine(p).contains(" --executor-id " + id + " "))
                .findFirst().orElseThrow(() -> new AssertionError("no JVM of executor " + id));
        assertThat(executor.destroyForcibly()).isTrue(); // SIGKILL: no shutdown hook, no goodbye
        StudyRunner.Result r = study.get(4, TimeUnit.MINUTES);

        // nothing lost: the same figures as an uninterrupted study, bit for bit
        assertThat(TinyStudy.fingerprints(TinyStudy.readStudy(r.dir().resolve("study.json")), reports))
                .isEqualTo(TinyStudy.sequential());
        Map<String, List<Path>> folders = TinyStudy.runFolders(reports);
        String name = victim.getParent().getFileName().toString();
        // the killed attempt's folder is kept as it was left: interrupted after its saved epochs (its JVM saw the
        // executor go); the retry continued it from that checkpoint in a new folder
        RunReport killed = TinyStudy.report(victim);
        assertThat(killed.status()).isEqualTo(RunReport.Status.interrupted);
        assertThat(killed.epochs().size()).isBetween(2, TinyStudy.EPOCHS - 1);
        assertThat(folders.get(name)).hasSize(2).contains(victim);
        Path killedDir = victim;
        Path retried = folders.get(name).stream().filter(p -> !p.equals(killedDir)).findFirst().orElseThrow();
        RunReport resumed = TinyStudy.report(retried);
        assertThat(resumed.status()).isEqualTo(RunReport.Status.completed);
        assertThat(resumed.resumedFrom()).isEqualTo(name + "/" + victim.getFileName());
        assertThat(resumed.placement().attempt()).isGreaterThanOrEqualTo(1);
        assertThat(resumed.placement().executor()).isNotEqualTo(id);
        folders.forEach((run, f) -> {
            if (!run.equals(name)) assertThat(f).as(run).hasSize(1);
        });
    }

    /** The whole command line (Java's own view of it stops at 4,096 characters, inside the class path). */
    static String commandLine(ProcessHandle p) {
        try {
            return new String(java.nio.file.Files.readAllBytes(Path.of("/proc", String.valueOf(p.pid()), "cmdline")),
                    java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (java.io.IOException e) {
            return p.info().commandLine().orElse("");
        }
    }

    private static RunReport.Placement placement(Path runDir) {
        try {
            return TinyStudy.report(runDir).placement();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
