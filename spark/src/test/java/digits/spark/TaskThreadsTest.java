package digits.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** Each run's OpenMP threads: its share of its executor's cores, never more threads than cores on a machine. */
class TaskThreadsTest {

    private static TaskThreads of(String master, Map<String, String> settings) {
        SparkConf conf = new SparkConf(false);
        settings.forEach(conf::set);
        return SparkStudy.threads(master, conf);
    }

    @Test
    void embeddedSparkSharesTheMachinesCoresBetweenTheRunsItRunsAtOnce() {
        // local[2] on two cores: two runs at once, one thread each
        assertThat(of("local[2,2]", Map.of()).layerThreads(2)).isEqualTo(1);
        // local[*]: one run per core
        assertThat(of("local[*]", Map.of()).layerThreads(16)).isEqualTo(1);
        // one run at a time may use the whole machine only if its task claims it
        assertThat(of("local[1]", Map.of()).layerThreads(2)).isEqualTo(1);
        assertThat(of("local[2]", Map.of("spark.task.cpus", "2")).layerThreads(2)).isEqualTo(2);
        // four runs at once on two cores: still one thread each, not zero
        assertThat(of("local[4]", Map.of()).layerThreads(2)).isEqualTo(1);
        assertThat(of("local[8]", Map.of("spark.task.cpus", "4")).layerThreads(8)).isEqualTo(4);
    }

    @Test
    void executorsOfAClusterShareTheirOwnCoresNotTheMachines() {
        // local-cluster[2,1,1024] on two cores: two executor JVMs of one core each, one thread per run
        assertThat(of("local-cluster[2,1,1024]", Map.of()).layerThreads(2)).isEqualTo(1);
        // an executor of 8 cores on a 32-core machine, tasks of 2 cpus: four runs at once, two threads each
        assertThat(of("spark://h:7077", Map.of("spark.executor.cores", "8", "spark.task.cpus", "2")).layerThreads(32))
                .isEqualTo(2);
        // executor cores left open (the executor takes its machine): spark.task.cpus threads per run
        assertThat(of("yarn", Map.of("spark.task.cpus", "3")).layerThreads(12)).isEqualTo(3);
        assertThat(of("k8s://https://h:6443", Map.of()).layerThreads(12)).isEqualTo(1);
    }

    @Test
    void anExplicitThreadCountAppliesToEveryRun() {
        System.setProperty("digits.layerThreads", "3");
        try {
            assertThat(of("local[2]", Map.of()).layerThreads(2)).isEqualTo(3);
        } finally {
            System.clearProperty("digits.layerThreads");
        }
        System.setProperty("digits.layerThreads", "zero");
        try {
            assertThatThrownBy(() -> of("local[2]", Map.of())).hasMessage("-Ddigits.layerThreads=zero: allowed: a "
                    + "whole number of threads, 1 or more");
        } finally {
            System.clearProperty("digits.layerThreads");
        }
    }

    @Test
    void attemptsPerRunAreSparksLimit() {
        assertThat(SparkStudy.attempts("local[2,3]", new SparkConf(false))).isEqualTo(3);
        assertThat(SparkStudy.attempts("local[2]", new SparkConf(false))).isEqualTo(1);
        assertThat(SparkStudy.attempts("spark://h:7077", new SparkConf(false))).isEqualTo(4);
        assertThat(SparkStudy.attempts("yarn", new SparkConf(false).set("spark.task.maxFailures", "2"))).isEqualTo(2);
    }
}
