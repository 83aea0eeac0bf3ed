package digits.spark;

import java.io.Serializable;

/**
 * What a run's task sends back to the driver: the run's report.json as written, where it is (an absolute path on
 * the shared reports folder), how the run was obtained ({@code reused}, {@code resumed}, {@code trained}), and
 * where it ran.
 */
record TaskResult(String reportJson, String reportPath, String how, String executor, String host, int attempt)
        implements Serializable {}
