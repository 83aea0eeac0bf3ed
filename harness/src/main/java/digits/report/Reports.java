package digits.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import digits.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The reports folder: {@code reports/<experiment>/<run-id>/report.json}, one new folder per run (never
 * reused), and {@code reports/<experiment>/latest} pointing at the newest.
 */
public final class Reports {

    public static final String REPORT_JSON = "report.json";
    public static final String LATEST = "latest";
    /** Folder name of ensemble members 2, 3, ... inside a run folder: {@code member-2}, ... */
    public static final String MEMBER_PREFIX = "member-";
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Path root;

    public Reports(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** Fails now, before any training, if runs cannot be written here. */
    public void checkWritable() {
        try {
            Files.createDirectories(root);
            Path probe = Files.createTempFile(root, ".write-check", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new UncheckedIOException("the reports folder " + root + " is not writable (" + e.getMessage()
                    + "); choose another with -Ddigits.reportsDir", e);
        }
    }

    /** Creates a fresh run folder; an existing one is never reused. */
    public Path newRunDir(String experiment) {
        Path dir = root.resolve(experiment);
        String base = ZonedDateTime.now(ZoneOffset.UTC).format(RUN_ID);
        try {
            Files.createDirectories(dir);
            for (int i = 1; ; i++) {
                Path run = dir.resolve(i == 1 ? base : base + "-" + i);
                try {
                    return Files.createDirectory(run);
                } catch (FileAlreadyExistsException e) {
                    // another run started in the same second: take the next suffix
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a run folder in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** An existing run folder of an experiment by its id (a plain name, never a path), or null. */
    public Path existingRunDir(String experiment, String runId) {
        if (!runId.matches("[0-9A-Za-z][0-9A-Za-z._-]*") || runId.contains("..")) return null;
        Path run = root.resolve(experiment).resolve(runId);
        return Files.isDirectory(run) ? run : null;
    }

    /**
     * The newest run of an experiment that did not complete, has a checkpoint to continue from and was not
     * continued already (no newer run names it in {@code resumedFrom}), or null.
     */
    public Path newestUnfinished(String experiment) {
        java.util.List<String> ids = runIds(experiment);
        java.util.Set<String> continued = new java.util.HashSet<>();
        for (int i = ids.size() - 1; i >= 0; i--) {
            Path run = root.resolve(experiment).resolve(ids.get(i));
            RunReport report = readIfPresent(run);
            if (report != null && report.resumedFrom() != null) continued.add(report.resumedFrom());
            boolean unfinished = report == null || report.status() != RunReport.Status.completed;
            if (unfinished && Files.isRegularFile(run.resolve("checkpoint.json"))
                    && !continued.contains(experiment + "/" + ids.get(i))) {
                return run;
            }
        }
        return null;
    }

    /**
     * Where ensemble member {@code member} (from 1) of a run keeps its checkpoint and networks: the run folder itself
     * for the first (so a run of one network looks as it always has), {@code member-N} inside it for the others.
     */
    public static Path memberDir(Path runDir, int member) {
        return member == 1 ? runDir : runDir.resolve(MEMBER_PREFIX + member);
    }

    /** Run folder names of an experiment, oldest first (ids sort by time). */
    public java.util.List<String> runIds(String experiment) {
        Path dir = root.resolve(experiment);
        if (!Files.isDirectory(dir)) return java.util.List.of();
        try (var s = Files.list(dir)) {
            return s.filter(p -> Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".") && !n.equals("runs"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    public static void write(Path runDir, RunReport report) {
        try {
            AtomicFiles.write(runDir.resolve(REPORT_JSON), JSON.writeValueAsBytes(report));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + runDir.resolve(REPORT_JSON) + ": " + e.getMessage(), e);
        }
    }

    public static RunReport read(Path reportJson) throws IOException {
        return JSON.readValue(reportJson.toFile(), RunReport.class);
    }

    /** A run folder's report, or null when there is none or it cannot be read (killed before its first write). */
    public static RunReport readIfPresent(Path runDir) {
        try {
            return read(runDir.resolve(REPORT_JSON));
        } catch (IOException e) {
            return null;
        }
    }

    /** Points {@code <experiment>/latest} at the run: a relative symlink, or a text file where links are not allowed. */
    public static void markLatest(Path runDir) {
        Path latest = runDir.getParent().resolve(LATEST);
        try {
            Path tmp = runDir.getParent().resolve("." + LATEST + "." + ProcessHandle.current().pid());
            Files.deleteIfExists(tmp);
            try {
                Files.createSymbolicLink(tmp, runDir.getFileName());
            } catch (UnsupportedOperationException | IOException e) {
                Files.writeString(tmp, runDir.getFileName().toString() + System.lineSeparator());
            }
            AtomicFiles.moveIntoPlace(tmp, latest);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update " + latest + ": " + e.getMessage(), e);
        }
    }
}
