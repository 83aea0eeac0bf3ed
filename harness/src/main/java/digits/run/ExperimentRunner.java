package digits.run;

import digits.data.DatasetLoader;
import digits.model.DigitsNetwork;
import digits.model.Nd4jSetup;
import digits.model.NetworkFactory;
import digits.report.Assessment;
import digits.report.ConsoleLines;
import digits.report.Environment;
import digits.report.MisclassifiedImages;
import digits.report.Reports;
import digits.report.RunReport;
import digits.report.RunReport.DataProvenance;
import digits.report.RunReport.Status;
import digits.report.RunReport.ThresholdCheck;
import digits.report.html.ReportPages;
import digits.spec.ExperimentSpec;
import digits.spec.SpecException;
import digits.spec.SpecHash;
import digits.spec.TrainingSpec;
import digits.train.Checkpoint;
import digits.train.DivergedException;
import digits.train.EpochMetrics;
import digits.train.Progress;
import digits.train.TestMetrics;
import digits.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs one experiment end to end: data, network, training, test, report; or continues an interrupted run from its
 * checkpoint. Studies run their variants through it; {@code digits.harness.Harness} runs it for the Maven goals.
 * It knows nothing of Maven.
 */
public final class ExperimentRunner {

    /** The finished report and the folder it is in. */
    public record Result(RunReport report, Path runDir) {
        public boolean passed() {
            return Boolean.TRUE.equals(report.passed());
        }
    }

    /** A run that diverged: its report (status diverged) is written, and here with its folder. */
    public static final class Diverged extends DivergedException {
        private final transient Result result;

        Diverged(DivergedException e, Result result) {
            super(e);
            this.result = result;
        }

        public Result result() {
            return result;
        }
    }

    private final RunOptions options;
    /** The reports folder whose index.html a run refreshes (a study's runs live below it), or null for none. */
    private final Path indexRoot;

    public ExperimentRunner(RunOptions options) {
        this(options, options.reportsDir());
    }

    /** @param indexRoot the folder whose {@code index.html} each run refreshes; null: none */
    public ExperimentRunner(RunOptions options, Path indexRoot) {
        Nd4jSetup.configure();
        this.options = options;
        this.indexRoot = indexRoot;
    }

    /** Trains {@code spec} (read from {@code specFile}) in a new run folder. */
    public Result run(ExperimentSpec spec, Path specFile) {
        return run(spec, specFile, null);
    }

    /** As {@link #run(ExperimentSpec, Path)}, recording where the run trained (a distributed study's task), or null. */
    public Result run(ExperimentSpec spec, Path specFile, RunReport.Placement placement) {
        return start(spec, specFile, null, null, placement);
    }

    /**
     * Continues an interrupted run of {@code spec} from its last checkpoint, in a new run folder: {@code runId}
     * names the run, or null takes the newest unfinished one. The spec must be unchanged since that run.
     */
    public Result resume(ExperimentSpec spec, Path specFile, String runId) {
        return resume(spec, specFile, runId, null);
    }

    /** As {@link #resume(ExperimentSpec, Path, String)}, recording where the continued run trained, or null. */
    public Result resume(ExperimentSpec spec, Path specFile, String runId, RunReport.Placement placement) {
        String name = spec.name();
        Reports reports = new Reports(options.reportsDir());
        Path fromDir = runId == null ? reports.newestUnfinished(name) : reports.existingRunDir(name, runId);
        if (fromDir == null) {
            throw new Checkpoint.CheckpointException(runId == null
                    ? "no unfinished run of " + name + " with a checkpoint in " + reports.root().resolve(name)
                            + "; start one without -Ddigits.resume"
                    : "no run '" + runId + "' of " + name + " in " + reports.root().resolve(name) + "; runs there: "
                            + reports.runIds(name));
        }
        Checkpoint from = Checkpoint.read(fromDir);
        RunReport previous = Reports.readIfPresent(fromDir); // unreadable: the checkpoint decides
        if (previous != null && previous.status() == Status.completed) {
            throw new Checkpoint.CheckpointException(fromDir + " completed all its epochs; nothing to resume");
        }
        String hash = SpecHash.of(spec);
        if (!from.specSha256().equals(hash)) {
            throw new Checkpoint.CheckpointException("cannot resume " + fromDir + ": " + specFile.getFileName()
                    + " changed since that run (spec SHA-256 " + hash + ", the run's " + from.specSha256()
                    + "); restore the spec or start a new run without -Ddigits.resume");
        }
        if (TrainingSpec.GENERATOR_TORCH.equals(spec.training().generator()) && from.torchGenerator() == null) {
            throw new Checkpoint.CheckpointException(fromDir.resolve(Checkpoint.FILE) + " holds no state of PyTorch's "
                    + "generator, which the spec draws its dropout masks from; start the run afresh");
        }
        options.log().accept("Resuming " + name + " from " + fromDir + " after epoch " + from.epoch() + " of "
                + spec.training().epochs());
        return start(spec, specFile, from, fromDir, placement);
    }

