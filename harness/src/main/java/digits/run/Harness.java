package digits.run;

import digits.data.DataSplit;
import digits.data.DatasetLoader;
import digits.data.Sha256;
import digits.report.Environment;
import digits.report.EpochMetrics;
import digits.report.MisclassifiedImages;
import digits.report.Reports;
import digits.report.RunReport;
import digits.report.RunReport.DataProvenance;
import digits.report.RunReport.ReferenceDelta;
import digits.report.RunReport.Status;
import digits.report.RunReport.ThresholdCheck;
import digits.report.TestMetrics;
import digits.report.html.ReportPages;
import digits.spec.AcceptanceSpec;
import digits.spec.ExperimentSpec;
import digits.spec.ReferenceSpec;
import digits.spec.SpecCatalog;
import digits.spec.SpecException;
import digits.spec.TrainingSpec;
import digits.train.Checkpoint;
import digits.train.DivergedException;
import digits.train.Progress;
import digits.train.Trainer;
import digits.model.DigitsNetwork;
import digits.model.NetworkFactory;
import digits.model.Nd4jSetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs one experiment end to end: spec, data, network, training, test, report. This is the library the
 * Maven goals and the acceptance tests call; it knows nothing of Maven.
 */
public final class Harness {

    /** Where things are and how to talk. */
    public record Options(Path experimentsDir, Path dataDir, Path reportsDir, Path localMnist, boolean interactive,
                          Duration progressInterval, Consumer<String> log) {

        /** Defaults for a repository root: experiments/, data/, reports/. */
        public static Options forRoot(Path root, Consumer<String> log) {
            return new Options(root.resolve("experiments"), root.resolve("data"), root.resolve("reports"), null, false,
                    Duration.ofSeconds(30), log);
        }

        public Options withReportsDir(Path dir) {
            return new Options(experimentsDir, dataDir, dir, localMnist, interactive, progressInterval, log);
        }
    }

    /** The finished report and the folder it is in. */
    public record Result(RunReport report, Path runDir) {
        public boolean passed() {
            return Boolean.TRUE.equals(report.passed());
        }
    }

    private final Options options;
    /** The reports folder whose index.html a run refreshes (a study's runs live below it), or null for none. */
    private final Path indexRoot;

    public Harness(Options options) {
        this(options, options.reportsDir());
    }

    /** @param indexRoot the folder whose {@code index.html} each run refreshes; null: none */
    public Harness(Options options, Path indexRoot) {
        Nd4jSetup.configure();
        this.options = options;
        this.indexRoot = indexRoot;
    }

    public SpecCatalog catalog() {
        return SpecCatalog.scan(options.experimentsDir());
    }

    public Result run(String name) {
        SpecCatalog catalog = catalog();
        Path specFile = catalog.file(name);
        ExperimentSpec spec = catalog.load(name);
        return run(spec, specFile);
    }

    public Result run(ExperimentSpec spec, Path specFile) {
        return start(spec, specFile, null, null);
    }

    /**
     * Continues an interrupted run of experiment {@code name} from its last checkpoint, in a new run folder:
     * {@code runId} names the run, or null takes the newest unfinished one. The spec must be unchanged.
     */
    public Result resume(String name, String runId) {
        SpecCatalog catalog = catalog();
        Path specFile = catalog.file(name);
        ExperimentSpec spec = catalog.load(name);
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
        if (!from.specSha256().equals(specHash(spec))) {
            throw new Checkpoint.CheckpointException("cannot resume " + fromDir + ": " + specFile.getFileName()
                    + " changed since that run (spec SHA-256 " + specHash(spec) + ", the run's " + from.specSha256()
                    + "); restore the spec or start a new run without -Ddigits.resume");
        }
        if (TrainingSpec.GENERATOR_TORCH.equals(spec.training().generator()) && from.torchGenerator() == null) {
            throw new Checkpoint.CheckpointException(fromDir.resolve(Checkpoint.FILE) + " holds no state of PyTorch's "
                    + "generator, which the spec draws its dropout masks from; start the run afresh");
        }
        options.log().accept("Resuming " + name + " from " + fromDir + " after epoch " + from.epoch() + " of "
                + spec.training().epochs());
        return start(spec, specFile, from, fromDir);
    }

