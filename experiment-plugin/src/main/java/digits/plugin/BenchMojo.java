package digits.plugin;

import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Measures training and test-evaluation speed of experiments at their own batch sizes: after a warm-up,
 * times {@code digits.bench.batches} training steps and one pass over the test set, and writes
 * {@code reports/bench/<experiment>/<run-id>/bench.json}. {@code scripts/bench_vs_pytorch.py} runs it
 * beside the PyTorch recipe; BENCHMARKS.md has the figures.
 */
// not thread-safe: training sets process-wide ND4J and OpenMP thread counts (Nd4jSetup, DirectStep)
@Mojo(name = "bench", aggregator = true, threadSafe = false)
public class BenchMojo extends AbstractDigitsMojo {

    /** Spec name(s): {@code cnn}, {@code cnn,mlp-baseline} or {@code all} (studies are skipped). */
    @Parameter(property = "experiment", required = true)
    private String experiment;

    /** Training batches timed. */
    @Parameter(property = "digits.bench.batches", defaultValue = "200")
    private int batches;

    /** Training batches run first and not timed, at least. */
    @Parameter(property = "digits.bench.warmup", defaultValue = "20")
    private int warmup;

    /** Seconds of untimed warm-up, at least (the JIT needs several seconds on the MLPs). */
    @Parameter(property = "digits.bench.warmupSeconds", defaultValue = "10")
    private double warmupSeconds;

    @Override
    protected void run() {
        harness().bench(experiment, warmup, warmupSeconds, batches);
    }
}
