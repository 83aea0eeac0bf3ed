package digits.predict;

import com.fasterxml.jackson.databind.JsonNode;
import digits.report.Reports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Finds the run folder {@code -Drun} names and checks that it holds a finished model. */
final class RunFolders {

    static final String MODEL = "model.zip";
    private static final String ALLOWED = "allowed: <experiment> or <experiment>/latest (the newest completed run), "
            + "<experiment>/<run-id>, or the path of a run folder";

    private RunFolders() {}

    /** The run folder {@code run} names (see {@link TrainedModel#open}). */
    static Path resolve(Path reportsDir, String run, Path base) {
        if (run == null || run.isBlank()) throw new PredictException("-Drun is empty; " + ALLOWED);
        String r = run.strip();
        Path reports = reportsDir.toAbsolutePath().normalize();
        if (r.matches("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?") && !r.contains("..")) {
            String[] parts = r.split("/");
            Path experiment = reports.resolve(parts[0]);
            String id = parts.length == 1 ? Reports.LATEST : parts[1];
            Path dir = id.equals(Reports.LATEST) ? latest(experiment) : experiment.resolve(id);
            if (dir != null && Files.isDirectory(dir)) return real(dir);
            if (!Files.exists(base.resolve(r))) {
                throw new PredictException("-Drun=" + r + ": no such run in " + reports + " (" + known(reports, parts[0])
                        + "); " + ALLOWED);
            }
        }
        Path dir = base.resolve(r).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) throw new PredictException("-Drun=" + r + ": no such folder " + dir + "; " + ALLOWED);
        return real(dir);
    }

    private static Path real(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            return dir;
        }
    }

    /** {@code <experiment>/latest}: a symbolic link, or a text file holding the run id where links are not made. */
    private static Path latest(Path experiment) {
        Path latest = experiment.resolve(Reports.LATEST);
        if (Files.isRegularFile(latest, LinkOption.NOFOLLOW_LINKS)) {
            try {
                String id = Files.readString(latest).strip();
                return id.matches("[A-Za-z0-9][A-Za-z0-9._-]*") ? experiment.resolve(id) : null;
            } catch (IOException e) {
                return null;
            }
        }
        return latest;
    }

    /** What exists, for the message: the experiment's runs, or the experiments with runs. */
    private static String known(Path reports, String experiment) {
        Path dir = reports.resolve(experiment);
        if (Files.isDirectory(dir)) {
            List<String> ids = new Reports(reports).runIds(experiment);
            return ids.isEmpty() ? experiment + " has no runs" : "runs of " + experiment + ": " + String.join(", ", ids)
                    + (Files.exists(dir.resolve(Reports.LATEST), LinkOption.NOFOLLOW_LINKS) ? ""
                    : "; none completed, so no latest");
        }
        try (Stream<Path> s = Files.list(reports)) {
            List<String> names = s.filter(p -> Files.isDirectory(p.resolve(Reports.LATEST)))
                    .map(p -> p.getFileName().toString()).sorted().toList();
            return names.isEmpty() ? "no completed runs there: train one with digits:run"
                    : "experiments with a completed run: " + String.join(", ", names);
        } catch (IOException e) {
            return "no reports folder: train a model with digits:run first";
        }
    }

    /** report.json of a completed run that has its model.zip. */
    static JsonNode completedReport(Path dir) {
        Path json = dir.resolve(Reports.REPORT_JSON);
        if (!Files.isRegularFile(json)) {
            throw new PredictException(dir + ": not a run folder (no " + Reports.REPORT_JSON + "); " + ALLOWED);
        }
        JsonNode report;
        try {
            report = Reports.JSON.readTree(json.toFile());
        } catch (IOException e) {
            throw new PredictException(json + ": unreadable (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        String status = report.path("status").asText("unknown");
        if (!status.equals("completed")) {
            String why = report.path("message").asText("");
            throw new PredictException(dir + ": the run is " + status + (why.isEmpty() ? "" : " (" + why + ")")
                    + ", not completed, so it has no final model; allowed: a completed run");
        }
        if (!Files.isRegularFile(dir.resolve(MODEL))) {
            throw new PredictException(dir + ": no " + MODEL + " in the run folder; allowed: a run folder as digits:run "
                    + "leaves it (report.json and model.zip)");
        }
        return report;
    }
}
