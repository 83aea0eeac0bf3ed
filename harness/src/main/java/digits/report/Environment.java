package digits.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.factory.Nd4j;

/** The machine and software a run used, so a figure can be traced to where it was measured. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Environment(
        String digitsVersion,
        String dl4jVersion,
        String backend,
        String blas,
        String nativeVariant,
        Integer ompThreads,
        Integer layerThreads,
        String java,
        String os,
        int cores,
        long maxHeapBytes,
        String gitCommit) {

    /**
     * @param repoDir      a folder inside the git repository whose commit is recorded (the specs' folder)
     * @param layerThreads the threads of the harness's own convolution and pooling layers (the model knows them)
     */
    public static Environment capture(Path repoDir, int layerThreads) {
        Properties build = new Properties();
        try (InputStream in = Environment.class.getResourceAsStream("/digits-build.properties")) {
            if (in != null) build.load(in);
        } catch (IOException ignored) {
            // versions stay unknown
        }
        var info = Nd4j.getExecutioner().getEnvironmentInformation();
        String backend = Nd4j.getBackend().getClass().getSimpleName().replace("Backend", "");
        Object blas = info.get("blas.vendor");
        Object threads = info.get("omp.threads");
        return new Environment(
                build.getProperty("digits.version", "unknown"),
                build.getProperty("dl4j.version", "unknown"),
                backend,
                blas == null ? null : String.valueOf(blas),
                System.getProperty("org.bytedeco.javacpp.platform.extension", ""),
                threads == null ? null : Integer.valueOf(String.valueOf(threads)),
                layerThreads,
                System.getProperty("java.vendor") + " " + System.getProperty("java.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory(),
                gitCommit(repoDir));
    }

    /** HEAD of the repository holding the specs, or null outside git. */
    static String gitCommit(Path dir) {
        if (dir == null) return null;
        try {
            Process p = new ProcessBuilder("git", "-C", dir.toString(), "rev-parse", "HEAD").redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0 || !out.matches("[0-9a-f]{40}")) return null;
            Process dirty = new ProcessBuilder("git", "-C", dir.toString(), "status", "--porcelain", "--untracked-files=no")
                    .redirectErrorStream(true).start();
            String changes = new String(dirty.getInputStream().readAllBytes()).strip();
            dirty.waitFor(10, TimeUnit.SECONDS);
            return changes.isEmpty() ? out : out + "-dirty";
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
