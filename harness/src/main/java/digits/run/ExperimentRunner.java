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
        private final List<EpochMetrics> epochs = new ArrayList<>();
        private final Environment environment;
        private final String specSha;
        private final Checkpoint from;
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
            this.from = from;
            this.fromDir = fromDir;
            this.placement = placement;
            if (from != null) epochs.addAll(from.epochs());
        }

        Result execute() {
            Consumer<String> log = options.log();
            write(Status.running, null, null);
            DigitsNetwork net = null;
            try {
                // a schedule stepped per batch counts the batches of the data loaded (an idx spec names no size)
                net = NetworkFactory.build(spec, Math.max(1, data.split().train().count() / spec.training().batchSize()));
                if (from != null) from.restoreInto(net, fromDir);
                if (from != null && spec.training().keepsBest()) Checkpoint.copyBest(fromDir, runDir);
                log.accept(String.format("%s: %,d parameters, %d training batches of %d, backend %s (%s)",
                        spec.name(), net.numParams(), data.split().train().count() / spec.training().batchSize(),
                        spec.training().batchSize(), environment.backend(), environment.blas()));
                Trainer trainer = new Trainer(spec, new Progress(options.interactive(), log, options.progressInterval()));
                int[] iteration = {from == null ? 0 : from.iteration()};
                trainer.train(net, data.split(), from, (m, model, it) -> {
                    synchronized (this) {
                        if (stopped) return;
                        epochs.add(m);
                        iteration[0] = it;
                        Checkpoint.save(runDir, model, spec.name(), specSha, it, epochs);
                        if (spec.training().keepsBest() && Trainer.bestEpoch(epochs) == m.epoch()) saveBest(model);
                        write(Status.running, null, null);
                    }
                    log.accept(ConsoleLines.epoch(m));
                });
                if (!java.nio.file.Files.isRegularFile(runDir.resolve(Checkpoint.MODEL))) {
                    // resumed after its last epoch: no epoch ran here, but this run folder still gets its model
                    Checkpoint.save(runDir, net, spec.name(), specSha, iteration[0], epochs);
                }
                int tested = epochs.isEmpty() ? 0 : epochs.get(epochs.size() - 1).epoch();
                if (epochs.size() < spec.training().epochs() && !epochs.isEmpty()) {
                    log.accept(String.format("stopped after epoch %d: no better dev accuracy for %d epochs (patience)",
                            tested, spec.training().patience()));
                }
                if (spec.training().keepsBest() && !epochs.isEmpty()) {
                    tested = Trainer.bestEpoch(epochs);
                    var best = Checkpoint.best(runDir);
                    net.setParams(best.params());
                    best.close(); // its arrays, now: a study trains many runs in one JVM
                    log.accept("testing the network of epoch " + tested + ", the best on the dev set (" + Checkpoint.BEST_MODEL + ")");
                }
                TestMetrics test = trainer.test(net, data.split(), tested == 0 ? null : tested);
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
                if (net != null) net.close(); // its native memory and oneDNN primitives, now, not at some later GC
            }
        }

        /** The shutdown hook: Ctrl-C, SIGTERM or Maven killed. Holds the run's lock, so no epoch is half-saved. */
        synchronized void interrupted() {
            if (finished) return;
            write(Status.interrupted, "interrupted after " + epochs.size() + " of " + spec.training().epochs()
                    + " epochs; continue with -Ddigits.resume=" + runDir.getFileName(), null);
            stopped = true;
        }

        /** keepBest: the network of the best epoch so far, beside the checkpoint (whose model.zip is the last). */
        private void saveBest(org.deeplearning4j.nn.multilayer.MultiLayerNetwork model) {
            Checkpoint.saveBest(runDir, model);
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
                    : fromDir.getParent().getFileName() + "/" + fromDir.getFileName(), placement);
            if (stopped) return report;
            Reports.write(runDir, report);
            writePage(report);
            return report;
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
