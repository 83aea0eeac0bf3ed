package digits.report.html;

import digits.io.AtomicFiles;
import digits.io.FirstLine;
import digits.report.Reports;
import digits.report.RunReport;
import digits.report.StudyReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Writes the HTML pages of a reports folder: {@code report.html} beside each report.json, {@code study.html}
 * beside each study.json, and {@code index.html} at the top with the latest run of every experiment and study and
 * the history of each.
 * Pages are self-contained (CSS, JavaScript, data inline; images relative), so they open from disk offline.
 */
public final class ReportPages {

    public static final String REPORT_HTML = "report.html";
    public static final String STUDY_HTML = "study.html";
    public static final String STUDY_JSON = "study.json";
    public static final String INDEX_HTML = "index.html";
    /** report.json lies at most this deep below the reports folder (reports/study/runs/variant/run-id/). */
    private static final int DEPTH = 6;
    /** The index charts at most this many runs per experiment, the newest. */
    static final int HISTORY_LIMIT = 200;

    private ReportPages() {}

    /** What {@link #regenerate} did. */
    public record Summary(int runs, int studies, List<String> skipped, Path index) {}

    /**
     * Writes {@code report.html} into the run folder.
     *
     * @param indexRoot the reports folder whose index.html the page links to, or null for no link
     */
    public static Path writeRun(Path runDir, RunReport report, Path indexRoot) {
        String index = indexRoot == null ? null : Links.relative(runDir, indexRoot.resolve(INDEX_HTML));
        return write(runDir.resolve(REPORT_HTML), Templates.render("run", RunPage.of(report, runDir, index)));
    }

    public static Path writeStudy(Path studyDir, StudyReport report, Path reportsRoot) {
        String index = Links.relative(studyDir, reportsRoot.resolve(INDEX_HTML));
        return write(studyDir.resolve(STUDY_HTML),
                Templates.render("study", StudyPage.of(report, studyDir, reportsRoot, index)));
    }

    /** Writes {@code index.html} from the latest run of every experiment and study in {@code reportsRoot}. */
    public static Path writeIndex(Path reportsRoot) {
        return writeIndex(reportsRoot, new ArrayList<>());
    }

