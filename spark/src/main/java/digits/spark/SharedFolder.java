package digits.spark;

import digits.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The study's runs folder must be the same folder on the driver and on every executor (shared storage mounted at
 * the same path): the driver leaves a marker file there, and each task checks that it sees the marker and can write
 * beside it before anything trains. A private folder of the same name on an executor's machine fails the check.
 */
final class SharedFolder {

    private SharedFolder() {}

    /** Writes the marker ({@code .spark-<application id>}, holding that id) into {@code runsDir}; returns its name. */
    static String mark(Path runsDir, String application) throws IOException {
        Files.createDirectories(runsDir);
        String name = ".spark-" + application.replaceAll("[^A-Za-z0-9_.-]", "_");
        AtomicFiles.write(runsDir.resolve(name), application.getBytes(StandardCharsets.UTF_8));
        return name;
    }

    /** Null when {@code runsDir} holds the marker and takes a new file, else what is wrong. */
    static String problem(Path runsDir, String marker, String application) {
        try {
            if (!Files.isRegularFile(runsDir.resolve(marker))
                    || !Files.readString(runsDir.resolve(marker)).equals(application)) {
                return Files.isDirectory(runsDir) ? "it is another folder of the same name (the driver's marker "
                        + marker + " is not there)" : "it does not exist";
            }
            Files.delete(Files.createTempFile(runsDir, ".write-check", ".tmp"));
            return null;
        } catch (IOException e) {
            return "it cannot be written (" + e.getMessage() + ")";
        }
    }

    /** The one-line refusal for an executor that does not see the folder. */
    static String refusal(Path runsDir, String executor, String host, String problem) {
        return "the reports folder " + runsDir + " is not reachable from Spark executor " + executor + " on " + host
                + ": " + problem + "; -Ddigits.reportsDir must be a folder every executor mounts at the same path "
                + "(shared storage, see README, Studies on Apache Spark)";
    }
}
