package digits.plugin;

import digits.harness.Failures;
import digits.harness.Harness;
import digits.run.RunOptions;
import java.io.File;
import java.time.Duration;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * The folders every goal shares, and the translation of harness errors into one-line build failures. Each field is
 * named after the {@code -Ddigits.*} property that sets it, and so is the {@link RunOptions} folder it fills.
 */
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

    protected RunOptions options() {
        boolean interactive = session != null && session.getRequest().isInteractiveMode() && System.console() != null;
        return new RunOptions(experimentsDir.toPath(), dataRoot.toPath(), reportsDir.toPath(),
                dataDir == null ? null : dataDir.toPath(), interactive, Duration.ofSeconds(progressSeconds),
                getLog()::info);
    }

    /** Where mvn was started: relative paths the user types are relative to it. */
    protected java.nio.file.Path workingDirectory() {
        String dir = session == null ? null : session.getExecutionRootDirectory();
        return java.nio.file.Path.of(dir != null ? dir : System.getProperty("user.dir")).toAbsolutePath();
    }

    protected Harness harness() {
        return new Harness(options());
    }

    @Override
    public final void execute() throws MojoExecutionException, MojoFailureException {
        try {
            run();
        } catch (RuntimeException | OutOfMemoryError e) {
            // one line for the user's errors; the stack trace only with -e / -X
            String message = Failures.userMessage(e);
            if (message == null) throw e;
            if (e instanceof OutOfMemoryError) throw new MojoExecutionException(message, e);
            throw new MojoFailureException(message, e);
        }
    }

    protected abstract void run() throws MojoFailureException;
}