    private static Path writeIndex(Path root, List<String> skipped) {
        List<IndexPage.Entry> entries = new ArrayList<>();
        List<IndexPage.History> histories = new ArrayList<>();
        List<Chart> charts = new ArrayList<>();
        for (Path dir : list(root)) {
            Optional<Path> latest = latest(dir);
            if (latest.isEmpty()) continue;
            Path run = latest.get();
            try {
                if (Files.isRegularFile(run.resolve(STUDY_JSON))) {
                    StudyReport s = ReportFiles.study(run.resolve(STUDY_JSON));
                    entries.add(IndexPage.study(s, Links.relative(root, run.resolve(STUDY_HTML)), seconds(s)));
                } else {
                    RunReport r = ReportFiles.run(run.resolve(Reports.REPORT_JSON));
                    entries.add(IndexPage.run(r, Links.relative(root, run.resolve(REPORT_HTML))));
                }
            } catch (IOException | RuntimeException e) {
                skip(skipped, root.relativize(run) + ": " + FirstLine.of(e));
            }
            List<IndexPage.Run> runs = history(root, dir, skipped);
            if (!runs.isEmpty()) {
                histories.add(IndexPage.history(dir.getFileName().toString(), "history-" + histories.size(), runs,
                        charts));
            }
        }
        String generated = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC)
                .format(Instant.now());
        return write(root.resolve(INDEX_HTML), Templates.render("index", new IndexPage("digits · reports", generated,
                entries, histories, SafeJson.of(charts), List.copyOf(skipped))));
    }

    /** The newest {@link #HISTORY_LIMIT} runs of one experiment or study folder that have a readable report. */
    private static List<IndexPage.Run> history(Path root, Path dir, List<String> skipped) {
        List<Path> runDirs = list(dir).stream().filter(d -> {
            String n = d.getFileName().toString();
            return !n.equals(Reports.LATEST) && !n.equals("runs") && !n.startsWith(".");
        }).sorted(Comparator.comparing(Path::getFileName).reversed()).limit(HISTORY_LIMIT).toList();
        List<IndexPage.Run> runs = new ArrayList<>();
        for (Path run : runDirs) {
            try {
                if (Files.isRegularFile(run.resolve(STUDY_JSON))) {
                    runs.add(IndexPage.historyRun(ReportFiles.study(run.resolve(STUDY_JSON)),
                            Links.relative(root, run.resolve(STUDY_HTML))));
                } else if (Files.isRegularFile(run.resolve(Reports.REPORT_JSON))) {
                    runs.add(IndexPage.historyRun(ReportFiles.run(run.resolve(Reports.REPORT_JSON)),
                            Links.relative(root, run.resolve(REPORT_HTML))));
                }
            } catch (IOException | RuntimeException e) {
                skip(skipped, root.relativize(run) + ": " + FirstLine.of(e));
            }
        }
        return runs;
    }

    private static void skip(List<String> skipped, String why) {
        if (!skipped.contains(why)) skipped.add(why);
    }

    /**
     * Rewrites every run's report.html, every study.html and the index from what is on disk. A file that cannot
     * be read or rendered is reported through {@code warn} and skipped.
     */
    public static Summary regenerate(Path reportsRoot, Consumer<String> warn) {
        Path root = reportsRoot.toAbsolutePath().normalize();
        int runs = 0, studies = 0;
        List<String> skipped = new ArrayList<>();
        for (Path file : files(root)) {
            String name = file.getFileName().toString();
            Path dir = file.getParent();
            try {
                if (name.equals(Reports.REPORT_JSON)) {
                    writeRun(dir, ReportFiles.run(file), root);
                    runs++;
                } else {
                    writeStudy(dir, ReportFiles.study(file), root);
                    studies++;
                }
            } catch (IOException | RuntimeException e) {
                String why = root.relativize(file) + ": " + FirstLine.of(e);
                skipped.add(why);
                warn.accept("skipped " + why);
            }
        }
        return new Summary(runs, studies, skipped, writeIndex(root, new ArrayList<>()));
    }

    private static List<Path> files(Path root) {
        if (!Files.isDirectory(root)) return List.of();
        // Files.walk does not follow the `latest` links, so each run is visited once
        try (Stream<Path> s = Files.walk(root, DEPTH)) {
            return s.filter(Files::isRegularFile).filter(f -> {
                String n = f.getFileName().toString();
                return n.equals(Reports.REPORT_JSON) || n.equals(STUDY_JSON);
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
        }
    }

    private static List<Path> list(Path root) {
        if (!Files.isDirectory(root)) return List.of();
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * The run {@code <dir>/latest} names (a link, or a text file holding the id); without one, the newest run
     * folder holding a report.json or study.json.
     */
    static Optional<Path> latest(Path dir) {
        Path latest = dir.resolve(Reports.LATEST);
        try {
            if (Files.isDirectory(latest)) return Optional.of(latest.toRealPath());
            if (Files.isRegularFile(latest)) return Optional.of(dir.resolve(Files.readString(latest).strip()));
        } catch (IOException | RuntimeException e) {
            // fall back to the newest folder
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(d -> Files.isRegularFile(d.resolve(Reports.REPORT_JSON))
                    || Files.isRegularFile(d.resolve(STUDY_JSON))).max(Comparator.comparing(Path::getFileName));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static double seconds(StudyReport s) {
        try {
            return Duration.between(Instant.parse(s.started()), Instant.parse(s.finished())).toMillis() / 1000.0;
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private static Path write(Path file, String html) {
        try {
            AtomicFiles.write(file, html.getBytes(StandardCharsets.UTF_8));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
