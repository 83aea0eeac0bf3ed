package digits.plugin;

import digits.data.DataException;
import digits.data.IdxFormatException;
import digits.run.Harness;
import digits.spec.SpecException;
import digits.train.DivergedException;
import java.io.File;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;

/** The folders every goal shares, and the translation of harness errors into one-line build failures. */
abstract class AbstractDigitsMojo extends AbstractMojo {

    /** Folder of experiment specs ({@code NAME.yaml}). */
    @Parameter(property = "digits.experimentsDir", defaultValue = "${maven.multiModuleProjectDirectory}/experiments")
    protected File experimentsDir;

    /** Dataset cache: MNIST is fetched into {@code <dataRoot>/mnist}; IDX specs name files below it. */
    @Parameter(property = "digits.dataRoot", defaultValue = "${maven.multiModuleProjectDirectory}/data")
    protected File dataRoot;

    /** A folder holding the four raw MNIST IDX files to use instead of fetching them. */
    @Parameter(property = "digits.dataDir")
    protected File dataDir;

    /** Where runs write their reports ({@code <reportsDir>/<experiment>/<run-id>/}). */
    @Parameter(property = "digits.reportsDir", defaultValue = "${maven.multiModuleProjectDirectory}/reports")
    protected File reportsDir;

    /** Seconds between progress lines in batch mode. */
    @Parameter(property = "digits.progressSeconds", defaultValue = "30")
    protected int progressSeconds;

    @Parameter(defaultValue = "${session}", readonly = true)
    protected MavenSession session;

    protected Harness.Options options() {
        boolean interactive = session != null && session.getRequest().isInteractiveMode() && System.console() != null;
        return new Harness.Options(experimentsDir.toPath(), dataRoot.toPath(), reportsDir.toPath(),
                dataDir == null ? null : dataDir.toPath(), interactive, Duration.ofSeconds(progressSeconds),
                getLog()::info);
    }

    protected Harness harness() {
        return new Harness(options());
    }

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        try {
            run();
        } catch (SpecException | DataException | IdxFormatException | DivergedException | UncheckedIOException e) {
            throw new MojoFailureException(e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            throw new MojoExecutionException("out of memory (" + e.getMessage() + "): raise the heap with MAVEN_OPTS="
                    + "-Xmx... or ND4J's off-heap limit with -Dorg.bytedeco.javacpp.maxbytes=... (see README)", e);
        } catch (RuntimeException e) {
            if (String.valueOf(e.getMessage()).contains("No ND4J Backend")) {
                throw new MojoExecutionException("no ND4J backend on the plugin's classpath: run from the repository "
                        + "root (its pom adds nd4j-native, or nd4j-cuda with -Ddigits.backend=cuda)", e);
            }
            throw e;
        }
    }

    protected abstract void run() throws MojoFailureException;
}
