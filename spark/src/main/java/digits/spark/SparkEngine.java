package digits.spark;

import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import digits.io.FirstLine;
import digits.report.Reports;
import digits.report.RunReport;
import digits.spec.ExperimentSpec;
import digits.study.RunEngine;
import digits.study.StudyException;
import digits.study.StudyRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * A study's runs as Spark tasks, one job of one task per run, so a run that fails for good stops nothing else and
 * each report comes back as soon as its run ends. Runs with a result of the same spec are reused without a task;
 * the reports folder is checked from every executor first.
 */
final class SparkEngine implements RunEngine {

    /** JSON on one line: the spec goes to a training JVM as the first line of its input. */
    static final ObjectWriter ONE_LINE = Reports.JSON.writer().without(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern RUN_FAILURE = Pattern.compile(RunFailedException.class.getName() + ": ([^\\n]*)");

    /** What the engine needs besides the context: the tasks' settings, less what each study fills in. */
    record Config(String master, TaskThreads threads, Map<String, String> properties, List<String> jvmArgs,
                  String experimentsDir, String dataRoot, String dataDir, long progressSeconds, String failOnce,
                  int attempts) {}

    private final JavaSparkContext sc;
    private final Config config;
    private final Consumer<String> log;

    SparkEngine(JavaSparkContext sc, Config config, Consumer<String> log) {
        this.sc = sc;
        this.config = config;
        this.log = log;
    }

    @Override
    public List<StudyRun.Outcome> execute(String study, Path specFile, Path reportsRoot, Path runsDir,
                                          List<ExperimentSpec> runs) {
        String app = sc.sc().applicationId();
        String marker;
        try {
            marker = SharedFolder.mark(runsDir, app);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write into " + runsDir + ": " + e.getMessage()
                    + "; choose another folder with -Ddigits.reportsDir", e);
        }
        try {
            probe(runsDir, marker, app);
            TaskSettings settings = new TaskSettings(study, specFile.toAbsolutePath().toString(), config.experimentsDir(),
                    config.dataRoot(), config.dataDir(), reportsRoot.toString(), marker, config.progressSeconds(),
                    config.master(), app, config.threads(), config.properties(), config.jvmArgs(), config.failOnce());
            return submit(study, reportsRoot, runsDir, runs, settings);
        } finally {
            try {
                Files.deleteIfExists(runsDir.resolve(marker));
            } catch (IOException ignored) {
                // a stale marker names an application that has ended; harmless
            }
        }
    }

    /** Every executor there is now sees the runs folder, or the study stops before anything trains. */
    private void probe(Path runsDir, String marker, String app) {
        int n = Math.max(1, sc.defaultParallelism());
        String dir = runsDir.toString();
        sc.setJobDescription("digits: reports folder check");
        List<String> problems = sc.parallelize(IntStream.range(0, n).boxed().toList(), n).map(i -> {
            SparkEnv env = SparkEnv.get();
            String problem = SharedFolder.problem(Path.of(dir), marker, app);
            return problem == null ? "" : SharedFolder.refusal(Path.of(dir), env.executorId(),
                    env.blockManager().blockManagerId().host(), problem);
        }).collect();
        Optional<String> first = problems.stream().filter(p -> !p.isEmpty()).findFirst();
        if (first.isPresent()) throw new StudyException(first.get());
    }