    private Result start(ExperimentSpec spec, Path specFile, Checkpoint from, Path fromDir) {
        Consumer<String> log = options.log();
        Reports reports = new Reports(options.reportsDir());
        reports.checkWritable();
        DatasetLoader loader = new DatasetLoader(options.dataDir(), options.localMnist(), log);
        checkInputShape(spec, specFile, loader.trainImageShape(spec.dataset()));

        DatasetLoader.Loaded data = loader.load(spec.dataset(), spec.model().output().classes());
        if (data.split().train().heads() != spec.heads()) {
            throw new SpecException(specFile, 0, "model.output.heads", spec.heads() + " heads but the dataset has "
                    + data.split().train().heads() + " label(s) per image");
        }
        Nd4jSetup.applyThreads(); // before the environment is recorded
        Path runDir = reports.newRunDir(spec.name());
        Run run = new Run(spec, specFile, runDir, data, from, fromDir);
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

    /**
     * Renders the first {@code count} test images of an experiment's dataset, with their labels, to
     * {@code reports/<experiment>/samples.png}.
     */
    public Path samples(String name, int count) {
        ExperimentSpec spec = catalog().load(name);
        Reports reports = new Reports(options.reportsDir());
        reports.checkWritable();
        DatasetLoader.Loaded data = new DatasetLoader(options.dataDir(), options.localMnist(), options.log())
                .load(spec.dataset(), spec.model().output().classes());
        Path png = reports.root().resolve(spec.name()).resolve("samples.png");
        try {
            java.nio.file.Files.createDirectories(png.getParent());
            digits.report.SampleSheet.write(data.split().test(), count, 8, png);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png + ": " + e.getMessage(), e);
        }
        return png;
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
        private volatile boolean finished;
        /** Set by the shutdown hook: from then on the training thread writes nothing, so its report stands. */
        private boolean stopped;

        Run(ExperimentSpec spec, Path specFile, Path runDir, DatasetLoader.Loaded data, Checkpoint from,
            Path fromDir) {
            this.spec = spec;
            this.specFile = specFile;
            this.runDir = runDir;
            this.data = data;
            this.environment = Environment.capture(options.experimentsDir());
            this.specSha = specHash(spec);
            this.from = from;
            this.fromDir = fromDir;
            if (from != null) epochs.addAll(from.epochs());
        }

        Result execute() {
            Consumer<String> log = options.log();
            write(Status.running, null, null);
            try {
                DigitsNetwork net = NetworkFactory.build(spec);
                if (from != null) from.restoreInto(net, fromDir);
                log.accept(String.format("%s: %,d parameters, %d training batches of %d, backend %s (%s)",
                        spec.name(), net.numParams(), data.split().train().count() / spec.training().batchSize(),
                        spec.training().batchSize(), environment.backend(), environment.blas()));
                Trainer trainer = new Trainer(spec, new Progress(options.interactive(), log, options.progressInterval()));
                trainer.train(net, data.split(), from, (m, model, iteration) -> {
                    synchronized (this) {
                        if (stopped) return;
                        epochs.add(m);
                        Checkpoint.save(runDir, model, spec.name(), specSha, iteration, epochs);
                        write(Status.running, null, null);
                    }
                    log.accept(epochLine(m));
                });
                TestMetrics test = trainer.test(net, data.split());
                saveMisclassified(test);
                RunReport report = write(Status.completed, null, test);
                Reports.markLatest(runDir);
                finished = true;
                report.acceptance().forEach(c -> log.accept(checkLine(c, spec.heads())));
                if (test.allHeadsAccuracy() != null) {
                    log.accept(String.format("test images with every head right: %.4f", test.allHeadsAccuracy()));
                }
                report.reference().stream().filter(r -> r.metric().equals("testAccuracy")).forEach(r -> log.accept(
                        String.format("seed notebook reported%s %.4f; reproduced %.4f (delta %+.4f)",
                                spec.heads() > 1 ? " (head " + (r.head() + 1) + ")" : "", r.seed(), r.reproduced(),
                                r.delta())));
                return new Result(report, runDir);
            } catch (DivergedException e) {
                write(Status.diverged, e.getMessage(), null);
                Reports.markLatest(runDir);
                finished = true;
                throw e;
            } catch (RuntimeException | Error e) {
                write(Status.failed, String.valueOf(e.getMessage()), null);
                finished = true;
                throw e;
            }
        }

        /** The shutdown hook: Ctrl-C, SIGTERM or Maven killed. Holds the run's lock, so no epoch is half-saved. */
        synchronized void interrupted() {
            if (finished) return;
            write(Status.interrupted, "interrupted after " + epochs.size() + " of " + spec.training().epochs()
                    + " epochs; continue with -Ddigits.resume=" + runDir.getFileName(), null);
            stopped = true;
        }

        /** The pixels of the gallery's images, so the page can be regenerated without the dataset. */
        private void saveMisclassified(TestMetrics test) {
            try {
                MisclassifiedImages.write(runDir, data.split().test(), test.misclassified());
            } catch (IOException | RuntimeException e) {
                options.log().accept("warning: cannot write the misclassified images in " + runDir + ": " + e);
            }
        }

        private synchronized RunReport write(Status status, String message, TestMetrics test) {
            Instant now = Instant.now();
            List<ThresholdCheck> checks = test == null ? null : checks(test);
            Boolean passed = checks == null ? (status == Status.running ? null : Boolean.FALSE)
                    : Boolean.valueOf(checks.stream().allMatch(ThresholdCheck::passed));
            var split = data.split();
            int b = spec.training().batchSize();
            RunReport report = new RunReport(RunReport.FORMAT, spec.name(), runDir.getFileName().toString(), status,
                    message, passed, started.toString(), status == Status.running ? null : now.toString(),
                    Duration.between(started, now).toMillis() / 1000.0, checks, deltas(test), test,
                    List.copyOf(epochs), spec, specFile.getFileName().toString(), specSha,
                    environment, new DataProvenance(data.source(), data.files(), split.train().count(),
                    split.dev().count(), split.test().count(), split.train().count() / b, split.dev().count() / b,
                    split.test().count() / b), fromDir == null ? null
                    : fromDir.getParent().getFileName() + "/" + fromDir.getFileName());
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

        private List<ThresholdCheck> checks(TestMetrics test) {
            List<ThresholdCheck> out = new ArrayList<>();
            AcceptanceSpec acceptance = spec.acceptance();
            if (acceptance == null) return out;
            if (acceptance.testAccuracyAbove() != null) {
                double t = acceptance.testAccuracyAbove();
                for (int h = 0; h < test.accuracy().size(); h++) {
                    double a = test.accuracy().get(h);
                    out.add(new ThresholdCheck(ThresholdCheck.TEST_ACCURACY, h, t, a, a > t));
                }
            }
            if (acceptance.seedTolerance() != null) { // the validator made sure reference.testAccuracy is there
                double tolerance = acceptance.seedTolerance();
                for (int h = 0; h < test.accuracy().size(); h++) {
                    double off = Math.abs(test.accuracy().get(h) - spec.reference().testAccuracy().get(h));
                    out.add(new ThresholdCheck(ThresholdCheck.SEED_DELTA, h, tolerance, off, off <= tolerance));
                }
            }
            return out;
        }

        private List<ReferenceDelta> deltas(TestMetrics test) {
            ReferenceSpec ref = spec.reference();
            if (ref == null) return List.of();
            EpochMetrics last = epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
            List<ReferenceDelta> out = new ArrayList<>();
            add(out, "testAccuracy", ref.testAccuracy(), test == null ? null : test.accuracy());
            add(out, "testLoss", ref.testLoss(), test == null ? null : test.loss());
            add(out, "devAccuracy", ref.devAccuracy(), last == null ? null : last.devAccuracy());
            add(out, "trainAccuracy", ref.trainAccuracy(), last == null ? null : last.trainAccuracy());
            if (ref.epochs() == null) return out;
            for (ReferenceSpec.Epoch e : ref.epochs()) { // epoch by epoch, what the notebook printed
                EpochMetrics m = epochs.stream().filter(x -> x.epoch() == e.epoch()).findFirst().orElse(null);
                add(out, "trainLoss", e.epoch(), e.trainLoss(), m == null ? null : m.trainLoss());
                add(out, "trainAccuracy", e.epoch(), e.trainAccuracy(), m == null ? null : m.trainAccuracy());
                add(out, "devLoss", e.epoch(), e.devLoss(), m == null ? null : m.devLoss());
                add(out, "devAccuracy", e.epoch(), e.devAccuracy(), m == null ? null : m.devAccuracy());
            }
            return out;
        }

        private void add(List<ReferenceDelta> out, String metric, List<Double> seed, List<Double> reproduced) {
            add(out, metric, null, seed, reproduced);
        }

        private void add(List<ReferenceDelta> out, String metric, Integer epoch, List<Double> seed,
                         List<Double> reproduced) {
            if (seed == null) return;
            for (int h = 0; h < seed.size(); h++) {
                Double r = reproduced == null ? null : reproduced.get(h);
                out.add(new ReferenceDelta(metric, h, epoch, seed.get(h), r, r == null ? null : r - seed.get(h)));
            }
        }
    }

    /** SHA-256 of the spec as run, in canonical JSON: equal specs have equal hashes, whatever file they came from. */
    public static String specHash(ExperimentSpec spec) {
        try {
            return Sha256.of(CANONICAL.writeValueAsBytes(spec));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper CANONICAL =
            new com.fasterxml.jackson.databind.ObjectMapper()
                    .enable(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                    .enable(com.fasterxml.jackson.databind.MapperFeature.SORT_PROPERTIES_ALPHABETICALLY);

    /** "test accuracy 0.9201 > 0.8500: PASS", or for the tolerance "... within 0.0030 of the notebook's ...". */
    static String checkLine(ThresholdCheck c, int heads) {
        String head = heads > 1 ? " (head " + (c.head() + 1) + ")" : "";
        String verdict = c.passed() ? "PASS" : "FAIL";
        if (ThresholdCheck.SEED_DELTA.equals(c.metric())) {
            return String.format("test accuracy%s within %.4f of the notebook's: off by %.4f: %s", head, c.threshold(),
                    c.actual(), verdict);
        }
        return String.format("test accuracy%s %.4f > %.4f: %s", head, c.actual(), c.threshold(), verdict);
    }

    static String epochLine(EpochMetrics m) {
        StringBuilder sb = new StringBuilder(String.format("epoch %d: ", m.epoch()));
        for (int h = 0; h < m.trainLoss().size(); h++) {
            if (m.trainLoss().size() > 1) sb.append("[head ").append(h + 1).append("] ");
            sb.append(String.format("train loss %.6f acc %.6f | dev loss %.6f acc %.6f  ", m.trainLoss().get(h),
                    m.trainAccuracy().get(h), m.devLoss().get(h), m.devAccuracy().get(h)));
        }
        if (m.devAllHeadsAccuracy() != null) {
            sb.append(String.format("| all heads right: train %.4f dev %.4f  ", m.trainAllHeadsAccuracy(),
                    m.devAllHeadsAccuracy()));
        }
        sb.append(String.format("(%.1f s, %,.0f img/s)", m.trainSeconds(), m.trainImagesPerSecond()));
        return sb.toString();
    }
}
