package digits.plugin;

import digits.run.Harness;
import digits.spec.SpecCatalog;
import digits.study.StudyLoader;
import digits.study.StudyRunner;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Trains one experiment (or a comma list, or {@code all}) and writes its report under
 * {@code reports/<experiment>/<run-id>/}; a study runs all its variants and writes {@code study.json}. The
 * build fails when an experiment (not a study variant) misses its acceptance threshold.
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
        Harness harness = harness();
        SpecCatalog catalog = harness.catalog();
        List<String> names = catalog.select(experiment);
        boolean resuming = resume != null && !resume.isBlank() && !resume.equals("false");
        if (resuming && (names.size() != 1 || catalog.isStudy(names.get(0)))) {
            throw new MojoFailureException("-Ddigits.resume continues one experiment's run; allowed: a single "
                    + "experiment name (a study resumes by itself: its completed runs are reused)");
        }
        // every spec and study is validated before anything trains
        for (String name : names) {
            if (catalog.isStudy(name)) StudyLoader.load(catalog, name);
            else catalog.load(name);
        }
        List<String> failed = new ArrayList<>();
        for (String name : names) {
            if (catalog.isStudy(name)) {
                new StudyRunner(options()).run(StudyLoader.load(catalog, name));
                continue;
            }
            Harness.Result result = resuming ? harness.resume(name, resume.equals("true") ? null : resume)
                    : harness.run(name);
            getLog().info("Report: " + result.runDir().resolve("report.json"));
            if (!result.passed()) failed.add(name);
        }
        if (!failed.isEmpty() && failOnThreshold) {
            throw new MojoFailureException("acceptance threshold missed by " + String.join(", ", failed)
                    + " (see the reports above)");
        }
    }
}
