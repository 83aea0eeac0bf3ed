package digits.spark;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * What every task of a study needs, sent with each (paths are the driver's, and must mean the same folders on every
 * executor: shared storage).
 *
 * @param study        the study's name: its runs go to {@code <reportsRoot>/<study>/runs}
 * @param specFile     the study file, named in each run's report
 * @param marker       the file the driver put in the runs folder, which a task must see to know it writes to the
 *                     driver's folder and not a private one of the same name
 * @param properties   {@code digits.*} system properties the runs honour ({@code digits.threads},
 *                     {@code digits.directStep}), passed on as {@code -D}
 * @param jvmArgs      the training JVMs' memory settings (heap, ND4J's off-heap limits)
 * @param failOnce     a run whose first attempt fails on purpose before it starts ({@code -Ddigits.spark.failOnce},
 *                     for tests of the retries), or null
 */
record TaskSettings(String study, String specFile, String experimentsDir, String dataRoot, String dataDir,
                    String reportsRoot, String marker, long progressSeconds, String master, String application,
                    TaskThreads threads, Map<String, String> properties, List<String> jvmArgs, String failOnce)
        implements Serializable {}
