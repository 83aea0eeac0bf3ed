package digits.spark;

import digits.harness.Failures;
import digits.harness.SingleRun;
import digits.io.AtomicFiles;
import digits.run.RunOptions;
import digits.spec.SpecCatalog;
import digits.study.StudyLoader;
import digits.study.StudyRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The Spark driver of one study: expands the study, runs each (variant, seed) as a Spark task ({@link SparkEngine}),
 * and writes study.json and the pages as the sequential study does. {@code digits:run} starts it in a JVM of its own
 * when {@code -Ddigits.spark.master} is given (Maven's class path and Java 17's module rules get in Spark's way in
 * Maven's JVM); on a cluster, spark-submit starts it from the assembly jar (README, Studies on Apache Spark).
 *
 * <p>{@code digits.spark.SparkStudy [--master M] --study NAME --experiments DIR --data-root DIR --reports DIR
 * [--data-dir DIR] [--progress-seconds N] [--task-jvm-args "-Xmx6g ..."] [--conf key=value]... [--result-file F]};
 * without {@code --master}, spark-submit's. The training JVMs get this JVM's heap and JavaCPP limits unless
 * {@code --task-jvm-args} says otherwise.
 * The runs honour {@code -Ddigits.threads}, {@code -Ddigits.directStep} and {@code -Ddigits.layerThreads} given to
 * this JVM. Exit status 0: study.json written (its path in the result file); 1: an error, in one line on standard
 * error.
 */
public final class SparkStudy {

    private SparkStudy() {}

    public static void main(String[] args) {
        try {
            Map<String, String> a = new LinkedHashMap<>();
            Map<String, String> conf = new LinkedHashMap<>();
            for (int i = 0; i + 1 < args.length; i += 2) {
                if (args[i].equals("--conf")) {
                    int eq = args[i + 1].indexOf('=');
                    if (eq < 1) throw new IllegalArgumentException("-Dspark.*: expected key=value, got " + args[i + 1]);
                    conf.put(args[i + 1].substring(0, eq), args[i + 1].substring(eq + 1));
                } else {
                    a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
                }
            }
            RunOptions options = new RunOptions(Path.of(a.get("experiments")), Path.of(a.get("data-root")),
                    Path.of(a.get("reports")), a.containsKey("data-dir") ? Path.of(a.get("data-dir")) : null, false,
                    Duration.ofSeconds(Long.parseLong(a.getOrDefault("progress-seconds", "30"))), System.out::println);
            List<String> jvm = a.containsKey("task-jvm-args") ? List.of(a.get("task-jvm-args").strip().split("\\s+"))
                    : SingleRun.memorySettings();
            // under spark-submit the master comes from its --master, as the spark.master system property
            String master = a.containsKey("master") ? a.get("master") : new SparkConf().get("spark.master", null);
            if (master == null) throw new IllegalArgumentException("-Ddigits.spark.master: missing (--master)");
            StudyRunner.Result r = run(master, conf, options, a.get("study"), jvm);
            if (a.containsKey("result-file")) {
                AtomicFiles.write(Path.of(a.get("result-file")), r.dir().resolve("study.json").toAbsolutePath()
                        .toString().getBytes(StandardCharsets.UTF_8));
            }
            System.out.flush();
            System.exit(0);
        } catch (Throwable e) {
            Failures.print(e);
            System.exit(1);
        }
    }

    /**
     * Runs {@code study} on {@code master}; {@code conf} adds or overrides Spark settings. The training JVMs get
     * {@code taskJvmArgs} (heap and ND4J's off-heap limits).
     */
    static StudyRunner.Result run(String master, Map<String, String> conf, RunOptions options, String study,
                                  List<String> taskJvmArgs) {
        StudyLoader.Plan plan = StudyLoader.load(SpecCatalog.scan(options.experimentsDir()), study);
        SparkConf sc = new SparkConf().setMaster(master).setAppName("digits " + study);
        if (Masters.isLocal(master) || Masters.isLocalCluster(master)) sc.set("spark.ui.enabled", "false");
        conf.forEach(sc::set);
        if (Masters.isLocal(master)) Masters.configureLocal(sc);
        if (Masters.isLocalCluster(master)) Masters.configureLocalCluster(sc);
        SparkEngine.Config config = new SparkEngine.Config(master, threads(master, sc), runProperties(), taskJvmArgs,
                options.experimentsDir().toAbsolutePath().toString(), options.dataRoot().toAbsolutePath().toString(),
                options.dataDir() == null ? null : options.dataDir().toAbsolutePath().toString(),
                options.progressInterval().toSeconds(), System.getProperty("digits.spark.failOnce"), attempts(master, sc));
        try (JavaSparkContext context = new JavaSparkContext(sc)) {
            options.log().accept("Spark " + context.version() + ", master " + master + ", application "
                    + context.sc().applicationId() + ": " + plan.variants().stream().mapToInt(v -> v.runs().size()).sum()
                    + " runs of " + study + ", each a task training in a JVM of its own");
            return new StudyRunner(options, new SparkEngine(context, config, options.log())).run(plan);
        }
    }

    /** {@code -Ddigits.layerThreads} if given (checked), else each task's share of its executor's cores. */
    static TaskThreads threads(String master, SparkConf conf) {
        String explicit = System.getProperty("digits.layerThreads");
        Integer n = null;
        if (explicit != null && !explicit.isBlank()) {
            try {
                n = Integer.valueOf(explicit.strip());
            } catch (NumberFormatException e) {
                n = 0;
            }
            if (n < 1) throw new IllegalArgumentException("-Ddigits.layerThreads=" + explicit + ": allowed: a whole "
                    + "number of threads, 1 or more");
        }
        return new TaskThreads(n, Masters.executorCores(master, conf), conf.getInt("spark.task.cpus", 1));
    }

    /** Attempts per task before its run fails for good: F of local[N,F] (1 for local[N]), else spark.task.maxFailures. */
    static int attempts(String master, SparkConf conf) {
        Matcher m = Masters.LOCAL.matcher(master);
        if (m.matches()) return m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
        return conf.getInt("spark.task.maxFailures", 4);
    }

    /** The digits.* settings of this JVM that a run honours and the training JVMs must share. */
    private static Map<String, String> runProperties() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : List.of("digits.threads", "digits.directStep")) {
            String v = System.getProperty(key);
            if (v != null) out.put(key, v);
        }
        return Map.copyOf(out);
    }
}
