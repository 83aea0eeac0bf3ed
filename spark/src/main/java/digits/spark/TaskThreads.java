package digits.spark;

import java.io.Serializable;

/**
 * The OpenMP threads ({@code -Ddigits.layerThreads}) of a task's training JVM: its share of its executor's cores,
 * {@code max(1, cores / tasks the executor runs at once)}. OpenMP threads spin while they wait, so JVMs that together
 * ask for more threads than there are cores slow each other down many times over (two JVMs with two threads each on
 * two cores: ten times); and the thread count changes a run's figures in their last digits (the order of float
 * sums), so it is recorded in each report's environment.
 *
 * @param explicit      {@code -Ddigits.layerThreads} as the user gave it, which every task then uses; or null
 * @param executorCores the cores of one executor ({@code local[N]}: N; {@code local-cluster[n,c,m]}: c; else
 *                      {@code spark.executor.cores}), or null where Spark leaves it open (the executor takes its
 *                      machine's cores)
 * @param taskCpus      {@code spark.task.cpus}: the cores each task claims (1 by default)
 */
record TaskThreads(Integer explicit, Integer executorCores, int taskCpus) implements Serializable {

    /** The threads of a task on a machine with {@code machineCores} cores. */
    int layerThreads(int machineCores) {
        if (explicit != null) return explicit;
        int executor = executorCores == null ? machineCores : executorCores;
        int atOnce = Math.max(1, executor / Math.max(1, taskCpus));
        // an executor claiming more cores than its machine has still shares only the machine's
        return Math.max(1, Math.min(executor, machineCores) / atOnce);
    }
}
