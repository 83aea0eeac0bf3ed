package digits.report.html;

import digits.report.RunReport;
import digits.study.StudyReport;
import java.util.List;

/** The view model of {@code reports/index.html}: one row per experiment or study, its latest run. */
public record IndexPage(String title, String generated, List<Entry> entries, List<String> skipped) {

    public boolean hasEntries() {
        return entries != null && !entries.isEmpty();
    }

    public boolean hasSkipped() {
        return skipped != null && !skipped.isEmpty();
    }

    /**
     * One row. The {@code *Key} fields are what the column sorts by (numbers as plain decimals; empty sorts last).
     */
    public record Entry(String name, String kind, String href, String runId, Badge status, String testAccuracy,
                        String testAccuracyKey, String threshold, Badge verdict, String seed, String seedKey, String delta,
                        String deltaKey, String deltaCss, String duration, String durationKey, String date,
                        String dateKey, String note) {}

    static Entry run(RunReport r, String href) {
        var test = r.test();
        Double acc = test == null ? null : Fmt.mean(test.accuracy());
        List<RunReport.ReferenceDelta> seedAcc = r.reference() == null ? List.of()
                : r.reference().stream().filter(d -> "testAccuracy".equals(d.metric())).toList();
        List<Double> seeds = seedAcc.stream().map(RunReport.ReferenceDelta::seed).toList();
        List<Double> deltas = seedAcc.stream().map(RunReport.ReferenceDelta::delta).toList();
        Double meanDelta = Fmt.mean(deltas);
        Double limit = r.acceptance() != null && !r.acceptance().isEmpty() ? r.acceptance().get(0).threshold()
                : r.spec() != null && r.spec().acceptance() != null ? r.spec().acceptance().testAccuracyAbove() : null;
        String threshold = limit == null ? Fmt.NONE : "> " + Fmt.acc(limit);
        return new Entry(Fmt.or(r.experiment()), "run", href, Fmt.or(r.runId()), Badge.status(r.status()),
                test == null ? Fmt.NONE : Fmt.perHead(test.accuracy()), Fmt.key(acc), threshold,
                Badge.verdict(r.passed()), Fmt.perHead(seeds), Fmt.key(Fmt.mean(seeds)), deltas.isEmpty() ? Fmt.NONE
                : String.join(" / ", deltas.stream().map(Fmt::signed).toList()), Fmt.key(meanDelta),
                !Fmt.present(meanDelta) ? "" : meanDelta >= 0 ? "good-text" : "bad-text",
                Fmt.duration(r.durationSeconds()), Fmt.key(r.durationSeconds()), Fmt.date(r.started()),
                r.started() == null ? "" : r.started(), r.message());
    }

    static Entry study(StudyReport s, String href, double seconds) {
        var sel = s.selection();
        Double acc = sel == null ? null : sel.testAccuracy();
        return new Entry(Fmt.or(s.study()), "study", href, Fmt.or(s.runId()), Badge.status("completed"),
                Fmt.acc(acc), Fmt.key(acc), Fmt.NONE, Badge.verdict(null), Fmt.NONE, "", Fmt.NONE, "", "",
                Fmt.duration(seconds), Fmt.key(seconds), Fmt.date(s.started()), s.started() == null ? "" : s.started(),
                sel == null ? null : "selected on dev: " + sel.variant());
    }
}