    private List<StudyRun.Outcome> submit(String study, Path reportsRoot, Path runsDir, List<ExperimentSpec> runs,
                                          TaskSettings settings) {
        int total = runs.size();
        StudyRun.Outcome[] outcomes = new StudyRun.Outcome[total];
        StudyProgress progress = new StudyProgress(study, total);
        Map<Integer, JavaFutureAction<List<TaskResult>>> open = new LinkedHashMap<>();
        for (int i = 0; i < total; i++) {
            Optional<Path> previous = StudyRun.result(runsDir, runs.get(i));
            if (previous.isPresent()) {
                outcomes[i] = new StudyRun.Outcome(read(previous.get()), previous.get(), StudyRun.How.reused);
                progress.reused();
                log.accept(String.format("[%d/%d] %s: reusing %s", progress.done(), total, runs.get(i).name(),
                        reportsRoot.relativize(previous.get())));
            }
        }
        sc.sc().addSparkListener(progress);
        Map<String, String> failures = new LinkedHashMap<>();
        try {
            sc.setJobGroup("digits " + study, "digits study " + study, true);
            for (int i = 0; i < total; i++) {
                if (outcomes[i] != null) continue;
                sc.setJobDescription(study + ": " + runs.get(i).name());
                String spec = ONE_LINE.writeValueAsString(runs.get(i));
                open.put(i, sc.parallelize(List.of(spec), 1).map(new RunTask(settings)).collectAsync());
            }
            log.accept(progress.line() + " (" + open.size() + " runs submitted to " + config.master() + ")");
            long interval = Duration.ofSeconds(Math.max(1, config.progressSeconds())).toNanos();
            long nextLine = System.nanoTime() + interval;
            while (!open.isEmpty()) {
                var it = open.entrySet().iterator();
                while (it.hasNext()) {
                    var e = it.next();
                    if (!e.getValue().isDone()) continue;
                    it.remove();
                    String name = runs.get(e.getKey()).name();
                    try {
                        TaskResult r = e.getValue().get().get(0);
                        RunReport report = Reports.JSON.readValue(r.reportJson(), RunReport.class);
                        outcomes[e.getKey()] = new StudyRun.Outcome(report, Path.of(r.reportPath()),
                                StudyRun.How.valueOf(r.how()));
                        progress.finished();
                        log.accept(String.format("[%d/%d] %s", progress.done(), total, describe(name, r, report)));
                    } catch (ExecutionException | IOException x) {
                        String why = reason(x);
                        failures.put(name, why);
                        progress.gaveUp();
                        log.accept(String.format("[%d/%d] %s failed for good: %s", progress.done(), total, name, why));
                    }
                    log.accept(progress.line());
                    nextLine = System.nanoTime() + interval;
                }
                if (System.nanoTime() >= nextLine) {
                    log.accept(progress.line());
                    nextLine = System.nanoTime() + interval;
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            sc.cancelJobGroup("digits " + study); // each training JVM stops as interrupted; a re-run continues it
            Thread.currentThread().interrupt();
            throw new StudyException("study " + study + " interrupted after " + progress.done() + " of " + total
                    + " runs; run it again to continue (completed runs are reused, interrupted ones continued)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            sc.sc().removeSparkListener(progress);
            sc.clearJobGroup();
        }
        if (!failures.isEmpty()) {
            StringBuilder why = new StringBuilder();
            failures.forEach((name, reason) -> why.append(why.isEmpty() ? "" : "; ").append(reason));
            throw new StudyException(String.format(Locale.ROOT, "study %s: %d of %d runs failed after %d attempt(s) "
                    + "each: %s. The other runs are kept; run the study again to retry the failed ones", study,
                    failures.size(), total, config.attempts(), why));
        }
        return List.of(outcomes);
    }

    /** {@code batch-64-s12322: completed on executor 1 (127.0.0.1), attempt 0, 14 s: dev 0.9412, test 0.9305}. */
    private static String describe(String name, TaskResult r, RunReport report) {
        String figures = report.test() == null ? "" : String.format(Locale.ROOT, ": dev %.4f, test %.4f",
                mean(report.epochs().get(report.epochs().size() - 1).devAccuracy()), mean(report.test().accuracy()));
        String how = r.how().equals("trained") ? report.status().name() : r.how() + ", " + report.status().name();
        return String.format(Locale.ROOT, "%s: %s on executor %s (%s), attempt %d, %.0f s%s", name, how, r.executor(),
                r.host(), r.attempt(), report.durationSeconds() == null ? 0.0 : report.durationSeconds(), figures);
    }

    /** The run's own one-line reason when its task said it, else the first line of Spark's. */
    static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            Matcher m = RUN_FAILURE.matcher(String.valueOf(t.getMessage()));
            if (m.find()) return m.group(1).strip();
        }
        Throwable root = e.getCause() == null ? e : e.getCause();
        return FirstLine.of(String.valueOf(root.getMessage()));
    }

    private static double mean(List<Double> perHead) {
        return perHead.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static RunReport read(Path reportJson) {
        try {
            return Reports.read(reportJson);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + reportJson + ": " + e.getMessage(), e);
        }
    }
}
