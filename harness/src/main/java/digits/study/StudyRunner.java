package digits.study;

import com.github.freva.asciitable.AsciiTable;
import com.github.freva.asciitable.Column;
import com.github.freva.asciitable.HorizontalAlign;
import digits.io.AtomicFiles;
import digits.report.Reports;
import digits.report.RunReport;
import digits.report.Stats;
import digits.report.StudyReport;
import digits.report.html.ReportPages;
import digits.run.ExperimentRunner;
import digits.run.RunOptions;
import digits.spec.ExperimentSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Runs every variant of a study for every seed (each a normal run with its own report.json under
 * {@code reports/<study>/runs/<variant>-s<seed>/}), then writes {@code reports/<study>/<run-id>/study.json} and
 * prints the comparison. A completed run of the same spec (same hash) is reused and an interrupted one continued
 * ({@link StudyRun}), so an interrupted study continues where it stopped. The runs train one after another in this
 * JVM, or on another {@link RunEngine} (digits-spark).
 */
public final class StudyRunner {

    private final RunOptions options;
    private final RunEngine engine;

    public StudyRunner(RunOptions options) {
        this(options, null);
    }

    /** @param engine where the runs train; null: one after another in this JVM */
    public StudyRunner(RunOptions options, RunEngine engine) {
        this.options = options;
        this.engine = engine == null ? this::inProcess : engine;
    }

    public record Result(StudyReport report, Path dir, String table) {}

