package digits.study;

import digits.report.Reports;
import digits.report.RunReport;
import digits.run.ExperimentRunner;
import digits.spec.ExperimentSpec;
import digits.spec.SpecHash;
import digits.train.Checkpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One run of a study, wherever it trains (the study's JVM, or a Spark task's): a completed run of the same spec (same
 * hash) is reused; an unfinished one (Ctrl-C, a killed executor or driver) is continued from its last checkpoint, in a
 * new folder that names it in {@code resumedFrom}; otherwise the run starts afresh in a new folder. A run that diverges
 * is a result (status diverged), never a failure to retry.
 */
public final class StudyRun {

    /** How a run's report was obtained. */
    public enum How { reused, resumed, trained }

    /** A run's report, the report.json it was read from or written to, and how it was obtained. */
    public record Outcome(RunReport report, Path reportFile, How how) {}

    private StudyRun() {}

    /**
     * Reuses, continues or trains {@code spec}.
     *
     * @param runner    an experiment runner whose reports folder is {@code runsDir}
     * @param runsDir   the study's runs folder: each run lives in {@code runsDir/<spec name>/<run id>/}
     * @param placement where this trains (a Spark task), or null
     */
    public static Outcome obtain(ExperimentRunner runner, Path runsDir, ExperimentSpec spec, Path specFile,
                                 RunReport.Placement placement, Consumer<String> log) {
        Optional<Path> done = result(runsDir, spec);
        if (done.isPresent()) return new Outcome(read(done.get()), done.get(), How.reused);
        Optional<Path> unfinished = resumable(runsDir, spec, log);
        try {
            ExperimentRunner.Result r = unfinished.isPresent()
                    ? runner.resume(spec, specFile, unfinished.get().getFileName().toString(), placement)
                    : runner.run(spec, specFile, placement);
            return new Outcome(r.report(), r.runDir().resolve(Reports.REPORT_JSON),
                    unfinished.isPresent() ? How.resumed : How.trained);
        } catch (ExperimentRunner.Diverged d) {
            // a learning rate too high for the network is what the study found out, not something a retry changes
            return new Outcome(d.result().report(), d.result().runDir().resolve(Reports.REPORT_JSON),
                    unfinished.isPresent() ? How.resumed : How.trained);
        }
    }

    /**
     * The newest report.json in the study's runs folder of a run of {@code spec} (same spec hash) that ended with a
     * result: completed, or diverged (which would diverge again).
     */
    public static Optional<Path> result(Path runsDir, ExperimentSpec spec) {
        Path dir = runsDir.resolve(spec.name());
        String hash = SpecHash.of(spec);
        if (!Files.isDirectory(dir)) return Optional.empty();
        try (Stream<Path> runs = Files.list(dir)) {
            // run folders only: `latest` is a link that moves with the next run
            return runs.filter(d -> Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS))
                    .map(d -> d.resolve(Reports.REPORT_JSON)).filter(Files::isRegularFile)
                    .filter(f -> {
                        try {
                            RunReport r = Reports.read(f);
                            boolean result = r.status() == RunReport.Status.completed
                                    || r.status() == RunReport.Status.diverged;
                            return result && hash.equals(r.specSha256());
                        } catch (IOException | RuntimeException e) {
                            return false;
                        }
                    })
                    .max(Comparator.comparing(Path::toString));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The newest unfinished run of {@code spec} that has a checkpoint of the same spec, matching its model.zip, and
     * was not continued already; a checkpoint that cannot be used is passed over with a note (the run starts afresh).
     */
    static Optional<Path> resumable(Path runsDir, ExperimentSpec spec, Consumer<String> log) {
        Path dir = new Reports(runsDir).newestUnfinished(spec.name());
        if (dir == null) return Optional.empty();
        try {
            return SpecHash.of(spec).equals(Checkpoint.read(dir).specSha256()) ? Optional.of(dir) : Optional.empty();
        } catch (Checkpoint.CheckpointException | UncheckedIOException e) {
            log.accept("not continuing " + dir + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    static RunReport read(Path reportJson) {
        try {
            return Reports.read(reportJson);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + reportJson + ": " + e.getMessage(), e);
        }
    }
}
