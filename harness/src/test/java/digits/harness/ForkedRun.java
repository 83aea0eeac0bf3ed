package digits.harness;

import digits.TestData;
import digits.run.RunOptions;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A run in its own JVM, for the tests that kill it or starve it of memory: {@code experimentsDir reportsDir
 * name}. Prints the same one-line message the Maven goals print, or the stack trace of a bug.
 */
public final class ForkedRun {

    public static void main(String[] args) {
        try {
            Harness h = new Harness(new RunOptions(Path.of(args[0]), TestData.root().resolve("data"),
                    Path.of(args[1]), null, false, Duration.ofSeconds(30), System.out::println));
            h.run(args[2]);
        } catch (Throwable e) {
            String message = Failures.userMessage(e);
            if (message == null) e.printStackTrace();
            else System.err.println("ERROR: " + message);
            System.exit(1);
        }
    }

    /** Starts {@code main} in a new JVM with the test's class path plus {@code jvmArgs}; output goes to {@code log}. */
    static Process start(Path log, String... args) throws java.io.IOException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        var cmd = new java.util.ArrayList<String>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String root = System.getProperty("digits.root");
        if (root != null) cmd.add("-Ddigits.root=" + root);
        for (String a : args) {
            if (a.startsWith("-")) cmd.add(a);
        }
        cmd.add("-cp");
        cmd.add(cp);
        cmd.add(ForkedRun.class.getName());
        for (String a : args) {
            if (!a.startsWith("-")) cmd.add(a);
        }
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
