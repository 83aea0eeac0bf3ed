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

    /**
     * Draw the first training images as the spec's {@code training.augmentation} transforms them instead (to
     * {@code samples-augmented.png}), in epoch {@code digits.epoch}.
     */
    @Parameter(property = "digits.augmented", defaultValue = "false")
    private boolean augmented;

    /** With {@code digits.augmented}: the epoch whose transforms to draw (each epoch draws new ones). */
    @Parameter(property = "digits.epoch", defaultValue = "1")
    private int epoch;

    @Override
    protected void run() {
        Path png = harness().samples(experiment, samples, augmented ? epoch : null);
        getLog().info("Sample sheet: " + png);
    }
}
