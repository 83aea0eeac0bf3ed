package digits.harness;

import digits.bench.Benchmark;
import digits.data.DatasetLoader;
import digits.data.Mnist;
import digits.model.Nd4jSetup;
import digits.report.Reports;
import digits.report.SampleSheet;
import digits.report.html.ReportPages;
import digits.run.ExperimentRunner;
import digits.run.RunOptions;
import digits.spec.ExperimentSpec;
import digits.spec.SpecCatalog;
import digits.study.StudyLoader;
import digits.study.StudyRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The front door the Maven goals (and the acceptance tests) call: resolves spec names, validates every spec a
 * command names before anything trains, and hands each to the study runner or the experiment runner. Each call
 * reads the specs folder afresh, once.
 */
public final class Harness {

    private final RunOptions options;

    public Harness(RunOptions options) {
        Nd4jSetup.configure();
        this.options = options;
    }

    public RunOptions options() {
        return options;
    }

    /** The specs folder as it is now; every file in it is parsed at most once by the catalog returned. */
    public SpecCatalog catalog() {
        return SpecCatalog.scan(options.experimentsDir());
    }

    /** What {@link #runAll} did: every experiment's run and every study's result, in the order given. */
    public record Summary(List<ExperimentRunner.Result> runs, List<StudyRunner.Result> studies) {

        /** Experiments (not study variants) that missed a threshold, failed or diverged. */
        public List<String> failed() {
            return runs.stream().filter(r -> !r.passed()).map(r -> r.report().experiment()).toList();
        }
    }

    /**
     * Runs a selection ({@code mlp-baseline}, {@code cnn,mlp-baseline} or {@code all}): studies run all their
     * variants, experiments train once. Every spec and study is validated before the first trains.
     *
     * @param resume null, blank or {@code false}: start afresh; {@code true}: continue the newest interrupted run of
     *               the one experiment selected; a run id: continue that run
     */
    public Summary runAll(String selection, String resume) {
        return runAll(selection, resume, plan -> new StudyRunner(options).run(plan));
    }

    /**
     * How a validated study runs: in this JVM by default; the plugin hands it to a Spark driver in its own JVM when
     * {@code -Ddigits.spark.master} is set.
     */
    @FunctionalInterface
    public interface Studies {
        StudyRunner.Result run(StudyLoader.Plan plan);
    }