    private Result start(ExperimentSpec spec, Path specFile, Checkpoint from, Path fromDir,
                         RunReport.Placement placement) {
        Consumer<String> log = options.log();
        Reports reports = new Reports(options.reportsDir());
        reports.checkWritable();
        DatasetLoader loader = new DatasetLoader(options.dataRoot(), options.dataDir(), log);
        checkInputShape(spec, specFile, loader.trainImageShape(spec.dataset()));

        DatasetLoader.Loaded data = loader.load(spec.dataset(), spec.model().output().classes(),
                spec.training().pairsAnew());
        if (data.split().train().heads() != spec.heads()) {
            throw new SpecException(specFile, 0, "model.output.heads", spec.heads() + " heads but the dataset has "
                    + data.split().train().heads() + " label(s) per image");
        }
        Nd4jSetup.applyThreads(); // before the environment is recorded
        Path runDir = reports.newRunDir(spec.name());
        Run run = new Run(spec, specFile, runDir, data, from, fromDir, placement);
        log.accept("Run " + spec.name() + " -> " + runDir);
        Thread hook = new Thread(run::interrupted, "digits-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return run.execute();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it writes the interrupted report
            }
            refreshIndex();
        }
    }

    /** Rewrites reports/index.html; a page is a view of the reports, so failing to write one never fails a run. */
    private void refreshIndex() {
        if (indexRoot == null) return;
        try {
            ReportPages.writeIndex(indexRoot);
        } catch (RuntimeException e) {
            options.log().accept("warning: cannot write " + indexRoot.resolve(ReportPages.INDEX_HTML) + ": " + e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            java.nio.file.Files.createDirectories(dir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void checkInputShape(ExperimentSpec spec, Path file, int[] shape) {
        var m = spec.model();
        if (m.channels() != 1 || m.height() != shape[1] || m.width() != shape[2]) {
            throw new SpecException(file, 0, "model.input", m.input() + " does not match the dataset's images; allowed: "
                    + "[1, " + shape[1] + ", " + shape[2] + "]");
        }
    }

    /** The mutable state of one run, so the report can be written from any point, including a shutdown hook. */
    private final class Run {
        private final ExperimentSpec spec;
        private final Path specFile;
        private final Path runDir;
        private final DatasetLoader.Loaded data;
        private final Instant started = Instant.now();
        /** Per network (one, or each member of an ensemble), its epochs so far; the first is the report's. */
        private final List<List<EpochMetrics>> histories = new ArrayList<>();
        private final List<EpochMetrics> epochs;
        /** Ensembles: per member, what it alone gave on the test set, once tested; null until then. */
        private final List<TestMetrics> tests = new ArrayList<>();
        private final Environment environment;
        private final String specSha;
        /** Per member, its checkpoint in the run resumed from, read once; null where it has none (or no resume). */
        private final List<Checkpoint> resumeFrom = new ArrayList<>();
        private final Path fromDir;
        private final RunReport.Placement placement;
        private volatile boolean finished;
        /** Set by the shutdown hook: from then on the training thread writes nothing, so its report stands. */
        private boolean stopped;

        Run(ExperimentSpec spec, Path specFile, Path runDir, DatasetLoader.Loaded data, Checkpoint from,
            Path fromDir, RunReport.Placement placement) {
            this.spec = spec;
            this.specFile = specFile;
            this.runDir = runDir;
            this.data = data;
            this.environment = Environment.capture(options.experimentsDir(), Nd4jSetup.kernelThreads());
            this.specSha = SpecHash.of(spec);
            this.fromDir = fromDir;
            this.placement = placement;
            for (int i = 1; i <= spec.training().members(); i++) {
                Path memberFrom = fromDir == null ? null : Reports.memberDir(fromDir, i);
                // member 1's checkpoint was read to check the spec; a later member has one once it trained an epoch
                Checkpoint c = i == 1 ? from : memberFrom != null
                        && java.nio.file.Files.isRegularFile(memberFrom.resolve(Checkpoint.FILE))
                        ? Checkpoint.read(memberFrom) : null;
                resumeFrom.add(c);
                histories.add(c == null ? new ArrayList<>() : new ArrayList<>(c.epochs())); // its epochs are this run's too
                tests.add(null);
            }
            this.epochs = histories.get(0);
        }

        Result execute() {
            Consumer<String> log = options.log();
            write(Status.running, null, null);
            List<DigitsNetwork> nets = new ArrayList<>();
            try {
                Trainer trainer = new Trainer(spec, new Progress(options.interactive(), log, options.progressInterval()));
                int members = spec.training().members();
                int tested = 0;
                for (int member = 1; member <= members; member++) {
                    tested = trainMember(member, nets);
                }
                TestMetrics test = trainer.test(nets, data.split(), members > 1 || tested == 0 ? null : tested);
                saveMisclassified(test);
                RunReport report = finish(Status.completed, null, test);
                Reports.markLatest(runDir);
                ConsoleLines.verdict(report).forEach(log);
                return new Result(report, runDir);
            } catch (DivergedException e) {
                RunReport report = finish(Status.diverged, e.getMessage(), null);
                Reports.markLatest(runDir);
                throw new Diverged(e, new Result(report, runDir));
            } catch (RuntimeException | Error e) {
                finish(Status.failed, String.valueOf(e.getMessage()), null);
                throw e;
            } finally {
                for (DigitsNetwork net : nets) net.close(); // native memory and oneDNN primitives, now, not at some GC
            }
        }

        /**
         * Trains one network ({@code member} of the ensemble, 1 without one) in its folder, continuing its checkpoint
         * in the run resumed from if there is one, and adds it to {@code nets} holding the parameters it is tested
         * with. Returns that epoch (0: none ran).
         */
        private int trainMember(int member, List<DigitsNetwork> nets) {
            Consumer<String> log = options.log();
            int members = spec.training().members();
            ExperimentSpec memberSpec = members == 1 ? spec : spec.member(member);
            Path dir = Reports.memberDir(runDir, member);
            Path resumeDir = fromDir == null ? null : Reports.memberDir(fromDir, member);
            Checkpoint resumeAt = resumeFrom.get(member - 1);
            List<EpochMetrics> history = histories.get(member - 1);
            if (members > 1) {
                log.accept(String.format("member %d of %d: seed %d%s", member, members, memberSpec.training().seed(),
                        member == 1 ? "" : " -> " + dir));
                createDirectories(dir);
            }
            // a schedule stepped per batch counts the batches of the data loaded (an idx spec names no size)
            DigitsNetwork net = NetworkFactory.build(memberSpec,
                    Math.max(1, data.split().train().count() / spec.training().batchSize()));
            nets.add(net);
            if (resumeAt != null) {
                resumeAt.restoreInto(net, resumeDir);
                if (spec.training().keepsBest()) Checkpoint.copyBest(resumeDir, dir);
            }
            if (member == 1) {
                log.accept(String.format("%s: %,d parameters, %d training batches of %d, backend %s (%s)",
                        spec.name(), net.numParams(), data.split().train().count() / spec.training().batchSize(),
                        spec.training().batchSize(), environment.backend(), environment.blas()));
            }
            Trainer trainer = new Trainer(memberSpec, new Progress(options.interactive(), log,
                    options.progressInterval()));
            int[] iteration = {resumeAt == null ? 0 : resumeAt.iteration()};
            trainer.train(net, data.split(), resumeAt, (m, model, it) -> {
                synchronized (this) {
                    if (stopped) return;
                    history.add(m);
                    iteration[0] = it;
                    Checkpoint.save(dir, model, spec.name(), specSha, it, history);
                    if (spec.training().keepsBest() && Trainer.bestEpoch(history) == m.epoch()) {
                        Checkpoint.saveBest(dir, model);
                    }
                    write(Status.running, null, null);
                }
                log.accept((members > 1 ? "member " + member + ": " : "") + ConsoleLines.epoch(m));
            });
            if (!java.nio.file.Files.isRegularFile(dir.resolve(Checkpoint.MODEL))) {
                // resumed after its last epoch: no epoch ran here, but this run folder still gets its model
                Checkpoint.save(dir, net, spec.name(), specSha, iteration[0], history);
            }
            int tested = history.isEmpty() ? 0 : history.get(history.size() - 1).epoch();
            if (history.size() < spec.training().epochs() && !history.isEmpty()) {
                log.accept(String.format("stopped after epoch %d: no better dev accuracy for %d epochs (patience)",
                        tested, spec.training().patience()));
            }
            if (spec.training().keepsBest() && !history.isEmpty()) {
                tested = Trainer.bestEpoch(history);
                var best = Checkpoint.best(dir);
                net.setParams(best.params());
                best.close(); // its arrays, now: a study trains many runs in one JVM
                log.accept("testing the network of epoch " + tested + ", the best on the dev set ("
                        + runDir.relativize(dir.resolve(Checkpoint.BEST_MODEL)) + ")");
            }
            if (members > 1) { // what this network alone gives, beside the ensemble's answer
                TestMetrics alone = trainer.test(net, data.split(), tested == 0 ? null : tested);
                synchronized (this) {
                    tests.set(member - 1, alone);
                }
                log.accept(String.format("member %d alone: test accuracy %s", member, ConsoleLines.accuracy(alone)));
            }
            return tested;
        }

        /** The shutdown hook: Ctrl-C, SIGTERM or Maven killed. Holds the run's lock, so no epoch is half-saved. */
        synchronized void interrupted() {
            if (finished) return;
            int member = training();
            String where = spec.training().members() == 1 ? ""
                    : " of member " + (member + 1) + " of " + spec.training().members();
            write(Status.interrupted, "interrupted after " + histories.get(member).size() + " of "
                    + spec.training().epochs() + " epochs" + where + "; continue with -Ddigits.resume="
                    + runDir.getFileName(), null);
            stopped = true;
        }

        /** The member in training (from 0): the first without its test figures, or the last. */
        private int training() {
            for (int i = 0; i < tests.size(); i++) if (tests.get(i) == null) return i;
            return tests.size() - 1;
        }

        /** The pixels of the gallery's images, so the page can be regenerated without the dataset. */
        private void saveMisclassified(TestMetrics test) {
            try {
                MisclassifiedImages.write(runDir, data.split().test(), test.misclassified());
            } catch (IOException | RuntimeException e) {
                options.log().accept("warning: cannot write the misclassified images in " + runDir + ": " + e);
            }
        }

        /**
         * The run's last report, and {@code finished} with it under the run's lock: a shutdown hook arriving between
         * the two would otherwise turn a completed report into interrupted.
         */
        private synchronized RunReport finish(Status status, String message, TestMetrics test) {
            RunReport report = write(status, message, test);
            finished = true;
            return report;
        }

        private synchronized RunReport write(Status status, String message, TestMetrics test) {
            Instant now = Instant.now();
            List<ThresholdCheck> checks = Assessment.checks(spec, test);
            Boolean passed = Assessment.passed(status, checks);
            var split = data.split();
            int b = spec.training().batchSize();
            RunReport report = new RunReport(RunReport.FORMAT, spec.name(), runDir.getFileName().toString(), status,
                    message, passed, started.toString(), status == Status.running ? null : now.toString(),
                    Duration.between(started, now).toMillis() / 1000.0, checks, Assessment.deltas(spec, test, epochs), test,
                    List.copyOf(epochs), spec, specFile.getFileName().toString(), specSha,
                    environment, new DataProvenance(data.source(), data.files(), split.train().count(),
                    split.dev().count(), split.test().count(), split.train().count() / b, split.dev().count() / b,
                    split.test().count() / b), fromDir == null ? null
                    : fromDir.getParent().getFileName() + "/" + fromDir.getFileName(), placement, members());
            if (stopped) return report;
            Reports.write(runDir, report);
            writePage(report);
            return report;
        }

        /** The report's {@code members}: the ensemble's networks begun so far; null for one network. */
        private List<RunReport.Member> members() {
            if (spec.training().members() == 1) return null;
            List<RunReport.Member> out = new ArrayList<>();
            for (int i = 0; i < histories.size(); i++) {
                List<EpochMetrics> history = histories.get(i);
                TestMetrics alone = tests.get(i);
                if (i > 0 && history.isEmpty() && alone == null) break; // not begun
                out.add(new RunReport.Member(i + 1, spec.training().seed() + i, history.size(),
                        alone == null ? null : alone.epoch(), alone == null ? null : alone.accuracy(),
                        alone == null ? null : alone.allHeadsAccuracy(), i == 0 ? null : List.copyOf(history)));
            }
            return out;
        }

        /** report.html beside report.json; written after it, so a rendering problem never costs the report. */
        private void writePage(RunReport report) {
            try {
                ReportPages.writeRun(runDir, report, indexRoot);
            } catch (RuntimeException | LinkageError e) {
                options.log().accept("warning: cannot write " + runDir.resolve(ReportPages.REPORT_HTML) + ": " + e);
            }
        }
    }
}