    public Result run(StudyLoader.Plan plan) {
        String study = plan.spec().name();
        Reports reports = new Reports(options.reportsDir());
        reports.checkWritable();
        Path runsDir = runsDir(reports.root(), study);
        Instant started = Instant.now();
        List<ExperimentSpec> specs = plan.variants().stream().flatMap(v -> v.runs().stream()).toList();
        List<StudyRun.Outcome> outcomes = engine.execute(study, plan.file(), reports.root(), runsDir, specs);

        List<StudyReport.Row> rows = new ArrayList<>();
        List<List<StudyReport.RunRef>> refs = new ArrayList<>();
        int next = 0;
        for (StudyLoader.Variant v : plan.variants()) {
            List<StudyReport.RunRef> runs = new ArrayList<>();
            for (ExperimentSpec spec : v.runs()) {
                StudyRun.Outcome o = outcomes.get(next++);
                RunReport r = o.report();
                runs.add(new StudyReport.RunRef(spec.training().seed(),
                        reports.root().relativize(o.reportFile()).toString(), r.status().name(), devAccuracy(r),
                        testAccuracy(r), r.durationSeconds(), o.how() == StudyRun.How.reused));
            }
            refs.add(runs);
        }
        List<Double> baseDev = devs(refs.get(0)), baseTest = tests(refs.get(0));
        int best = 0;
        List<Stats[]> stats = new ArrayList<>();
        for (int i = 0; i < refs.size(); i++) {
            Stats dev = Stats.of(devs(refs.get(i)));
            Stats test = Stats.of(tests(refs.get(i)));
            stats.add(new Stats[] {dev, test});
            if (dev.mean() > stats.get(best)[0].mean()) best = i; // chosen on dev only
        }
        for (int i = 0; i < refs.size(); i++) {
            Stats dev = stats.get(i)[0], test = stats.get(i)[1];
            StudyLoader.Variant v = plan.variants().get(i);
            double seconds = refs.get(i).stream().mapToDouble(StudyReport.RunRef::seconds).average().orElse(0);
            // the base is the reference, not a comparison with itself
            Double devP = i == 0 ? null : Significance.pValue(devs(refs.get(i)), baseDev);
            Double testP = i == 0 ? null : Significance.pValue(tests(refs.get(i)), baseTest);
            rows.add(new StudyReport.Row(v.name(), v.overrides(), dev, test, dev.mean() - stats.get(0)[0].mean(),
                    test.mean() - stats.get(0)[1].mean(), devP, testP, significant(devP), significant(testP), seconds,
                    i == best, refs.get(i)));
        }
        StudyReport.Row chosen = rows.get(best);
        Path dir = reports.newRunDir(study);
        StudyReport report = new StudyReport(StudyReport.FORMAT, study, dir.getFileName().toString(),
                plan.spec().description(), plan.base().name(), plan.spec().study().repeats(), started.toString(),
                Instant.now().toString(), new StudyReport.Selection(chosen.variant(), chosen.dev().mean(),
                chosen.test().mean(), StudyReport.RULE), StudyReport.SIGNIFICANCE_RULE, rows, plan.spec());
        try {
            AtomicFiles.write(dir.resolve("study.json"), Reports.JSON.writeValueAsBytes(report));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve("study.json") + ": " + e.getMessage(), e);
        }
        Reports.markLatest(dir);
        writePages(dir, report, reports.root());
        String table = table(report);
        table.lines().forEach(options.log());
        options.log().accept("Selected on dev: " + chosen.variant() + String.format(Locale.ROOT,
                " (dev %.4f, test %.4f); p: Welch's t-test against the base, * = p < %s", chosen.dev().mean(),
                chosen.test().mean(), StudyReport.ALPHA));
        options.log().accept("Study report: " + dir.resolve("study.json"));
        return new Result(report, dir, table);
    }

    /** The folder a study's runs live in: {@code <reports>/<study>/runs}. */
    public static Path runsDir(Path reportsRoot, String study) {
        return reportsRoot.resolve(study).resolve("runs");
    }

    /** One run after another in this JVM, each reused, continued or trained as {@link StudyRun#obtain} decides. */
    private List<StudyRun.Outcome> inProcess(String study, Path specFile, Path reportsRoot, Path runsDir,
                                             List<ExperimentSpec> runs) {
        ExperimentRunner runner = new ExperimentRunner(options.withReportsDir(runsDir), reportsRoot);
        List<StudyRun.Outcome> out = new ArrayList<>();
        for (ExperimentSpec spec : runs) {
            String at = String.format("[%d/%d] %s", out.size() + 1, runs.size(), spec.name());
            Optional<Path> previous = StudyRun.result(runsDir, spec);
            options.log().accept(previous.map(p -> at + ": reusing " + reportsRoot.relativize(p)).orElse(at));
            out.add(StudyRun.obtain(runner, runsDir, spec, specFile, null, options.log()));
        }
        return out;
    }

    /** study.html and the refreshed index; pages are views, so a rendering problem is a warning, not a failure. */
    private void writePages(Path dir, StudyReport report, Path root) {
        try {
            ReportPages.writeStudy(dir, report, root);
            ReportPages.writeIndex(root);
        } catch (RuntimeException | LinkageError e) {
            options.log().accept("warning: cannot write the study's HTML pages in " + dir + ": " + e);
        }
    }

    /** The one-screen comparison: variant, dev, test, delta and its p-value, seconds. */
    public static String table(StudyReport report) {
        boolean repeated = report.repeats() > 1;
        return AsciiTable.getTable(AsciiTable.BASIC_ASCII_NO_DATA_SEPARATORS, report.rows(), List.of(
                new Column().header("variant").dataAlign(HorizontalAlign.LEFT)
                        .with(r -> (r.selected() ? "> " : "  ") + r.variant()),
                new Column().header(repeated ? "dev acc (mean ± std)" : "dev acc").with(r -> fmt(r.dev(), repeated)),
                new Column().header(repeated ? "test acc (mean ± std)" : "test acc").with(r -> fmt(r.test(), repeated)),
                new Column().header("Δ dev").with(r -> delta(r.deltaDev(), r.devBeyondSpread())),
                new Column().header("p dev").with(r -> p(r.devP())),
                new Column().header("Δ test").with(r -> delta(r.deltaTest(), r.testBeyondSpread())),
                new Column().header("p test").with(r -> p(r.testP())),
                new Column().header("s/run").with(r -> String.format(Locale.ROOT, "%.0f", r.seconds()))));
    }

    private static String fmt(Stats s, boolean repeated) {
        return repeated ? String.format(Locale.ROOT, "%.4f ± %.4f", s.mean(), s.std())
                : String.format(Locale.ROOT, "%.4f", s.mean());
    }

    private static String delta(double d, boolean beyond) {
        return String.format(Locale.ROOT, "%+.4f%s", d, beyond ? "*" : " ");
    }

    /** Three significant digits: 0.0349, 0.573; "-" where there is no test (the base, one seed). */
    static String p(Double p) {
        return p == null ? "-" : String.format(Locale.ROOT, "%.3g", p);
    }

    private static boolean significant(Double p) {
        return p != null && p < StudyReport.ALPHA;
    }

    /** The seeds' dev accuracies; a diverged run (NaN) has none, and the statistics are over the others. */
    private static List<Double> devs(List<StudyReport.RunRef> runs) {
        return runs.stream().map(StudyReport.RunRef::devAccuracy).filter(Double::isFinite).toList();
    }

    private static List<Double> tests(List<StudyReport.RunRef> runs) {
        return runs.stream().map(StudyReport.RunRef::testAccuracy).filter(Double::isFinite).toList();
    }

    /**
     * The last epoch's dev accuracy (mean over heads); NaN for a run that diverged (it has no figure to compare,
     * and a NaN mean is never selected).
     */
    static double devAccuracy(RunReport r) {
        if (r.status() != RunReport.Status.completed || r.epochs().isEmpty()) return Double.NaN;
        return mean(r.epochs().get(r.epochs().size() - 1).devAccuracy());
    }

    static double testAccuracy(RunReport r) {
        return r.status() != RunReport.Status.completed || r.test() == null ? Double.NaN : mean(r.test().accuracy());
    }

    private static double mean(List<Double> perHead) {
        return perHead.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}
