package digits.spark;

import static org.assertj.core.api.Assertions.assertThat;

import digits.harness.SingleRun;
import digits.report.RunReport;
import digits.report.StudyReport;
import digits.study.StudyRunner;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver stopped in the middle of a study (SIGTERM, as when Maven is stopped): its runs say interrupted, and the
 * same study started again reuses what completed, continues what was interrupted, and ends with the figures of a
 * study that was never stopped.
 */
class DriverInterruptTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aStudyStoppedOnTheDriverContinuesWhereItStopped() throws Exception {
        Path experiments = TinyStudy.experiments(dir, TinyStudy.SLOW_EPOCHS);
        Path reports = dir.resolve("reports");
        Path out = dir.resolve("driver.log");
        Process driver = driver(experiments, reports, out);

        // stop it once one run has completed and another is early in the middle (two runs train side by side and
        // end close together: the second one's last epochs are no middle, it could end before the stop reaches it)
        awaitReports(driver, out, reports, now -> now.stream().anyMatch(r -> r.status() == RunReport.Status.completed)
                && now.stream().anyMatch(r -> r.status() == RunReport.Status.running
                        && r.epochs().size() >= 2 && r.epochs().size() <= TinyStudy.SLOW_EPOCHS / 4));
        driver.destroy();
        assertThat(driver.waitFor(60, TimeUnit.SECONDS)).isTrue();
        // the runs' JVMs see their driver go and say so
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (TinyStudy.reportsNow(reports).values().stream().anyMatch(r -> r.status() == RunReport.Status.running)) {
            assertThat(System.nanoTime()).as("a run still says running").isLessThan(deadline);
            Thread.sleep(50);
        }
        Map<Path, RunReport> stopped = TinyStudy.reportsNow(reports);
        List<Path> done = stopped.entrySet().stream().filter(e -> e.getValue().status() == RunReport.Status.completed)
                .map(Map.Entry::getKey).toList();
        List<Path> interrupted = stopped.entrySet().stream()
                .filter(e -> e.getValue().status() == RunReport.Status.interrupted).map(Map.Entry::getKey).toList();
        String seen = stopped.entrySet().stream().map(e -> e.getKey().getParent().getFileName() + " " + e.getValue().status() + " after "
                + e.getValue().epochs().size() + " epochs").toList() + "; driver's log:\n" + Files.readString(out);
        assertThat(done).as(seen).isNotEmpty();
        assertThat(interrupted).as(seen).isNotEmpty();
        // one stopped before its first epoch ended has no checkpoint: the next study starts it afresh
        List<Path> continuable = interrupted.stream().filter(p -> Files.isRegularFile(p.resolve("checkpoint.json")))
                .toList();
        assertThat(continuable).as(seen).isNotEmpty();
        assertThat(stopped.values()).allMatch(r -> r.status() == RunReport.Status.completed
                || r.status() == RunReport.Status.interrupted);

        StudyRunner.Result again = SparkStudy.run("local[2,2]", Map.of(), TinyStudy.options(experiments, reports,
                l -> { }), "tiny-study", SingleRun.memorySettings());
        StudyReport study = TinyStudy.readStudy(again.dir().resolve("study.json"));
        assertThat(TinyStudy.fingerprints(study, reports)).isEqualTo(TinyStudy.sequential(TinyStudy.SLOW_EPOCHS));
        // what had completed is reused, what was interrupted is continued from its checkpoint
        List<StudyReport.RunRef> runs = study.rows().stream().flatMap(r -> r.runs().stream()).toList();
        assertThat(runs.stream().filter(StudyReport.RunRef::reused).map(r -> reports.resolve(r.report()).getParent()))
                .containsExactlyInAnyOrderElementsOf(done);
        for (Path stop : continuable) {
            String name = stop.getParent().getFileName() + "/" + stop.getFileName();
            assertThat(runs).anySatisfy(r -> assertThat(TinyStudy.report(reports.resolve(r.report()).getParent())
                    .resumedFrom()).isEqualTo(name));
        }
    }

    /**
     * The driver paused (SIGSTOP: a suspended machine, a long GC, or someone timing a benchmark) for longer than
     * Spark's executor heartbeat timeout, then continued: embedded Spark keeps its executor and the study ends as if
     * nothing had happened. (Spark's default would drop the executor and end the driver with status 56.) The timeout
     * is cut to 3 s here so that a 10-second pause exceeds it, and the executor gives up after two failed heartbeats.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aDriverPausedLongerThanTheHeartbeatTimeoutCarriesOn() throws Exception {
        Path experiments = TinyStudy.experiments(dir, TinyStudy.EPOCHS);
        Path reports = dir.resolve("reports");
        Path out = dir.resolve("driver.log");
        Process driver = driver(experiments, reports, out, "--conf", "spark.executor.heartbeatInterval=1s",
                "--conf", "spark.network.timeout=3s", "--conf", "spark.network.timeoutInterval=1s",
                "--conf", "spark.executor.heartbeat.maxFailures=2");
        awaitReports(driver, out, reports, now -> now.stream().anyMatch(r -> r.status() == RunReport.Status.running));
        signal("STOP", driver.pid());
        Thread.sleep(10_000);
        signal("CONT", driver.pid());
        assertThat(driver.waitFor(4, TimeUnit.MINUTES)).as("the driver ended").isTrue();
        assertThat(driver.exitValue()).as(Files.readString(out)).isZero();
        assertThat(Files.readString(out)).doesNotContain("Removing executor driver");
        Path study = reports.resolve("tiny-study");
        try (var files = Files.list(study)) {
            Path studyJson = files.filter(d -> Files.isRegularFile(d.resolve("study.json"))).findFirst()
                    .orElseThrow().resolve("study.json");
            assertThat(TinyStudy.fingerprints(TinyStudy.readStudy(studyJson), reports)).isEqualTo(TinyStudy.sequential());
        }
    }

    /** Polls the study's run reports until {@code seen} holds; the driver must not end meanwhile. */
    private static void awaitReports(Process driver, Path out, Path reports,
                                     Predicate<Collection<RunReport>> seen) throws Exception {
        while (!seen.test(TinyStudy.reportsNow(reports).values())) {
            assertThat(driver.isAlive()).as("the driver ended early:\n%s", Files.readString(out)).isTrue();
            Thread.sleep(20);
        }
    }

    private static void signal(String name, long pid) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + name, String.valueOf(pid)).inheritIO().start().waitFor()).isZero();
    }

    /** SparkStudy on local[2,2] in a JVM of its own, as digits:run starts it, its output to {@code out}. */
    private static Process driver(Path experiments, Path reports, Path out, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.addAll(List.of("-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                SparkStudy.class.getName(), "--master", "local[2,2]", "--study", "tiny-study",
                "--experiments", experiments.toString(), "--data-root", TinyStudy.root().resolve("data").toString(),
                "--reports", reports.toString()));
        cmd.addAll(List.of(extra));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }
}