    /** As {@link #runAll(String, String)}, each study run by {@code studies}. */
    public Summary runAll(String selection, String resume, Studies studies) {
        SpecCatalog catalog = catalog();
        List<String> names = catalog.select(selection);
        boolean resuming = resume != null && !resume.isBlank() && !resume.strip().equals("false");
        if (resuming && (names.size() != 1 || catalog.isStudy(names.get(0)))) {
            throw new IllegalArgumentException("-Ddigits.resume continues one experiment's run; allowed: a single "
                    + "experiment name (a study resumes by itself: its completed runs are reused)");
        }
        List<Object> plans = new ArrayList<>(); // validated first: a typo in the last spec stops the first training
        for (String name : names) plans.add(catalog.isStudy(name) ? StudyLoader.load(catalog, name) : catalog.load(name));

        List<ExperimentRunner.Result> runs = new ArrayList<>();
        List<StudyRunner.Result> results = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (plans.get(i) instanceof StudyLoader.Plan plan) {
                results.add(studies.run(plan));
                continue;
            }
            ExperimentSpec spec = (ExperimentSpec) plans.get(i);
            Path file = catalog.file(names.get(i));
            ExperimentRunner runner = new ExperimentRunner(options);
            ExperimentRunner.Result r = resuming
                    ? runner.resume(spec, file, resume.strip().equals("true") ? null : resume.strip())
                    : runner.run(spec, file);
            options.log().accept("Report: " + r.runDir().resolve(Reports.REPORT_JSON));
            runs.add(r);
        }
        return new Summary(runs, results);
    }

    /** Trains one experiment (not a study). */
    public ExperimentRunner.Result run(String name) {
        SpecCatalog catalog = catalog();
        return new ExperimentRunner(options).run(catalog.load(name), catalog.file(name));
    }

    /** Continues an interrupted run of experiment {@code name}: {@code runId}, or null for the newest one. */
    public ExperimentRunner.Result resume(String name, String runId) {
        SpecCatalog catalog = catalog();
        return new ExperimentRunner(options).resume(catalog.load(name), catalog.file(name), runId);
    }

    /**
     * Renders the first {@code count} test images of an experiment's dataset, with their labels, to
     * {@code reports/<experiment>/samples.png}.
     */
    public Path samples(String name, int count) {
        return samples(name, count, null);
    }

    /**
     * With {@code augmentedEpoch}: the first {@code count} training images instead, transformed as the spec's
     * {@code training.augmentation} transforms them in that epoch, to {@code reports/<experiment>/samples-augmented.png}.
     */
    public Path samples(String name, int count, Integer augmentedEpoch) {
        ExperimentSpec spec = catalog().load(name);
        if (augmentedEpoch != null && spec.training().augmentation() == null) {
            throw new IllegalArgumentException(catalog().file(name) + ": training.augmentation: missing; allowed: "
                    + "-Ddigits.augmented only for a spec that augments its training images");
        }
        Reports reports = new Reports(options.reportsDir());
        reports.checkWritable();
        DatasetLoader.Loaded data = new DatasetLoader(options.dataRoot(), options.dataDir(), options.log())
                .load(spec.dataset(), spec.model().output().classes(), spec.training().pairsAnew());
        Path png = reports.root().resolve(spec.name()).resolve(augmentedEpoch == null ? "samples.png"
                : "samples-augmented.png");
        try {
            Files.createDirectories(png.getParent());
            SampleSheet.write(augmentedEpoch == null ? data.split().test()
                    : augmented(spec, data.split(), count, augmentedEpoch), count, 8, png);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + png + ": " + e.getMessage(), e);
        }
        return png;
    }

    private static digits.data.LabeledImages augmented(ExperimentSpec spec, digits.data.DataSplit split, int count,
                                                       int epoch) {
        digits.data.LabeledImages train = split.train();
        var a = digits.train.Augmentation.of(spec.training(), train.rows(), train.cols());
        int n = Math.min(count, train.count()), size = train.size();
        if (spec.training().pairsAnew()) { // the epoch's new pairs, as the training loop composes them
            train = split.trainPairs().anew(spec.training().augmentation().newPairs(), spec.training().seed(), epoch)
                    .images(0, n);
        }
        byte[] pixels = new byte[n * size];
        for (int i = 0; i < n; i++) System.arraycopy(a.image(train, i, epoch), 0, pixels, i * size, size);
        return new digits.data.LabeledImages(n, train.rows(), train.cols(), pixels, train.first(n).labels(),
                train.pixelDivisor());
    }

    /** Times training and evaluation of each selected experiment; studies are skipped. */
    public List<Benchmark.Result> bench(String selection, int warmup, double warmupSeconds, int batches) {
        SpecCatalog catalog = catalog();
        List<String> experiments = catalog.select(selection).stream().filter(n -> !catalog.isStudy(n)).toList();
        List<ExperimentSpec> specs = experiments.stream().map(catalog::load).toList(); // all valid before the first
        Benchmark bench = new Benchmark(options);
        return specs.stream().map(s -> bench.run(s, warmup, warmupSeconds, batches)).toList();
    }

    /** MNIST fetched (or taken from {@code -Ddigits.dataDir}) and verified. */
    public Mnist.Files4 fetchData() {
        return new Mnist(options.dataRoot().resolve("mnist"), options.dataDir(), options.log()).obtain();
    }

    /** Rewrites every HTML page of the reports folder from the reports on disk; unreadable ones go to {@code warn}. */
    public ReportPages.Summary regeneratePages(Consumer<String> warn) {
        return ReportPages.regenerate(options.reportsDir(), warn);
    }
}
