package digits.plugin;

import digits.harness.SingleRun;
import digits.report.Reports;
import digits.report.StudyReport;
import digits.run.RunOptions;
import digits.study.StudyException;
import digits.study.StudyLoader;
import digits.study.StudyRunner;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import org.apache.commons.io.file.PathUtils;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.graph.DependencyFilter;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;

/**
 * A study on Apache Spark from {@code digits:run}: resolves {@code digits-spark} and its dependencies (Apache Spark
 * among them, about 220 MB, downloaded on first use and never by the build's main job) with Maven's own resolver,
 * and starts the study's Spark driver ({@code digits.spark.SparkStudy}) in a JVM of its own: Maven's JVM has its own
 * slf4j and lacks the module flags Spark needs on Java 17. The driver's output becomes the build's log.
 */
final class SparkDriver {

    /** The master URLs Spark takes: embedded, a test cluster on this machine, or a cluster manager. */
    static final Pattern MASTER = Pattern.compile("local(\\[(\\*|\\d+)(\\s*,\\s*\\d+)?])?"
            + "|local-cluster\\[\\s*\\d+\\s*,\\s*\\d+\\s*,\\s*\\d+\\s*]|spark://\\S+|k8s://\\S+|yarn|mesos://\\S+");
    static final String ARTIFACT = "digits-spark";
    /** -Ddigits.spark.master=none: one run after another in Maven's JVM. */
    static final String NONE = "none";

    /** The digits.* settings a run honours, passed on to the driver (and from it to every training JVM). */
    static final List<String> RUN_PROPERTIES = List.of("digits.threads", "digits.layerThreads", "digits.directStep",
            "digits.spark.failOnce");

    private final String master;
    private final Map<String, String> sparkConf;
    private final Map<String, String> properties;
    private final RunOptions options;
    private final Resolver resolver;
    private List<Path> classPath;

    /** Maven's resolver, the plugin's own coordinates, and how to build digits-spark when it is not installed. */
    record Resolver(RepositorySystem system, RepositorySystemSession session, List<RemoteRepository> repositories,
                    String groupId, String version, Path sourceRoot, boolean offline, Consumer<String> log) {}

    /**
     * @param master     {@code -Ddigits.spark.master}, checked here
     * @param sparkConf  Spark settings ({@code -Dspark.*} of the Maven command)
     * @param properties the Maven command's properties ({@code digits.*} ones are passed on)
     */
    SparkDriver(String master, Map<String, String> sparkConf, Map<String, String> properties, RunOptions options,
                Resolver resolver) {
        if (!MASTER.matcher(master.strip()).matches()) {
            throw new IllegalArgumentException("-Ddigits.spark.master=" + master + ": allowed: local[N] or local[N,F] "
                    + "(this machine, N runs at once, F attempts per run), local[*], local-cluster[n,c,mb], "
                    + "spark://host:port, k8s://https://host:port, yarn, none");
        }
        this.master = master.strip();
        this.sparkConf = sparkConf;
        this.properties = properties;
        this.options = options;
        this.resolver = resolver;
    }

