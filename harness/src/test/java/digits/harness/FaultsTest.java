package digits.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import digits.TestData;
import digits.run.ExperimentRunner;
import digits.run.RunOptions;
import digits.report.Reports;
import digits.model.TorchGenerator;
import digits.report.RunReport;
import digits.train.Checkpoint;
import digits.train.DivergedException;
import digits.train.EpochMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Faults injected for real: a SIGTERM to a forked run, a diverging spec, an unwritable folder, too little memory. */
class FaultsTest {

    /**
     * Many short epochs with dropout and heavy-ball momentum: both the random state (PyTorch's generator, which
     * draws every dropout mask) and the momentum must survive.
     */
    static final String LONG = """
            name: long
            description: many short epochs of a small MLP, to be interrupted
            dataset: {name: mnist, trainLimit: 600, testLimit: 200}
            model:
              input: [1, 28, 28]
              layers:
                - {type: flatten}
                - {type: dense, units: 32}
                - {type: relu}
                - {type: dropout, p: 0.5}
            training:
              optimizer: {type: sgd, learningRate: 0.05, momentum: 0.9}
              batchSize: 16
              epochs: 40
              seed: 3
              generator: torch
            """;

    @TempDir
    Path dir;

    private Path experiments(String name, String yaml) throws IOException {
        Path experiments = Files.createDirectories(dir.resolve("experiments"));
        Files.writeString(experiments.resolve(name + ".yaml"), yaml);
        return experiments;
    }

    private Harness harness(Path experiments, Path reports, List<String> log) {
        return new Harness(new RunOptions(experiments, TestData.root().resolve("data"), reports, null, false,
                Duration.ofSeconds(30), log::add));
    }

    @Test
    void sigtermLeavesAnInterruptedReportAndResumeGivesTheNumbersOfAnUninterruptedRun() throws Exception {
        Path experiments = experiments("long", LONG);
        Path reports = dir.resolve("reports");
        Path runDir = sigtermAfterThreeEpochs(experiments, reports, "long");

        RunReport interrupted = Reports.read(runDir.resolve("report.json"));
        assertThat(interrupted.status()).isEqualTo(RunReport.Status.interrupted);
        int done = interrupted.epochs().size();
        assertThat(done).isBetween(3, 39);
        assertThat(interrupted.message()).contains("interrupted after " + done + " of 40 epochs")
                .contains("-Ddigits.resume=" + runDir.getFileName());
        Checkpoint checkpoint = Checkpoint.read(runDir);
        assertThat(checkpoint.epoch()).isEqualTo(done);
        assertThat(checkpoint.epochs()).isEqualTo(interrupted.epochs());
        // the generator has drawn the initial weights and one mask per training step of every epoch done
        TorchGenerator expected = new TorchGenerator(3);
        expected.uniform(new float[784 * 32 + 32 + 32 * 10 + 10], 0, 1);
        int steps = done * (540 / 16);
        for (int i = 0; i < steps * 16 * 32; i++) expected.random64();
        assertThat(checkpoint.torchGenerator()).isEqualTo(expected.state());

        List<String> log = new ArrayList<>();
        Harness h = harness(experiments, reports, log);

        // a changed spec is refused: the continued run would be another experiment
        Files.writeString(experiments.resolve("long.yaml"), LONG.replace("learningRate: 0.05", "learningRate: 0.04"));
        assertThatThrownBy(() -> h.resume("long", null)).isInstanceOf(Checkpoint.CheckpointException.class)
                .hasMessageContaining("long.yaml changed since that run");
        Files.writeString(experiments.resolve("long.yaml"), LONG);

        // a checkpoint without the generator's state cannot continue the same stream of masks
        Path file = runDir.resolve(Checkpoint.FILE);
        byte[] saved = Files.readAllBytes(file);
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) Reports.JSON.readTree(saved);
        tree.remove("torchGenerator");
        Files.write(file, Reports.JSON.writeValueAsBytes(tree));
        assertThatThrownBy(() -> h.resume("long", null)).isInstanceOf(Checkpoint.CheckpointException.class)
                .hasMessageContaining("holds no state of PyTorch's generator");
        Files.write(file, saved);

