package digits.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import digits.spec.ExperimentSpec;
import digits.train.EpochMetrics;
import digits.train.TestMetrics;
import java.util.List;
import java.util.Map;

/**
 * Everything about one run, written as {@code report.json} in the run's folder: the spec as run, the
 * environment, the data's provenance, per-epoch and test metrics, the acceptance checks and the
 * comparison with the seed notebook's figures. Rewritten (atomically) after every epoch, so an
 * interrupted run still says how far it got. A resumed run names the run folder it continued
 * ({@code <experiment>/<run-id>}) in {@code resumedFrom}; its first epochs are that run's. A run trained as a task
 * of a distributed study says where in {@code placement}; absent from runs trained in the study's own JVM. An
 * ensemble ({@code training.ensemble}) lists its networks in {@code members}: {@code epochs} are the first member's,
 * {@code test} is the ensemble's answer; absent for one network.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"format", "experiment", "runId", "status", "message", "passed", "started", "finished",
        "durationSeconds", "acceptance", "reference", "test", "epochs", "spec", "specFile", "specSha256",
        "environment", "data", "resumedFrom", "placement", "members"})
public record RunReport(
        int format,
        String experiment,
        String runId,
        Status status,
        String message,
        Boolean passed,
        String started,
        String finished,
        Double durationSeconds,
        List<ThresholdCheck> acceptance,
        List<ReferenceDelta> reference,
        TestMetrics test,
        List<EpochMetrics> epochs,
        ExperimentSpec spec,
        String specFile,
        String specSha256,
        Environment environment,
        DataProvenance data,
        String resumedFrom,
        Placement placement,
        List<Member> members) {

    public static final int FORMAT = 1;

    /** The fields before {@code placement}, which is absent from runs trained where the study runs (most of them). */
    public RunReport(int format, String experiment, String runId, Status status, String message, Boolean passed,
                     String started, String finished, Double durationSeconds, List<ThresholdCheck> acceptance,
                     List<ReferenceDelta> reference, TestMetrics test, List<EpochMetrics> epochs, ExperimentSpec spec,
                     String specFile, String specSha256, Environment environment, DataProvenance data,
                     String resumedFrom) {
        this(format, experiment, runId, status, message, passed, started, finished, durationSeconds, acceptance,
                reference, test, epochs, spec, specFile, specSha256, environment, data, resumedFrom, null, null);
    }

    /** As the canonical constructor for one network: no {@code members}. */
    public RunReport(int format, String experiment, String runId, Status status, String message, Boolean passed,
                     String started, String finished, Double durationSeconds, List<ThresholdCheck> acceptance,
                     List<ReferenceDelta> reference, TestMetrics test, List<EpochMetrics> epochs, ExperimentSpec spec,
                     String specFile, String specSha256, Environment environment, DataProvenance data,
                     String resumedFrom, Placement placement) {
        this(format, experiment, runId, status, message, passed, started, finished, durationSeconds, acceptance,
                reference, test, epochs, spec, specFile, specSha256, environment, data, resumedFrom, placement, null);
    }

    public enum Status { running, completed, failed, diverged, interrupted }

    /**
     * One acceptance check of head {@code head}. {@code testAccuracy}: the test accuracy ({@code actual}) must exceed
     * {@code threshold}. {@code testAccuracySeedDelta}: |test accuracy - the notebook's| ({@code actual}) must not
     * exceed {@code threshold} ({@code acceptance.seedTolerance}).
     */
    public record ThresholdCheck(String metric, int head, double threshold, Double actual, boolean passed) {
        public static final String TEST_ACCURACY = "testAccuracy";
        public static final String SEED_DELTA = "testAccuracySeedDelta";
        /** The fraction of test images with every head right; {@code head} is -1. */
        public static final String ALL_HEADS = "testAllHeadsAccuracy";
    }

    /**
     * The seed's figure, the reproduced one, and reproduced minus seed. {@code epoch}: for a figure the notebook
     * printed after that epoch ({@code reference.epochs}); absent for the final figures.
     */
    @JsonPropertyOrder({"metric", "head", "epoch", "seed", "reproduced", "delta"})
    public record ReferenceDelta(String metric, int head, @JsonInclude(JsonInclude.Include.NON_NULL) Integer epoch,
                                 double seed, Double reproduced, Double delta) {

        public ReferenceDelta(String metric, int head, double seed, Double reproduced, Double delta) {
            this(metric, head, null, seed, reproduced, delta);
        }
    }

    /**
     * Where a run trained when a study distributed it: {@code engine} ({@code spark}), the cluster's {@code master}
     * and application id, the {@code executor} and {@code host} the task ran on, and which {@code attempt} of the
     * task it was (0 for the first; a retried task has 1, 2, ...), with Spark's stage, partition and task ids.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Placement(String engine, String master, String application, String executor, String host,
                            int attempt, Integer stage, Integer partition, Long task) {}

    /**
     * One network of an ensemble: {@code member} counts from 1 and trained with {@code seed} (the spec's seed + member
     * - 1), for {@code epochs} epochs so far; once trained, {@code testedEpoch} (the best on the dev set with keepBest,
     * else the last) and what that network alone gave on the test set, per head and, with several heads, every head
     * right (in the spec's test views). {@code history}: its epochs, absent for member 1, whose epochs are the report's.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"member", "seed", "epochs", "testedEpoch", "testAccuracy", "testAllHeadsAccuracy", "history"})
    public record Member(int member, long seed, int epochs, Integer testedEpoch, List<Double> testAccuracy,
                         Double testAllHeadsAccuracy, List<EpochMetrics> history) {}

    /** Where the images came from: the source and the SHA-256 of every file read. */
    public record DataProvenance(String source, Map<String, String> sha256, int trainImages, int devImages,
                                 int testImages, int trainBatches, int devBatches, int testBatches) {}
}
