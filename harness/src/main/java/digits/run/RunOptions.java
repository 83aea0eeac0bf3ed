package digits.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Where things are and how to talk; each folder is named after the {@code -Ddigits.*} property that sets it.
 *
 * @param experimentsDir   folder of spec files ({@code -Ddigits.experimentsDir})
 * @param dataRoot         dataset cache, MNIST in {@code <dataRoot>/mnist} ({@code -Ddigits.dataRoot})
 * @param reportsDir       where runs write their folders ({@code -Ddigits.reportsDir})
 * @param dataDir          a folder holding the four raw MNIST files to use instead of fetching, or null
 *                         ({@code -Ddigits.dataDir})
 * @param interactive      a live progress bar rather than a line every {@code progressInterval}
 * @param progressInterval time between progress lines in batch mode ({@code -Ddigits.progressSeconds})
 * @param log              where progress and results go
 */
public record RunOptions(Path experimentsDir, Path dataRoot, Path reportsDir, Path dataDir, boolean interactive,
                         Duration progressInterval, Consumer<String> log) {

    /** Defaults for a repository root: experiments/, data/, reports/. */
    public static RunOptions forRoot(Path root, Consumer<String> log) {
        return new RunOptions(root.resolve("experiments"), root.resolve("data"), root.resolve("reports"), null, false,
                Duration.ofSeconds(30), log);
    }

    public RunOptions withReportsDir(Path dir) {
        return new RunOptions(experimentsDir, dataRoot, dir, dataDir, interactive, progressInterval, log);
    }
}
