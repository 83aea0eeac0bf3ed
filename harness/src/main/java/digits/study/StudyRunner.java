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
import digits.spec.SpecHash;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Runs every variant of a study for every seed (each a normal run with its own report.json under
 * {@code reports/<study>/runs/<variant>-s<seed>/}), then writes {@code reports/<study>/<run-id>/study.json} and
 * prints the comparison. A completed run of the same spec (same hash) is reused, so an interrupted study
 * continues where it stopped.
 */
public final class StudyRunner {

    private final RunOptions options;

    public StudyRunner(RunOptions options) {
        this.options = options;
    }

    public record Result(StudyReport report, Path dir, String table) {}

    public Result run(StudyLoader.Plan plan) {
        String study = plan.spec().name();
        Reports reports = new Reports(options.reportsDir());
        reports.checkWritable();
        Path runsDir = reports.root().resolve(study).resolve("runs");
        ExperimentRunner runner = new ExperimentRunner(options.withReportsDir(runsDir), reports.root());
        Instant started = Instant.now();
        int total = plan.variants().stream().mapToInt(v -> v.runs().size()).sum();
        int done = 0;

        List<StudyReport.Row> rows = new ArrayList<>();
        List<List<StudyReport.RunRef>> refs = new ArrayList<>();
        for (StudyLoader.Variant v : plan.variants()) {
            List<StudyReport.RunRef> runs = new ArrayList<>();
            for (ExperimentSpec spec : v.runs()) {
                done++;
                Optional<Path> previous = completedRun(runsDir.resolve(spec.name()), SpecHash.of(spec));
                Path reportFile;
                boolean reused = previous.isPresent();
                if (reused) {
                    reportFile = previous.get();
                    options.log().accept(String.format("[%d/%d] %s: reusing %s", done, total, spec.name(),
                            reports.root().relativize(reportFile)));
                } else {
                    options.log().accept(String.format("[%d/%d] %s", done, total, spec.name()));
                    reportFile = runner.run(spec, plan.file()).runDir().resolve(Reports.REPORT_JSON);
                }
                RunReport r = read(reportFile);
                runs.add(new StudyReport.RunRef(spec.training().seed(), reports.root().relativize(reportFile).toString(),
                        r.status().name(), mean(r.epochs().get(r.epochs().size() - 1).devAccuracy()),
                        mean(r.test().accuracy()), r.durationSeconds(), reused));
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

    private static List<Double> devs(List<StudyReport.RunRef> runs) {
        return runs.stream().map(StudyReport.RunRef::devAccuracy).toList();
    }

    private static List<Double> tests(List<StudyReport.RunRef> runs) {
        return runs.stream().map(StudyReport.RunRef::testAccuracy).toList();
    }

    private static double mean(List<Double> perHead) {
        return perHead.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static RunReport read(Path f) {
        try {
            return Reports.read(f);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    /** The newest completed report.json below {@code dir} whose spec hash is {@code hash}. */
    static Optional<Path> completedRun(Path dir, String hash) {
        if (!Files.isDirectory(dir)) return Optional.empty();
        try (Stream<Path> runs = Files.list(dir)) {
            return runs.filter(Files::isDirectory).map(d -> d.resolve(Reports.REPORT_JSON)).filter(Files::isRegularFile)
                    .filter(f -> {
                        try {
                            RunReport r = Reports.read(f);
                            return r.status() == RunReport.Status.completed && hash.equals(r.specSha256());
                        } catch (IOException | RuntimeException e) {
                            return false;
                        }
                    })
                    .max(Comparator.comparing(Path::toString));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