        ExperimentRunner.Result resumed = h.resume("long", null);
        assertThat(resumed.runDir()).isNotEqualTo(runDir);
        assertThat(resumed.report().status()).isEqualTo(RunReport.Status.completed);
        assertThat(resumed.report().resumedFrom()).isEqualTo("long/" + runDir.getFileName());
        assertThat(log).anyMatch(l -> l.startsWith("Resuming long from") && l.contains("after epoch " + done));
        // the interrupted run's folder is left as it was
        assertThat(Reports.read(runDir.resolve("report.json")).status()).isEqualTo(RunReport.Status.interrupted);
        // nothing left to resume now
        assertThatThrownBy(() -> h.resume("long", null)).isInstanceOf(Checkpoint.CheckpointException.class)
                .hasMessageContaining("no unfinished run of long");

        ExperimentRunner.Result straight = h.run("long");
        assertThat(withoutTimings(resumed.report().epochs())).isEqualTo(withoutTimings(straight.report().epochs()));
        assertThat(resumed.report().test().loss()).isEqualTo(straight.report().test().loss());
        assertThat(resumed.report().test().accuracyExact()).isEqualTo(straight.report().test().accuracyExact());
    }

    /**
     * The training beyond the seed: batch norm's running statistics, AdamW's moments under a one-cycle schedule
     * stepped per batch, augmentation drawn per epoch, and the best epoch's network must all survive a SIGTERM.
     */
    static final String MODERN = LONG.replace("name: long", "name: modern")
            .replace("    - {type: dense, units: 32}\n", "    - {type: dense, units: 32}\n    - {type: batchnorm}\n")
            .replace("  optimizer: {type: sgd, learningRate: 0.05, momentum: 0.9}\n", """
                      optimizer: {type: adamw, learningRate: 0.01}
                      schedule: {type: oneCycle}
                      augmentation: {rotation: 10, shift: 2, scale: 0.1}
                      keepBest: true
                      patience: 30
                    """);

    @Test
    void sigtermThenResumeGivesTheNumbersOfAnUninterruptedRunWithTheModernVocabulary() throws Exception {
        assertThat(MODERN).contains("batchnorm", "adamw", "keepBest");
        Path experiments = experiments("modern", MODERN);
        Path reports = dir.resolve("reports");
        Path runDir = sigtermAfterThreeEpochs(experiments, reports, "modern");
        assertThat(Reports.read(runDir.resolve("report.json")).status()).isEqualTo(RunReport.Status.interrupted);
        assertThat(runDir.resolve(Checkpoint.BEST_MODEL)).isNotEmptyFile();

        Harness h = harness(experiments, reports, new ArrayList<>());
        ExperimentRunner.Result resumed = h.resume("modern", null);
        ExperimentRunner.Result straight = h.run("modern");
        assertThat(straight.report().epochs()).extracting(EpochMetrics::learningRate).doesNotHaveDuplicates();
        assertThat(withoutTimings(resumed.report().epochs())).isEqualTo(withoutTimings(straight.report().epochs()));
        assertThat(resumed.report().test().epoch()).isEqualTo(straight.report().test().epoch());
        assertThat(resumed.report().test().loss()).isEqualTo(straight.report().test().loss());
        assertThat(resumed.report().test().accuracyExact()).isEqualTo(straight.report().test().accuracyExact());
    }

    @Test
    void anEnsembleStoppedInItsSecondMemberResumesThereAndGivesTheNumbersOfAnUninterruptedRun() throws Exception {
        String spec = MODERN.replace("name: modern", "name: pair").replace("epochs: 40", "epochs: 20")
                .replace("  seed: 3\n", "  seed: 3\n  ensemble: 2\n");
        assertThat(spec).contains("ensemble: 2", "epochs: 20");
        Path experiments = experiments("pair", spec);
        Path reports = dir.resolve("reports");
        TestData.mnist();
        Path out = dir.resolve("forked.log");
        Process p = ForkedRun.start(out, experiments.toString(), reports.toString(), "pair");
        Path runDir = waitFor(reports.resolve("pair"), r -> r.members() != null && r.members().size() == 2
                && r.members().get(1).epochs() >= 3, "member 2 at epoch 3", p, out);
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        RunReport interrupted = Reports.read(runDir.resolve("report.json"));
        assertThat(interrupted.status()).isEqualTo(RunReport.Status.interrupted);
        int done = interrupted.members().get(1).epochs();
        assertThat(interrupted.message()).contains("interrupted after " + done + " of 20 epochs of member 2 of 2");
        assertThat(interrupted.members().get(0).testAccuracy()).isNotNull(); // member 1 was trained and tested
        assertThat(Checkpoint.read(runDir.resolve("member-2")).epoch()).isEqualTo(done);

        List<String> log = new ArrayList<>();
        Harness h = harness(experiments, reports, log);
        ExperimentRunner.Result resumed = h.resume("pair", null);
        ExperimentRunner.Result straight = h.run("pair");
        assertThat(resumed.report().status()).isEqualTo(RunReport.Status.completed);
        assertThat(withoutTimings(resumed.report().epochs())).isEqualTo(withoutTimings(straight.report().epochs()));
        assertThat(withoutTimings(resumed.report().members().get(1).history()))
                .isEqualTo(withoutTimings(straight.report().members().get(1).history()));
        assertThat(resumed.report().members()).extracting(RunReport.Member::testAccuracy)
                .isEqualTo(straight.report().members().stream().map(RunReport.Member::testAccuracy).toList());
        assertThat(resumed.report().test().loss()).isEqualTo(straight.report().test().loss());
        assertThat(resumed.report().test().accuracyExact()).isEqualTo(straight.report().test().accuracyExact());
        assertThat(resumed.runDir().resolve("member-2").resolve(Checkpoint.BEST_MODEL)).isNotEmptyFile();
    }

    @Test
    void aRunStoppedAfterItsLastEpochResumesIntoAFolderWithItsModel() throws IOException {
        // killed while testing, after the last epoch's checkpoint: nothing is left to train, the model must still
        // reach the new run folder (digits:predict reads it there)
        Path experiments = experiments("long", LONG.replace("epochs: 40", "epochs: 2"));
        Path reports = dir.resolve("reports");
        ExperimentRunner.Result first = harness(experiments, reports, new ArrayList<>()).run("long");
        Path json = first.runDir().resolve(Reports.REPORT_JSON);
        Files.writeString(json, Files.readString(json).replace("\"status\" : \"completed\"", "\"status\" : \"interrupted\""));
        ExperimentRunner.Result resumed = harness(experiments, reports, new ArrayList<>()).resume("long", null);
        assertThat(resumed.report().status()).isEqualTo(RunReport.Status.completed);
        assertThat(resumed.runDir().resolve(Checkpoint.MODEL)).isNotEmptyFile();
        assertThat(Checkpoint.read(resumed.runDir()).epoch()).isEqualTo(2);
        assertThat(resumed.report().test().accuracyExact()).isEqualTo(first.report().test().accuracyExact());
    }

    @Test
    void aCheckpointWhoseModelDoesNotMatchIsRefused() throws IOException {
        Path experiments = experiments("long", LONG.replace("epochs: 40", "epochs: 1"));
        Path reports = dir.resolve("reports");
        ExperimentRunner.Result r = harness(experiments, reports, new ArrayList<>()).run("long");
        Path model = r.runDir().resolve(Checkpoint.MODEL);
        byte[] bytes = Files.readAllBytes(model);
        bytes[bytes.length / 2] ^= 1;
        Files.write(model, bytes);
        assertThatThrownBy(() -> Checkpoint.read(r.runDir())).isInstanceOf(Checkpoint.CheckpointException.class)
                .hasMessageContaining("model.zip: SHA-256").hasMessageContaining("start the run afresh");
        // a completed run is not resumed, and unknown ids are listed
        Files.write(model, flip(bytes));
        assertThatThrownBy(() -> harness(experiments, reports, new ArrayList<>()).resume("long",
                r.runDir().getFileName().toString())).hasMessageContaining("completed all its epochs");
        assertThatThrownBy(() -> harness(experiments, reports, new ArrayList<>()).resume("long", "../x"))
                .hasMessageContaining("no run '../x' of long");
    }

    @Test
    void aDivergingLossStopsAtOnceWithStatusDivergedAndAHint() throws IOException {
        // no activation, no dropout: nothing bounds the growth, so a large step overflows within an epoch
        Path experiments = experiments("hot", LONG.replace("name: long", "name: hot").replace("    - {type: relu}\n", "")
                .replace("    - {type: dropout, p: 0.5}\n", "").replace("learningRate: 0.05", "learningRate: 10"));
        Path reports = dir.resolve("reports");
        assertThatThrownBy(() -> harness(experiments, reports, new ArrayList<>()).run("hot"))
                .isInstanceOf(DivergedException.class)
                .hasMessageMatching("training diverged: (loss (NaN|Infinity)|the weights are no longer finite) at epoch 1, "
                        + "batch \\d+; try a smaller learning rate \\(training.optimizer.learningRate is 10.0\\)");
        RunReport report = Reports.read(reports.resolve("hot/latest/report.json"));
        assertThat(report.status()).isEqualTo(RunReport.Status.diverged);
        assertThat(report.message()).contains("epoch 1, batch");
        assertThat(report.passed()).isFalse();
        assertThat(Failures.userMessage(new DivergedException(1, 2, Double.NaN, 10))).contains("smaller learning rate");
    }

    /** A variant whose learning rate makes it diverge is what the study found out: a result, reused on a re-run. */
    @Test
    void aStudyVariantThatDivergesIsAResultAndTheStudyCompletes() throws IOException {
        Path experiments = experiments("plain", LONG.replace("name: long", "name: plain")
                .replace("    - {type: relu}\n", "").replace("    - {type: dropout, p: 0.5}\n", "")
                .replace("epochs: 40", "epochs: 2"));
        Files.writeString(experiments.resolve("hot-study.yaml"), """
                name: hot-study
                study:
                  base: plain
                  repeats: 2
                  variants:
                    - {name: lr-10, overrides: {training.optimizer.learningRate: 10}}
                """);
        Path reports = dir.resolve("reports");
        List<String> log = new ArrayList<>();
        var first = harness(experiments, reports, log).runAll("hot-study", null).studies().get(0).report();
        var base = first.rows().get(0);
        var hot = first.rows().get(1);
        assertThat(base.runs()).extracting(r -> r.status()).containsExactly("completed", "completed");
        assertThat(base.dev().n()).isEqualTo(2);
        assertThat(hot.runs()).extracting(r -> r.status()).containsExactly("diverged", "diverged");
        assertThat(hot.dev().n()).isZero();
        assertThat(hot.dev().mean()).isNaN();
        assertThat(hot.devP()).isNull();
        assertThat(first.selection().variant()).isEqualTo("base");
        assertThat(Reports.read(reports.resolve(hot.runs().get(0).report())).message()).contains("training diverged");

        // a re-run trains nothing: the diverged runs would diverge again
        var second = harness(experiments, reports, log).runAll("hot-study", null).studies().get(0).report();
        assertThat(second.rows()).flatExtracting(r -> r.runs()).allMatch(r -> r.reused()).hasSize(4);
        assertThat(second.rows().get(1).runs()).extracting(r -> r.report())
                .isEqualTo(hot.runs().stream().map(r -> r.report()).toList());
    }

    @Test
    void anUnwritableReportsFolderIsReportedBeforeAnythingLoadsOrTrains() throws IOException {
        Path experiments = experiments("long", LONG);
        // a file where the folder should be: unwritable even for root, who ignores permission bits
        Path blocked = Files.writeString(dir.resolve("not-a-folder"), "x");
        List<String> log = new ArrayList<>();
        assertThatThrownBy(() -> harness(experiments, blocked.resolve("reports"), log).run("long"))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("the reports folder " + blocked.resolve("reports") + " is not writable")
                .hasMessageContaining("choose another with -Ddigits.reportsDir");
        assertThat(log).isEmpty();
    }

    @Test
    void aReadOnlyReportsFolderIsReportedBeforeAnythingLoadsOrTrains() throws IOException {
        Path experiments = experiments("long", LONG);
        Path readOnly = Files.createDirectories(dir.resolve("read-only"));
        readOnly.toFile().setWritable(false, false);
        try {
            // root writes into read-only folders: the permission bits cannot be tested then, so say so
            assumeFalse(Files.isWritable(readOnly), "skipped: running as root, who may write into a read-only "
                    + "folder; the file-in-the-way case (anUnwritableReportsFolder...) covers root");
            List<String> log = new ArrayList<>();
            assertThatThrownBy(() -> harness(experiments, readOnly, log).run("long"))
                    .hasMessageContaining("the reports folder " + readOnly + " is not writable");
            assertThat(log).isEmpty();
        } finally {
            readOnly.toFile().setWritable(true, false);
        }
    }

    @Test
    void runningOutOfHeapOrOffHeapMemoryNamesTheSettingToRaise() throws Exception {
        TestData.mnist();
        Path experiments = experiments("long", LONG.replace("trainLimit: 600, testLimit: 200", "trainLimit: 60000"));
        Path heapLog = dir.resolve("heap.log");
        Process heap = ForkedRun.start(heapLog, "-Xmx48m", experiments.toString(), dir.resolve("r1").toString(),
                "long");
        assertThat(heap.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(heap.exitValue()).isEqualTo(1);
        assertThat(Files.readString(heapLog)).contains("ERROR: out of JVM heap (")
                .contains("-Xmx is 48 MiB): raise -Xmx in .mvn/jvm.config or MAVEN_OPTS");

        // ND4J's arrays live outside the heap; the process's resident size is capped by maxphysicalbytes
        Path offLog = dir.resolve("off-heap.log");
        Process offHeap = ForkedRun.start(offLog, "-Dorg.bytedeco.javacpp.maxphysicalbytes=200m",
                experiments.toString(), dir.resolve("r2").toString(), "long");
        assertThat(offHeap.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(offHeap.exitValue()).isEqualTo(1);
        assertThat(Files.readString(offLog)).contains("ERROR: out of off-heap memory (Physical memory usage is too "
                + "high: physicalBytes (").contains("maxPhysicalBytes (200M)): raise -Dorg.bytedeco.javacpp.maxphysicalbytes");
        try (var runs = Files.list(dir.resolve("r2/long"))) {
            assertThat(Reports.read(runs.findFirst().orElseThrow().resolve("report.json")).status())
                    .isEqualTo(RunReport.Status.failed);
        }
    }

    private static byte[] flip(byte[] b) {
        b[b.length / 2] ^= 1;
        return b;
    }

    /** The first run folder under {@code dir} once its report shows {@code epochs} epochs. */
    /** Runs {@code name} in its own JVM and sends it SIGTERM once three epochs are done; returns its run folder. */
    private Path sigtermAfterThreeEpochs(Path experiments, Path reports, String name) throws Exception {
        TestData.mnist();
        Path out = dir.resolve("forked.log");
        Process p = ForkedRun.start(out, experiments.toString(), reports.toString(), name);
        Path runDir = waitForEpochs(reports.resolve(name), 3, p, out);
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return runDir;
    }

    private static Path waitForEpochs(Path dir, int epochs, Process p, Path log) throws Exception {
        return waitFor(dir, r -> r.epochs().size() >= epochs, epochs + " epochs", p, log);
    }

    private static Path waitFor(Path dir, java.util.function.Predicate<RunReport> done, String what, Process p,
                                Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) throw new AssertionError("the forked run ended early:\n" + Files.readString(log));
            if (Files.isDirectory(dir)) {
                try (var s = Files.list(dir)) {
                    for (Path run : s.toList()) {
                        Path json = run.resolve("report.json");
                        try {
                            if (Files.isRegularFile(json) && done.test(Reports.read(json))) return run;
                        } catch (IOException e) {
                            // being replaced right now: look again
                        }
                    }
                }
            }
            Thread.sleep(20);
        }
        p.destroyForcibly();
        throw new AssertionError("no report with " + what + " in time:\n" + Files.readString(log));
    }

    private static List<EpochMetrics> withoutTimings(List<EpochMetrics> epochs) {
        return HarnessTest.withoutTimings(epochs);
    }
}
