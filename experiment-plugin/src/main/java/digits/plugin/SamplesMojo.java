package digits.plugin;

import java.nio.file.Path;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Renders a sample sheet (PNG) of an experiment's test images with their labels, to
 * {@code reports/<experiment>/samples.png}; builds the dataset first if needed.
 */
@Mojo(name = "samples", aggregator = true, threadSafe = true)
public class SamplesMojo extends AbstractDigitsMojo {

    /** Spec whose dataset to draw. */
    @Parameter(property = "experiment", required = true)
    private String experiment;

    /** How many images. */
    @Parameter(property = "digits.samples", defaultValue = "48")
    private int samples;

    @Override
    protected void run() {
        Path png = harness().samples(experiment, samples);
        getLog().info("Sample sheet: " + png);
    }
}
