package digits.plugin;

import digits.harness.Harness;
import digits.study.StudyRunner;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.descriptor.PluginDescriptor;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.repository.RemoteRepository;

/**
 * Trains one experiment (or a comma list, or {@code all}) and writes its report under
 * {@code reports/<experiment>/<run-id>/}; a study runs all its variants and writes {@code study.json}. Every spec
 * named is validated before anything trains. The build fails when an experiment (not a study variant) misses its
 * acceptance threshold. With {@code -Ddigits.spark.master} a study's runs are Spark tasks (README, Studies on Apache
 * Spark).
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

    /**
     * Run a study's (variant, seed) runs as Apache Spark tasks, each training in a JVM of its own: {@code local[N]} or
     * {@code local[N,F]} (this machine, N runs at once, F attempts per run), {@code local-cluster[n,c,mb]},
     * {@code spark://host:port}, {@code k8s://...} or {@code yarn}; {@code none}: one after another in Maven's JVM.
     * Spark settings: {@code -Dspark.*}. Unset: as {@code none}. Experiments that are not studies always train in
     * Maven's JVM.
     */
    @Parameter(property = "digits.spark.master")
    private String sparkMaster;

    @Component
    private RepositorySystem repositorySystem;

    @Parameter(defaultValue = "${project.remoteProjectRepositories}", readonly = true)
    private List<RemoteRepository> remoteRepositories;

    @Parameter(defaultValue = "${plugin}", readonly = true)
    private PluginDescriptor plugin;

    @Override
    protected void run() throws MojoFailureException {
        Harness harness = harness();
        Harness.Studies studies = plan -> new StudyRunner(harness.options()).run(plan);
        String master = sparkMaster == null ? "" : sparkMaster.strip();
        if (!master.isEmpty() && !master.equals(SparkDriver.NONE)) studies = sparkDriver(harness, master)::run;
        List<String> failed = harness.runAll(experiment, resume, studies).failed();
        if (!failed.isEmpty() && failOnThreshold) {
            throw new MojoFailureException("acceptance threshold missed by " + String.join(", ", failed)
                    + " (see the reports above)");
        }
    }

    /** The Spark driver for the studies of this call; digits-spark is resolved when the first study starts. */
    private SparkDriver sparkDriver(Harness harness, String master) {
        Map<String, String> properties = new TreeMap<>();
        session.getSystemProperties().forEach((k, v) -> properties.put(String.valueOf(k), String.valueOf(v)));
        session.getUserProperties().forEach((k, v) -> properties.put(String.valueOf(k), String.valueOf(v)));
        Map<String, String> sparkConf = new TreeMap<>();
        properties.forEach((k, v) -> {
            if (k.startsWith("spark.")) sparkConf.put(k, v);
        });
        var resolver = new SparkDriver.Resolver(repositorySystem, session.getRepositorySession(), remoteRepositories,
                plugin.getGroupId(), plugin.getVersion(), java.nio.file.Path.of(session.getRequest().getMultiModuleProjectDirectory()
                .getAbsolutePath()), session.isOffline(), getLog()::info);
        return new SparkDriver(master, sparkConf, properties, harness.options(), resolver);
    }
}
