package digits.predict;

import static org.assertj.core.api.Assertions.assertThat;

import digits.TestData;
import digits.harness.Harness;
import digits.run.ExperimentRunner;
import digits.run.RunOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Real models for the prediction tests, trained once per test JVM through the harness: the seed's {@code cnn} and
 * {@code multi-digit-cnn} specs, unchanged but for fewer training images and epochs.
 */
public final class SmallModels {

    private static Path reports;
    private static boolean cnn;
    private static boolean multiDigit;

    private SmallModels() {}

    /** The reports folder holding {@code cnn/latest}: 5,400 training images, 2 epochs, 2,000 test images. */
    public static synchronized Path cnn() {
        if (!cnn) train("cnn", 6000, 2000, 2);
        cnn = true;
        return reports;
    }

    /** The reports folder holding {@code multi-digit-cnn/latest}: 9,000 training images, 2 epochs, 1,000 test images. */
    public static synchronized Path multiDigit() {
        if (!multiDigit) train("multi-digit-cnn", 10000, 1000, 2);
        multiDigit = true;
        return reports;
    }

    private static void train(String name, int trainLimit, int testLimit, int epochs) {
        try {
            if (reports == null) {
                Path target = Files.createDirectories(Path.of("target"));
                reports = Files.createTempDirectory(target.toAbsolutePath(), "predict-runs-");
            }
            Path experiments = Files.createDirectories(reports.resolveSibling(reports.getFileName() + "-specs"));
            String spec = Files.readString(TestData.experiments().resolve(name + ".yaml"));
            String small = spec.replace("  shuffleSeed: 12321\n", "  shuffleSeed: 12321\n  trainLimit: " + trainLimit
                    + "\n  testLimit: " + testLimit + "\n").replace("  epochs: 10\n", "  epochs: " + epochs + "\n");
            assertThat(small).contains("trainLimit: " + trainLimit).contains("epochs: " + epochs);
            Files.writeString(experiments.resolve(name + ".yaml"), small);
            ExperimentRunner.Result r = new Harness(new RunOptions(experiments, TestData.root().resolve("data"), reports,
                    null, false, Duration.ofSeconds(30), System.out::println)).run(name);
            assertThat(r.runDir().resolve("model.zip")).isNotEmptyFile();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
