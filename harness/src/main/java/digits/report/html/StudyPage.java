package digits.report.html;

import digits.report.Reports;
import digits.report.Stats;
import digits.report.StudyReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The view model of {@code study.html}: the comparison table, the bar chart, links to every run's page. */
public record StudyPage(String title, String study, String runId, String description, String base, int repeats,
                        boolean repeated, String started, String finished, String selected, String rule,
                        String significanceRule, List<Row> rows, List<Chart> charts, String chartsJson, String specYaml,
                        String indexHref) {

    public record Row(String variant, String overrides, String dev, String test, String deltaDev, String pDev,
                      String deltaTest, String pTest, String seconds, boolean selected, List<RunLink> runs) {}

    public record RunLink(String label, String href, Badge status) {}

    /**
     * @param studyDir    the folder of study.json (links to runs are relative to it)
     * @param reportsRoot the folder the runs' {@code report} paths are relative to
     */
    public static StudyPage of(StudyReport s, Path studyDir, Path reportsRoot, String indexHref) {
        boolean repeated = s.repeats() > 1;
        List<StudyReport.Row> rows = s.rows() == null ? List.of() : s.rows();
        List<Row> out = new ArrayList<>();
        for (StudyReport.Row r : rows) {
            out.add(new Row(Fmt.or(r.variant()), overrides(r), stats(r.dev(), repeated), stats(r.test(), repeated),
                    delta(r.deltaDev(), r.devBeyondSpread()), p(r.devP()), delta(r.deltaTest(), r.testBeyondSpread()),
                    p(r.testP()),
                    String.format(Locale.ROOT, "%.0f", r.seconds()), r.selected(), runs(r, studyDir, reportsRoot)));
        }
        List<String> names = rows.stream().map(r -> Fmt.or(r.variant())).toList();
        List<Chart> charts = rows.isEmpty() ? List.of() : List.of(Chart.bars("accuracy", "Accuracy per variant",
                repeated ? "mean accuracy over seeds" : "accuracy", names, List.of(
                        new Chart.Series("dev", Chart.DEV, false, false, rows.stream().map(r -> mean(r.dev())).toList()),
                        new Chart.Series("test", Chart.TEST, false, false,
                                rows.stream().map(r -> mean(r.test())).toList()))));
        var sel = s.selection();
        return new StudyPage(Fmt.or(s.study()) + " · " + Fmt.or(s.runId()), Fmt.or(s.study()), Fmt.or(s.runId()),
                s.description(), Fmt.or(s.base()), s.repeats(), repeated, Fmt.date(s.started()), Fmt.date(s.finished()),
                sel == null ? Fmt.NONE : Fmt.or(sel.variant()), sel == null ? StudyReport.RULE : Fmt.or(sel.rule()),
                s.significance() == null ? StudyReport.LEGACY_SPREAD_RULE : s.significance(), out, charts, SafeJson.of(charts), RunPage.yaml(s.spec()), indexHref);
    }

    private static String overrides(StudyReport.Row r) {
        if (r.overrides() == null || r.overrides().isEmpty()) return "(base)";
        return r.overrides().entrySet().stream().map(e -> e.getKey() + " = " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    /** The bar's height; none where every seed of the variant diverged. */
    private static Double mean(Stats s) {
        return s == null || !Fmt.present(s.mean()) ? null : s.mean();
    }

    private static String stats(Stats s, boolean repeated) {
        if (s == null) return Fmt.NONE;
        return repeated ? Fmt.acc(s.mean()) + " ± " + Fmt.acc(s.std()) : Fmt.acc(s.mean());
    }

    /** Three significant digits; a dash for the base row, one seed, or a study written before p-values. */
    private static String p(Double p) {
        return Fmt.present(p) ? String.format(Locale.ROOT, "%.3g", p) : Fmt.NONE;
    }

    private static String delta(double d, boolean beyondSpread) {
        return Fmt.signed(d) + (beyondSpread ? "*" : "");
    }

    private static List<RunLink> runs(StudyReport.Row r, Path studyDir, Path reportsRoot) {
        if (r.runs() == null) return List.of();
        return r.runs().stream().map(run -> new RunLink("seed " + run.seed(), href(run.report(), studyDir, reportsRoot),
                Badge.status(run.status()))).toList();
    }

    /** The run's report.html relative to the study page (forward slashes, as a URL). */
    static String href(String report, Path studyDir, Path reportsRoot) {
        if (report == null) return null;
        Path page = reportsRoot.resolve(report).resolveSibling(ReportPages.REPORT_HTML);
        if (!page.getFileName().toString().equals(ReportPages.REPORT_HTML) || !report.endsWith(Reports.REPORT_JSON)) {
            return null;
        }
        return Links.relative(studyDir, page);
    }
}