    /** Runs {@code plan} on Spark and reads back the study.json its driver wrote. */
    StudyRunner.Result run(StudyLoader.Plan plan) {
        Path result = null;
        Path sparkHome = null;
        try {
            List<Path> cp = classPath();
            Properties driver = driverProperties(cp.get(0));
            result = Files.createTempFile("digits-study", ".path");
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("-Xmx1g");
            cmd.addAll(List.of(driver.getProperty("jvmFlags").strip().split("\\s+")));
            properties.forEach((k, v) -> {
                if (RUN_PROPERTIES.contains(k)) cmd.add("-D" + k + "=" + v);
            });
            cmd.add("-cp");
            cmd.add(String.join(File.pathSeparator, cp.stream().map(Path::toString).toList()));
            cmd.add(driver.getProperty("main"));
            cmd.addAll(List.of("--master", master, "--study", plan.spec().name(),
                    "--experiments", options.experimentsDir().toAbsolutePath().toString(),
                    "--data-root", options.dataRoot().toAbsolutePath().toString(),
                    "--reports", options.reportsDir().toAbsolutePath().toString(),
                    "--progress-seconds", String.valueOf(options.progressInterval().toSeconds()),
                    "--task-jvm-args", String.join(" ", SingleRun.memorySettings()), "--result-file", result.toString()));
            if (options.dataDir() != null) cmd.addAll(List.of("--data-dir", options.dataDir().toAbsolutePath().toString()));
            sparkConf.forEach((k, v) -> cmd.addAll(List.of("--conf", k + "=" + v)));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            if (master.startsWith("local")) pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
            if (master.startsWith("local-cluster")) {
                // Spark's launcher wants $SPARK_HOME/jars to start executor JVMs; they get the driver's class path
                sparkHome = Files.createTempDirectory("digits-spark-home");
                Files.createDirectories(sparkHome.resolve("jars"));
                pb.environment().put("SPARK_HOME", sparkHome.toString());
            }
            int status = runToEnd(pb);
            if (status != 0) {
                throw new StudyException(lastError == null ? "the Spark driver of study " + plan.spec().name()
                        + " ended with status " + status + " (its output is above)" : lastError);
            }
            Path studyJson = Path.of(Files.readString(result).strip());
            StudyReport report = Reports.JSON.readValue(studyJson.toFile(), StudyReport.class);
            return new StudyRunner.Result(report, studyJson.getParent(), StudyRunner.table(report));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run the Spark driver of study " + plan.spec().name() + ": "
                    + e.getMessage(), e);
        } finally {
            try {
                if (result != null) Files.deleteIfExists(result);
                if (sparkHome != null) PathUtils.deleteDirectory(sparkHome);
            } catch (IOException ignored) {
                // a temporary file left behind
            }
        }
    }

    private String lastError;

    /**
     * Starts the driver, logs its lines, and waits for it; if Maven is stopped meanwhile, the driver gets SIGTERM and
     * a minute to stop its tasks (each run then says interrupted, and a re-run continues it).
     */
    private int runToEnd(ProcessBuilder pb) throws IOException {
        Process p = pb.start();
        Thread stop = new Thread(() -> {
            p.destroy();
            try {
                p.waitFor(60, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                // Maven is going anyway
            }
        }, "digits-spark-driver-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("ERROR: ")) lastError = line.substring("ERROR: ".length());
                options.log().accept(line);
            }
            return p.waitFor();
        } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stop);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running
            }
        }
    }

    /** digits-spark and its runtime dependencies, the jar itself first; built and installed first if missing. */
    List<Path> classPath() {
        if (classPath != null) return classPath;
        try {
            classPath = resolve();
        } catch (DependencyResolutionException e) {
            if (!missing(e)) throw unavailable("cannot resolve " + coordinates() + ": " + e.getMessage(), e);
            install();
            try {
                classPath = resolve();
            } catch (DependencyResolutionException again) {
                throw unavailable("cannot resolve " + coordinates() + " after building it: " + again.getMessage(), again);
            }
        }
        return classPath;
    }

    private static UncheckedIOException unavailable(String message, Exception cause) {
        return new UncheckedIOException(message, cause instanceof IOException io ? io : new IOException(message, cause));
    }

    private List<Path> resolve() throws DependencyResolutionException {
        CollectRequest collect = new CollectRequest(new Dependency(new DefaultArtifact(coordinates()), "runtime"),
                resolver.repositories());
        DependencyFilter runtime = (node, parents) -> node.getDependency() == null
                || Set.of("compile", "runtime").contains(node.getDependency().getScope());
        List<ArtifactResult> artifacts = resolver.system().resolveDependencies(resolver.session(),
                new DependencyRequest(collect, runtime)).getArtifactResults();
        return artifacts.stream().map(a -> a.getArtifact().getFile().toPath()).toList();
    }

    private String coordinates() {
        return resolver.groupId() + ":" + ARTIFACT + ":" + resolver.version();
    }

    /** digits-spark itself is not in the local repository (the main job's install leaves it out). */
    private boolean missing(DependencyResolutionException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains(ARTIFACT) && (m.contains("not find") || m.contains("was not found") || m.contains("not found"));
    }

    /**
     * Builds and installs the spark module from this checkout ({@code mvn -Pspark -pl spark install -DskipTests}),
     * with this build's local repository and settings: the first use of a Spark master, which downloads Spark.
     */
    private void install() {
        Path pom = resolver.sourceRoot().resolve("spark").resolve("pom.xml");
        if (!Files.isRegularFile(pom)) {
            throw unavailable(coordinates() + " is not in the local Maven repository and there is no " + pom
                    + " to build it from: run `mvn -B install -Pspark -DskipTests` in the digits checkout", null);
        }
        resolver.log().accept(coordinates() + " is not installed yet: building it from " + pom.getParent()
                + " (the first study on Spark downloads Apache Spark, about 220 MB, once)");
        String mvn = System.getProperty("maven.home") + "/bin/mvn"
                + (System.getProperty("os.name").toLowerCase().startsWith("windows") ? ".cmd" : "");
        List<String> cmd = new ArrayList<>(List.of(mvn, "-B", "-q", "-f", resolver.sourceRoot().resolve("pom.xml")
                .toString(), "-Pspark", "-pl", "spark", "install", "-DskipTests",
                "-Dmaven.repo.local=" + resolver.session().getLocalRepository().getBasedir()));
        if (resolver.offline()) cmd.add("-o");
        if (properties.containsKey("digits.backend")) cmd.add("-Ddigits.backend=" + properties.get("digits.backend"));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                r.lines().filter(l -> !l.isBlank()).forEach(resolver.log());
            }
            if (p.waitFor() != 0) {
                throw unavailable("building " + coordinates() + " from " + pom.getParent() + " failed (see above); "
                        + "run `mvn -B install -Pspark -DskipTests` there", null);
            }
        } catch (IOException e) {
            throw unavailable("cannot run " + mvn + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StudyException("interrupted while building " + coordinates());
        }
    }

    /** digits/spark/driver.properties of the digits-spark jar: the driver's main class and JVM flags. */
    static Properties driverProperties(Path jar) throws IOException {
        Properties p = new Properties();
        if (Files.isDirectory(jar)) {
            try (InputStream in = Files.newInputStream(jar.resolve("digits/spark/driver.properties"))) {
                p.load(in);
            }
            return p;
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            var entry = zip.getEntry("digits/spark/driver.properties");
            if (entry == null) throw new IOException(jar + " has no digits/spark/driver.properties");
            try (InputStream in = zip.getInputStream(entry)) {
                p.load(in);
            }
        }
        return p;
    }
}
