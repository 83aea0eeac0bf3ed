package digits.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An executor writes only into the driver's own runs folder: one it sees the driver's marker in. (Every executor of
 * this machine's modes shares the folder; a cluster node with a private folder of the same path is this check.)
 */
class SharedFolderTest {

    @TempDir
    Path dir;

    @Test
    void onlyTheFolderHoldingTheDriversMarkerPasses() throws Exception {
        Path runs = dir.resolve("driver/reports/s/runs");
        String marker = SharedFolder.mark(runs, "app-20261130-0001");
        assertThat(marker).isEqualTo(".spark-app-20261130-0001");
        assertThat(SharedFolder.problem(runs, marker, "app-20261130-0001")).isNull();

        // the same path on a machine that does not share it: an empty folder, or none
        Path elsewhere = Files.createDirectories(dir.resolve("node/reports/s/runs"));
        assertThat(SharedFolder.problem(elsewhere, marker, "app-20261130-0001"))
                .isEqualTo("it is another folder of the same name (the driver's marker .spark-app-20261130-0001 is not "
                        + "there)");
        assertThat(SharedFolder.problem(dir.resolve("none"), marker, "app-20261130-0001")).isEqualTo("it does not exist");
        // a marker of another study's driver is not this one's
        assertThat(SharedFolder.problem(runs, marker, "app-20261130-0002")).startsWith("it is another folder");
        assertThat(SharedFolder.refusal(elsewhere, "3", "10.0.0.7", "it does not exist")).isEqualTo("the reports folder "
                + elsewhere + " is not reachable from Spark executor 3 on 10.0.0.7: it does not exist; "
                + "-Ddigits.reportsDir must be a folder every executor mounts at the same path (shared storage, see "
                + "README, Studies on Apache Spark)");
    }
}
