package digits.plugin;

import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Trains one experiment (or a comma list, or {@code all}) and writes its report under
 * {@code reports/<experiment>/<run-id>/}; a study runs all its variants and writes {@code study.json}. Every spec
 * named is validated before anything trains. The build fails when an experiment (not a study variant) misses its
 * acceptance threshold.
 */
// not thread-safe: training sets process-wide ND4J and OpenMP thread counts (Nd4jSetup, DirectStep)
@Mojo(name = "run", aggregator = true, threadSafe = false)
public class RunMojo extends AbstractDigitsMojo {

    /** Spec name(s) from experiments/: {@code mlp-baseline}, {@code cnn,mlp-baseline} or {@code all}. */
    @Parameter(property = "experiment", required = true)
    private String experiment;

    /** Fail the build when a run misses a threshold (false: report only). */
    @Parameter(property = "digits.failOnThreshold", defaultValue = "true")
    private boolean failOnThreshold;

    /**
     * Continue an interrupted run from its last checkpoint instead of starting afresh: {@code true} takes the
     * newest unfinished run of the experiment, a run id (e.g. {@code 20261129-171606}) names one.
     */
    @Parameter(property = "digits.resume")
    private String resume;

    @Override
    protected void run() throws MojoFailureException {
        List<String> failed = harness().runAll(experiment, resume).failed();
        if (!failed.isEmpty() && failOnThreshold) {
            throw new MojoFailureException("acceptance threshold missed by " + String.join(", ", failed)
                    + " (see the reports above)");
        }
    }
}
