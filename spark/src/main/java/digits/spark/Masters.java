package digits.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;

/**
 * What the harness needs to know of a Spark master URL: where the executors are, how many cores each has, and the
 * settings that local-cluster (executor JVMs on this machine, for tests) needs when the driver was not started by
 * spark-submit.
 */
final class Masters {

    static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)(?:\\s*,\\s*(\\d+))?])?");
    static final Pattern LOCAL_CLUSTER = Pattern.compile("local-cluster\\[\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,\\s*(\\d+)\\s*]");

    private Masters() {}

    /** local, local[N], local[*], local[N,F]: every task in the driver's JVM (each still trains in a JVM of its own). */
    static boolean isLocal(String master) {
        return LOCAL.matcher(master).matches();
    }

    static boolean isLocalCluster(String master) {
        return LOCAL_CLUSTER.matcher(master).matches();
    }

    /**
     * The cores of one executor: N of {@code local[N]} (null for {@code local[*]}: the machine's), c of
     * {@code local-cluster[n,c,m]}, else {@code spark.executor.cores} if set, else null.
     */
    static Integer executorCores(String master, SparkConf conf) {
        Matcher m = LOCAL.matcher(master);
        if (m.matches()) {
            return m.group(1) == null ? Integer.valueOf(1) : m.group(1).equals("*") ? null : Integer.valueOf(m.group(1));
        }
        Matcher c = LOCAL_CLUSTER.matcher(master);
        if (c.matches()) return Integer.valueOf(c.group(2));
        return conf.contains("spark.executor.cores") ? Integer.valueOf(conf.get("spark.executor.cores").strip()) : null;
    }

    /**
     * Embedded Spark: its one executor lives in the driver's JVM, so a missed heartbeat never means a lost executor,
     * only a JVM that was paused (SIGSTOP, a suspended laptop, a long GC). Spark's default would then, after 120 s,
     * remove that executor and end the JVM with status 56, failing every run in flight; a 30-day timeout keeps it.
     * Settings already made are kept.
     */
    static void configureLocal(SparkConf conf) {
        conf.setIfMissing("spark.storage.blockManagerHeartbeatTimeoutMs", String.valueOf(30L * 24 * 3600 * 1000));
    }

    /**
     * local-cluster started from a plain JVM (a test, or the plugin's driver) rather than spark-submit: the executors
     * get the driver's class path and the environment Spark's launcher expects, and everything binds to the loopback
     * address. Settings already made are kept. Refused, in one line, without a {@code SPARK_HOME} whose {@code jars}
     * folder exists (it may be empty).
     */
    static void configureLocalCluster(SparkConf conf) {
        String home = System.getenv("SPARK_HOME");
        if (home == null || !Files.isDirectory(Path.of(home, "jars"))) {
            throw new IllegalArgumentException("-Ddigits.spark.master=local-cluster[...] needs the environment variable "
                    + "SPARK_HOME naming a folder with a jars/ folder in it (it may be empty); SPARK_HOME is "
                    + (home == null ? "not set" : home));
        }
        conf.setIfMissing("spark.executor.extraClassPath", System.getProperty("java.class.path"));
        conf.setIfMissing("spark.executorEnv.SPARK_SCALA_VERSION", scalaBinaryVersion());
        conf.setIfMissing("spark.executorEnv.SPARK_LOCAL_IP", "127.0.0.1");
        conf.setIfMissing("spark.driver.host", "127.0.0.1");
        conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
    }

    /** 2.13 from scala-library's own properties. */
    static String scalaBinaryVersion() {
        String full = scala.util.Properties.versionNumberString();
        return full.substring(0, full.lastIndexOf('.'));
    }
}
