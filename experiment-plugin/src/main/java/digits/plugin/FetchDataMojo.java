package digits.plugin;

import digits.data.Mnist;
import org.apache.maven.plugins.annotations.Mojo;

/** Fetches MNIST into {@code data/mnist/} and verifies it (SHA-256), or verifies {@code -Ddigits.dataDir}. */
@Mojo(name = "fetch-data", aggregator = true, threadSafe = true, requiresProject = false)
public class FetchDataMojo extends AbstractDigitsMojo {

    @Override
    protected void run() {
        Mnist.Files4 files = harness().fetchData();
        getLog().info("MNIST verified in " + files.dir() + " (" + files.source() + ")");
        files.sha256().forEach((name, sha) -> getLog().info("  " + name + "  sha256 " + sha));
    }
}
