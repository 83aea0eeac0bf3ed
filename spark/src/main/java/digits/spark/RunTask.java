package digits.spark;

import digits.report.Reports;
import digits.report.RunReport;
import digits.study.StudyRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.resource.ResourceInformation;

/**
 * One run of a study as one Spark task: checks the shared reports folder, then trains in a JVM of its own
 * ({@link TrainingJvm}) with its share of the executor's cores, and sends the run's report.json back. The training JVM
 * reuses a result of the same spec or continues an interrupted attempt's checkpoint, so a retried task picks up
 * where the failed one stopped. A diverged run is a result; a failure throws, and Spark retries the task.
 */
final class RunTask implements Function<String, TaskResult> {

    private final TaskSettings s;

    RunTask(TaskSettings settings) {
        this.s = settings;
    }

    @Override
    public TaskResult call(String specJson) throws Exception {
        TaskContext ctx = TaskContext.get();
        String name = Reports.JSON.readTree(specJson).path("name").asText();
        SparkEnv env = SparkEnv.get();
        String executor = env.executorId();
        String host = env.blockManager().blockManagerId().host();
        int attempt = ctx.attemptNumber();
        String where = name + " (executor " + executor + " on " + host + ", attempt " + attempt + ")";
        Path runsDir = StudyRunner.runsDir(Path.of(s.reportsRoot()), s.study());
        String problem = SharedFolder.problem(runsDir, s.marker(), s.application());
        if (problem != null) throw new RunFailedException(SharedFolder.refusal(runsDir, executor, host, problem));
        if (name.equals(s.failOnce()) && attempt == 0) {
            throw new RunFailedException(where + ": failed on purpose before it started (-Ddigits.spark.failOnce)");
        }

        RunReport.Placement placement = new RunReport.Placement("spark", s.master(), s.application(), executor, host,
                attempt, ctx.stageId(), ctx.partitionId(), ctx.taskAttemptId());
        int threads = s.threads().layerThreads(Runtime.getRuntime().availableProcessors());
        List<String> jvm = new ArrayList<>(s.jvmArgs());
        jvm.add("-Ddigits.layerThreads=" + threads);
        s.properties().forEach((k, v) -> jvm.add("-D" + k + "=" + v));
        List<String> args = new ArrayList<>(List.of("--study", s.study(), "--spec-file", s.specFile(),
                "--experiments", s.experimentsDir(), "--data-root", s.dataRoot(), "--reports", s.reportsRoot(),
                "--progress-seconds", String.valueOf(s.progressSeconds()),
                "--placement", SparkEngine.ONE_LINE.writeValueAsString(placement)));
        if (s.dataDir() != null) args.addAll(List.of("--data-dir", s.dataDir()));
        String prefix = name + " | ";
        TrainingJvm.Exit exit = TrainingJvm.run(jvm, args, gpus(ctx), specJson, line -> System.out.println(prefix + line),
                ctx::isInterrupted);
        if (exit.status() != 0 || exit.reportPath() == null) {
            throw new RunFailedException(where + ": " + exit.reason());
        }
        return new TaskResult(Files.readString(Path.of(exit.reportPath())), exit.reportPath(), exit.how(), executor,
                host, attempt);
    }

    /**
     * The GPUs Spark assigned to this task ({@code spark.task.resource.gpu.amount} on a cluster whose executors
     * discover GPUs), as CUDA_VISIBLE_DEVICES of the training JVM; none in local mode.
     */
    private static Map<String, String> gpus(TaskContext ctx) {
        Map<String, String> env = new HashMap<>();
        ResourceInformation gpu = ctx.resourcesJMap().get("gpu");
        if (gpu != null && gpu.addresses().length > 0) env.put("CUDA_VISIBLE_DEVICES", String.join(",", gpu.addresses()));
        return env;
    }
}
