package digits.report.html;

import digits.report.RunReport;
import digits.report.StudyReport;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The view model of {@code reports/index.html}: one row per experiment or study (its latest run), and per
 * experiment or study its history, test accuracy run after run with the date and commit of each.
 */
public record IndexPage(String title, String generated, List<Entry> entries, List<History> histories,
                        String chartsJson, List<String> skipped) {

    public boolean hasEntries() {
        return entries != null && !entries.isEmpty();
    }

    public boolean hasHistories() {
        return histories != null && !histories.isEmpty();
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
                        String dateKey, String note) {

        /** Studies are marked as such in the experiment column. */
        public boolean studyRow() {
            return "study".equals(kind);
        }
    }

    /** The runs of one experiment or study, newest first, and the id of the chart that draws them. */
    public record History(String name, String chartId, int count, List<Point> points) {}

    /**
     * One run in a history: when it started, the commit it ran (short; the full one in {@code commitFull}), its
     * page and its test accuracy (per head, or the selected variant's for a study).
     */
    public record Point(String date, String commit, String commitFull, String runId, String href, Badge status,
                        String testAccuracy) {}

    /** A run (or a study run) read for the history: its start, commit and test accuracy per head. */
    record Run(String runId, String href, String started, String commit, Object status, List<Double> accuracy,
               Double threshold) {

        Long epochSeconds() {
            try {
                return started == null ? null : Instant.parse(started).getEpochSecond();
            } catch (DateTimeParseException e) {
                return null;
            }
        }
    }

    static Run historyRun(RunReport r, String href) {
        return new Run(r.runId(), href, r.started(), r.environment() == null ? null : r.environment().gitCommit(),
                r.status(), r.test() == null ? null : r.test().accuracy(), threshold(r));
    }

    static Run historyRun(StudyReport s, String href) {
        return new Run(s.runId(), href, s.started(), null, "completed",
                s.selection() == null ? null : List.of(s.selection().testAccuracy()), null);
    }

    /**
     * The history of one experiment from its runs (any order): a chart of test accuracy over time, per head, with
     * the threshold, and the runs newest first. Runs without a start time are left out of the chart.
     */
    static History history(String name, String chartId, List<Run> runs, List<Chart> charts) {
        List<Run> timed = new ArrayList<>(runs.stream().filter(r -> r.epochSeconds() != null).toList());
        timed.sort((a, b) -> Long.compare(a.epochSeconds(), b.epochSeconds()));
        int heads = timed.stream().mapToInt(r -> r.accuracy() == null ? 0 : r.accuracy().size()).max().orElse(0);
        List<Long> x = timed.stream().map(Run::epochSeconds).toList();
        List<String> labels = timed.stream().map(r -> Fmt.date(r.started()) + " · " + shortCommit(r.commit()) + " · "
                + Fmt.or(r.runId())).toList();
        List<Chart.Series> series = new ArrayList<>();
        for (int h = 0; h < heads; h++) {
            final int head = h;
            series.add(new Chart.Series(heads > 1 ? "test (head " + (h + 1) + ")" : "test accuracy", Chart.TEST, h > 0,
                    false, timed.stream().map(r -> r.accuracy() == null || head >= r.accuracy().size() ? null
                            : r.accuracy().get(head)).toList()));
        }
        List<Double> thresholds = timed.stream().map(Run::threshold).toList();
        if (thresholds.stream().anyMatch(Fmt::present)) {
            series.add(new Chart.Series("threshold", Chart.THRESHOLD, true, false, thresholds));
        }
        if (!timed.isEmpty() && heads > 0) charts.add(Chart.history(chartId, name, x, labels, series));

        List<Run> newestFirst = new ArrayList<>(runs);
        newestFirst.sort((a, b) -> String.valueOf(b.started()).compareTo(String.valueOf(a.started())));
        List<Point> points = newestFirst.stream().map(r -> new Point(Fmt.shortDate(r.started()), shortCommit(r.commit()),
                Fmt.or(r.commit()), Fmt.or(r.runId()), r.href(), Badge.status(r.status()),
                Fmt.perHead(r.accuracy()))).toList();
        return new History(name, chartId, points.size(), points);
    }

    /** The first 7 hex digits, as git abbreviates them, keeping a "-dirty" mark. */
    static String shortCommit(String commit) {
        if (commit == null || commit.isBlank()) return Fmt.NONE;
        boolean dirty = commit.endsWith("-dirty");
        String hash = dirty ? commit.substring(0, commit.length() - "-dirty".length()) : commit;
        return (hash.length() > 7 ? hash.substring(0, 7) : hash) + (dirty ? "-dirty" : "");
    }

    private static Double threshold(RunReport r) {
        return r.acceptance() != null && !r.acceptance().isEmpty() ? r.acceptance().get(0).threshold()
                : r.spec() != null && r.spec().acceptance() != null ? r.spec().acceptance().testAccuracyAbove() : null;
    }

    static Entry run(RunReport r, String href) {
        var test = r.test();
        Double acc = test == null ? null : Fmt.mean(test.accuracy());
        List<RunReport.ReferenceDelta> seedAcc = r.reference() == null ? List.of()
                : r.reference().stream().filter(d -> "testAccuracy".equals(d.metric())).toList();
        List<Double> seeds = seedAcc.stream().map(RunReport.ReferenceDelta::seed).toList();
        List<Double> deltas = seedAcc.stream().map(RunReport.ReferenceDelta::delta).toList();
        Double meanDelta = Fmt.mean(deltas);
        Double limit = threshold(r);
        String threshold = limit == null ? Fmt.NONE : "> " + Fmt.acc(limit);
        return new Entry(Fmt.or(r.experiment()), "run", href, Fmt.or(r.runId()), Badge.status(r.status()),
                test == null ? Fmt.NONE : Fmt.perHead(test.accuracy()), Fmt.key(acc), threshold,
                Badge.verdict(r.passed()), Fmt.perHead(seeds), Fmt.key(Fmt.mean(seeds)), deltas.isEmpty() ? Fmt.NONE
                : String.join(" / ", deltas.stream().map(Fmt::signed).toList()), Fmt.key(meanDelta),
                !Fmt.present(meanDelta) ? "" : meanDelta >= 0 ? "good-text" : "bad-text",
                Fmt.duration(r.durationSeconds()), Fmt.key(r.durationSeconds()), Fmt.shortDate(r.started()),
                r.started() == null ? "" : r.started(), r.message());
    }

    static Entry study(StudyReport s, String href, double seconds) {
        var sel = s.selection();
        Double acc = sel == null ? null : sel.testAccuracy();
        return new Entry(Fmt.or(s.study()), "study", href, Fmt.or(s.runId()), Badge.status("completed"),
                Fmt.acc(acc), Fmt.key(acc), Fmt.NONE, Badge.verdict(null), Fmt.NONE, "", Fmt.NONE, "", "",
                Fmt.duration(seconds), Fmt.key(seconds), Fmt.shortDate(s.started()),
                s.started() == null ? "" : s.started(), sel == null ? null : "selected on dev: " + sel.variant());
    }
}
