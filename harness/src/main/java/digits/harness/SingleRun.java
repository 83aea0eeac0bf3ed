package digits.harness;

import com.fasterxml.jackson.databind.JsonNode;
import digits.report.Reports;
import digits.report.RunReport;
import digits.run.ExperimentRunner;
import digits.run.RunOptions;
import digits.spec.ExperimentSpec;
import digits.spec.SpecLoader;
import digits.study.StudyRun;
import digits.study.StudyRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One run of a study in a JVM of its own: what a distributed study's task starts (digits-spark), so that ND4J's
 * per-process thread settings are the run's own and a native crash takes down this JVM only.
 *
 * <p>{@code java -cp ... digits.harness.SingleRun --study NAME --spec-file FILE --experiments DIR --data-root DIR
 * --reports DIR [--data-dir DIR] [--progress-seconds N] [--placement JSON]}; the spec as run (one line of JSON)
 * comes on standard input, which then stays open: its end means the process that started this one is gone, and the
 * run stops as interrupted (its checkpoint is continued by the next attempt). The run is reused, continued or
 * trained as {@link StudyRun#obtain} decides; the last line out is {@code RESULT <how> <report.json>}.
 *
 * <p>Exit status: 0 a result (completed or diverged, or reused), 1 a failure (one line on standard error), 3 the
 * parent went away.
 */
public final class SingleRun {

    public static final String RESULT = "RESULT ";
    public static final int PARENT_GONE = 3;

    private SingleRun() {}

    public static void main(String[] args) {
        Map<String, String> a;
        try {
            a = options(args);
        } catch (IllegalArgumentException e) {
            System.err.println("ERROR: " + e.getMessage());
            System.exit(1);
            return;
        }
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String specJson = in.readLine();
            if (specJson == null) throw new IllegalStateException("no spec on standard input");
            watchParent(in);
            ExperimentSpec spec = SpecLoader.fromTree(Reports.JSON.readTree(specJson));
            Path reports = Path.of(a.get("reports"));
            Path runsDir = StudyRunner.runsDir(reports, a.get("study"));
            RunOptions options = new RunOptions(Path.of(a.get("experiments")), Path.of(a.get("data-root")), runsDir,
                    a.containsKey("data-dir") ? Path.of(a.get("data-dir")) : null, false,
                    Duration.ofSeconds(Long.parseLong(a.getOrDefault("progress-seconds", "30"))), System.out::println);
            RunReport.Placement placement = a.containsKey("placement")
                    ? Reports.JSON.readValue(a.get("placement"), RunReport.Placement.class) : null;
            StudyRun.Outcome o = StudyRun.obtain(new ExperimentRunner(options, reports), runsDir, spec,
                    Path.of(a.get("spec-file")), placement, System.out::println);
            System.out.println(RESULT + o.how() + " " + o.reportFile().toAbsolutePath());
            System.out.flush();
            System.exit(0);
        } catch (Throwable e) {
            Failures.print(e);
            System.exit(1);
        }
    }

    /**
     * This JVM's heap and JavaCPP limits ({@code -Xmx}, {@code -Xms}, {@code -Dorg.bytedeco.javacpp.*}): what a run's
     * own JVM gets by default, so it has the memory a run in this JVM would have had.
     */
    public static List<String> memorySettings() {
        List<String> out = new ArrayList<>();
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-Xmx") || arg.startsWith("-Xms") || arg.startsWith("-Dorg.bytedeco.javacpp.")) out.add(arg);
        }
        return List.copyOf(out);
    }

    /** Exits (running the shutdown hooks: the run's report says interrupted) when standard input ends. */
    private static void watchParent(BufferedReader in) {
        Thread t = new Thread(() -> {
            try {
                while (in.read() >= 0) {
                    // nothing else is sent; wait for the end
                }
            } catch (IOException ignored) {
                // a broken pipe is an end too
            }
            System.err.println("the task that started this run is gone; stopping");
            System.exit(PARENT_GONE);
        }, "digits-parent-watch");
        t.setDaemon(true);
        t.start();
    }

    /** {@code --name value} pairs; the required ones must be there. */
    static Map<String, String> options(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) throw new IllegalArgumentException("expected --name value, got " + args[i]);
            out.put(args[i].substring(2), args[i + 1]);
        }
        for (String required : new String[] {"study", "spec-file", "experiments", "data-root", "reports"}) {
            if (!out.containsKey(required)) throw new IllegalArgumentException("missing --" + required);
        }
        return out;
    }
}
