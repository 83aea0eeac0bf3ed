package digits.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;

/** The study's progress line and the one-line reasons of failed runs. */
class StudyProgressTest {

    @Test
    void theLineCountsRunsAndEstimatesTheRestAtThePaceSoFar() {
        assertThat(StudyProgress.line("mlp-study-10", 0, 15, 2, 0, 0, Duration.ofSeconds(12)))
                .isEqualTo("mlp-study-10: 0/15 runs done, 2 running, 0 failed, ETA unknown until the first run ends");
        // 4 runs trained in 100 s (two at a time): the 9 left take 225 s; the 2 reused ones cost nothing
        assertThat(StudyProgress.line("mlp-study-10", 6, 15, 2, 1, 4, Duration.ofSeconds(100)))
                .isEqualTo("mlp-study-10: 6/15 runs done, 2 running, 1 failed, ETA 3 min 45 s");
        assertThat(StudyProgress.line("s", 15, 15, 0, 1, 13, Duration.ofSeconds(100)))
                .isEqualTo("s: 15/15 runs done, 0 running, 1 failed, done");
        assertThat(StudyProgress.duration(59.4)).isEqualTo("59 s");
        assertThat(StudyProgress.duration(7_300)).isEqualTo("2 h 01 min");
    }

    @Test
    void aFailedRunIsNamedByItsOwnReasonNotBySparksWrapping() {
        SparkException spark = new SparkException("Job aborted due to stage failure: Task 0 in stage 7.0 failed 2 times, "
                + "most recent failure: Lost task 0.1 in stage 7.0 (TID 9) (localhost executor driver): "
                + "digits.spark.RunFailedException: base-s8 (executor driver on localhost, attempt 1): out of JVM heap\n"
                + "Driver stacktrace:\n\tat org.apache.spark.scheduler.DAGScheduler.failJobAndIndependentStages");
        assertThat(SparkEngine.reason(new java.util.concurrent.ExecutionException(spark)))
                .isEqualTo("base-s8 (executor driver on localhost, attempt 1): out of JVM heap");
        // anything else: the first line of what Spark said
        SparkException lost = new SparkException("Job aborted due to stage failure: ExecutorLostFailure (executor 1 "
                + "exited)\nmore");
        assertThat(SparkEngine.reason(new java.util.concurrent.ExecutionException(lost)))
                .isEqualTo("Job aborted due to stage failure: ExecutorLostFailure (executor 1 exited)");
    }
}
