package digits.spark;

import digits.report.Reports;
import digits.report.RunReport;
import digits.report.StudyReport;
import digits.run.RunOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** A small study on real MNIST for the Spark tests: a 16-unit MLP on 2,000 images, two variants by two seeds. */
final class TinyStudy {

    static final String BASE = """
            name: tiny
            description: a 16-unit MLP on the first 2,000 training images
            dataset: {name: mnist, trainLimit: 2000, testLimit: 500}
            model:
              input: [1, 28, 28]
              layers:
                - {type: flatten}
                - {type: dense, units: 16}
                - {type: relu}
            training:
              optimizer: {type: sgd, learningRate: 0.1, momentum: 0.5}
              batchSize: 32
              epochs: EPOCHS
              seed: 7
            """;

    static final String STUDY = """
            name: tiny-study
            description: the tiny MLP at two learning rates, two seeds each
            study:
              base: tiny
              repeats: 2
              variants:
                - {name: lr-0.05, overrides: {training.optimizer.learningRate: 0.05}}
            """;

    /** The run names of {@link #STUDY}. */
    static final List<String> RUNS = List.of("base-s7", "base-s8", "lr-0.05-s7", "lr-0.05-s8");

    private TinyStudy() {}

    static Path root() {
        return Path.of(System.getProperty("digits.root", "..")).toAbsolutePath().normalize();
    }

    /** Writes the two spec files into {@code dir/experiments} and returns that folder. */
    static Path experiments(Path dir, int epochs) throws IOException {
        Path experiments = Files.createDirectories(dir.resolve("experiments"));
        Files.writeString(experiments.resolve("tiny.yaml"), BASE.replace("EPOCHS", String.valueOf(epochs)));
        Files.writeString(experiments.resolve("tiny-study.yaml"), STUDY);
        return experiments;
    }

    static RunOptions options(Path experiments, Path reports, Consumer<String> log) {
        return new RunOptions(experiments, root().resolve("data"), reports, null, false, Duration.ofSeconds(5), log);
    }

    /** Every run folder of the study: run name -> its folders (never a duplicate of a completed run). */
    static Map<String, List<Path>> runFolders(Path reports) throws IOException {
        Map<String, List<Path>> out = new TreeMap<>();
        Path runs = reports.resolve("tiny-study/runs");
        try (Stream<Path> names = Files.list(runs)) {
            for (Path name : names.filter(Files::isDirectory).toList()) {
                try (Stream<Path> dirs = Files.list(name)) {
                    out.put(name.getFileName().toString(), dirs.filter(d -> Files.isDirectory(d)
                            && !Files.isSymbolicLink(d)).sorted().toList());
                }
            }
        }
        return out;
    }

    static RunReport report(Path runDir) throws IOException {
        return Reports.read(runDir.resolve(Reports.REPORT_JSON));
    }

    /** Epochs of the Spark tests' runs: enough for an executor killed (SIGKILL, at once) to catch one in the middle. */
    static final int EPOCHS = 10;

    /**
     * Epochs for a test that must catch a run in the middle from outside its JVM: ten epochs of 1,800 images take
     * about 0.1 s on a 2-core machine with the direct training step, less than it takes to see a report and stop a
     * driver; 200 take 2 s.
     */
    static final int SLOW_EPOCHS = 200;

    private static final Map<Integer, Map<String, List<Double>>> sequential = new java.util.HashMap<>();

    /** {@link #sequential(int)} of {@link #EPOCHS}. */
    static Map<String, List<Double>> sequential() throws IOException {
        return sequential(EPOCHS);
    }

    /**
     * The study trained one run after another in this JVM, as digits:run does without a Spark master, with one
     * OpenMP thread (what each task gets on an executor of one core, or two tasks on two): every run's
     * {@link #fingerprint}, computed once per epoch count for all the tests.
     */
    static synchronized Map<String, List<Double>> sequential(int epochs) throws IOException {
        Map<String, List<Double>> known = sequential.get(epochs);
        if (known != null) return known;
        Path dir = Files.createTempDirectory("digits-sequential");
        Path reports = dir.resolve("reports");
        System.setProperty("digits.layerThreads", "1");
        try {
            StudyReport study = new digits.harness.Harness(options(experiments(dir, epochs), reports, l -> { }))
                    .runAll("tiny-study", null).studies().get(0).report();
            known = fingerprints(study, reports);
            sequential.put(epochs, known);
        } finally {
            System.clearProperty("digits.layerThreads");
        }
        org.apache.commons.io.file.PathUtils.deleteDirectory(dir);
        return known;
    }

    /**
     * Per run of a study: its figures in study.json (last dev accuracy, test accuracy), then from its report every
     * epoch's train loss, dev loss and dev accuracy, and the test loss: equal fingerprints are the same training,
     * bit for bit.
     */
    static Map<String, List<Double>> fingerprints(StudyReport study, Path reports) throws IOException {
        Map<String, List<Double>> out = new TreeMap<>();
        for (StudyReport.Row row : study.rows()) {
            for (StudyReport.RunRef run : row.runs()) {
                List<Double> f = new ArrayList<>(List.of(run.devAccuracy(), run.testAccuracy()));
                RunReport r = Reports.read(reports.resolve(run.report()));
                r.epochs().forEach(e -> f.addAll(List.of(e.trainLoss().get(0), e.devLoss().get(0),
                        e.devAccuracy().get(0))));
                f.add(r.test().loss().get(0));
                out.put(row.variant() + "-s" + run.seed(), f);
            }
        }
        return out;
    }

    /** Per run of the study: its last dev accuracy and test accuracy, as study.json holds them. */
    static Map<String, List<Double>> figures(StudyReport study) {
        Map<String, List<Double>> out = new TreeMap<>();
        for (StudyReport.Row row : study.rows()) {
            for (StudyReport.RunRef run : row.runs()) {
                out.put(row.variant() + "-s" + run.seed(), List.of(run.devAccuracy(), run.testAccuracy()));
            }
        }
        return out;
    }

    static StudyReport readStudy(Path studyJson) throws IOException {
        return Reports.JSON.readValue(studyJson.toFile(), StudyReport.class);
    }

    /**
     * local-cluster's workers launch executor JVMs through Spark's launcher, which wants {@code $SPARK_HOME/jars}
     * (the surefire configuration sets SPARK_HOME below target/); it may be empty.
     */
    static void sparkHome() throws IOException {
        Files.createDirectories(Path.of(System.getenv("SPARK_HOME"), "jars"));
    }

    /** Every report.json of the study's runs as it is now (a folder whose report is being replaced is skipped). */
    static Map<Path, RunReport> reportsNow(Path reports) {
        Map<Path, RunReport> out = new TreeMap<>();
        Path runs = reports.resolve("tiny-study/runs");
        if (!Files.isDirectory(runs)) return out;
        try (Stream<Path> files = Files.walk(runs, 3)) {
            for (Path f : files.filter(f -> f.getFileName().toString().equals(Reports.REPORT_JSON)).toList()) {
                try {
                    out.put(f.getParent(), Reports.read(f));
                } catch (IOException e) {
                    // between its creation and its first write
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // a folder appeared or went while listing: the next look sees it
        }
        return out;
    }

    static List<String> log() {
        return java.util.Collections.synchronizedList(new ArrayList<>());
    }
}
