package digits.spark;

import digits.harness.SingleRun;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A run's own JVM ({@link SingleRun}) on an executor: started with the executor's class path, fed the spec on standard
 * input (which stays open: if the executor dies, the run sees its input end and stops as interrupted), its output
 * forwarded line by line with the run's name in front, and stopped (SIGTERM: its report says interrupted, its
 * checkpoint stays) when the task is killed.
 */
final class TrainingJvm {

    /** How the JVM ended: its exit status, the {@code RESULT} line's how and report path, and its last lines. */
    record Exit(int status, String how, String reportPath, List<String> tail) {

        /** The one-line reason of a failure: the run's own ERROR line, or the exit status and its last line. */
        String reason() {
            for (int i = tail.size() - 1; i >= 0; i--) {
                if (tail.get(i).startsWith("ERROR: ")) return tail.get(i).substring("ERROR: ".length());
            }
            String last = tail.isEmpty() ? "no output" : tail.get(tail.size() - 1);
            return "its JVM ended with status " + status + " (" + last.strip() + ")";
        }
    }

    private static final int TAIL = 40;

    /**
     * Set when this JVM (driver or executor) is being stopped: its runs are stopped at once, so they write their
     * interrupted reports while Spark shuts down, instead of training on until this JVM is gone.
     */
    private static volatile boolean stopping;

    /** The training JVMs this JVM has started and not yet seen end. */
    private static final Set<Process> live = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        // SIGTERM every run at once: waiting for the next poll let a short run train to its end meanwhile
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping = true;
            live.forEach(Process::destroy);
        }, "digits-stop-runs"));
    }

    private TrainingJvm() {}

    /**
     * Runs {@code java jvmArgs -cp <this class path> digits.harness.SingleRun args} to its end.
     *
     * @param killed polled while the JVM runs: true stops it (the task was killed)
     */
    static Exit run(List<String> jvmArgs, List<String> args, Map<String, String> env, String specJson,
                    Consumer<String> out, BooleanSupplier killed) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(SingleRun.class.getName());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        live.add(p);
        if (stopping) p.destroy(); // started while the hook ran
        Deque<String> tail = new ArrayDeque<>();
        String[] result = new String[1];
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith(SingleRun.RESULT)) result[0] = line.substring(SingleRun.RESULT.length());
                    else out.accept(line);
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > TAIL) tail.removeFirst();
                    }
                }
            } catch (IOException ignored) {
                // the JVM is gone; its exit status says how
            }
        }, "digits-run-output");
        pump.setDaemon(true);
        pump.start();
        OutputStream stdin = p.getOutputStream();
        try {
            stdin.write((specJson + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush(); // and left open: its end tells the run that this JVM is gone
            while (!p.waitFor(200, TimeUnit.MILLISECONDS)) {
                if (killed.getAsBoolean()) throw new InterruptedException("task killed");
                if (stopping) throw new InterruptedException("this JVM is being stopped");
            }
        } catch (InterruptedException | IOException | RuntimeException e) {
            stop(p);
            throw e;
        } finally {
            live.remove(p);
            try {
                stdin.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
        pump.join(10_000);
        String how = null, report = null;
        if (result[0] != null) {
            int space = result[0].indexOf(' ');
            how = result[0].substring(0, space);
            report = result[0].substring(space + 1);
        }
        synchronized (tail) {
            return new Exit(p.exitValue(), how, report, List.copyOf(tail));
        }
    }

    /** SIGTERM first, so the run writes its interrupted report; SIGKILL if it does not end within 30 s. */
    private static void stop(Process p) {
        boolean interrupted = Thread.interrupted(); // a killed task's thread is interrupted: wait for the run anyway
        p.destroy();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            interrupted = true;
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /**
     * The executor's class path: {@code java.class.path}, plus the jars Spark added to the task's class loader (the
     * application jar on a cluster).
     */
    static String classPath() {
        Set<String> entries = new LinkedHashSet<>(List.of(System.getProperty("java.class.path").split(File.pathSeparator)));
        for (ClassLoader cl = Thread.currentThread().getContextClassLoader(); cl != null; cl = cl.getParent()) {
            if (!(cl instanceof URLClassLoader u)) continue;
            for (URL url : u.getURLs()) {
                if (!"file".equals(url.getProtocol())) continue;
                try {
                    entries.add(Path.of(url.toURI()).toString());
                } catch (URISyntaxException | IllegalArgumentException ignored) {
                    // not a plain file
                }
            }
        }
        entries.remove("");
        return String.join(File.pathSeparator, entries);
    }
}
