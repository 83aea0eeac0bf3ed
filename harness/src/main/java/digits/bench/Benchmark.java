package digits.bench;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import digits.data.DatasetLoader;
import digits.data.LabeledImages;
import digits.io.AtomicFiles;
import digits.model.DigitsNetwork;
import digits.model.NetworkFactory;
import digits.model.Nd4jSetup;
import digits.report.Environment;
import digits.report.Reports;
import digits.run.RunOptions;
import digits.spec.ExperimentSpec;
import digits.train.Batches;
import digits.train.Evaluation;
import digits.train.Features;
import digits.train.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Training and evaluation speed of one spec, the way the training loop runs it: after {@code warmup}
 * batches (JIT, workspaces, oneDNN primitives), {@code batches} training steps at the spec's batch
 * size are timed, then, after one untimed pass, five evaluations of the whole test set (the median counts). Figures go to the log and to
 * {@code reports/bench/<experiment>/<run-id>/bench.json} ({@code latest} points at the newest).
 */
public final class Benchmark {

    /** One measurement, with where it was taken. */
    @JsonPropertyOrder({"experiment", "batchSize", "warmupBatches", "batches", "trainSeconds", "trainImagesPerSecond",
            "batchMillisMedian", "testImages", "testSeconds", "testImagesPerSecond", "peakResidentBytes",
            "peakHeapBytes", "environment"})
    public record Result(String experiment, int batchSize, int warmupBatches, int batches, double trainSeconds,
                         double trainImagesPerSecond, double batchMillisMedian, int testImages, double testSeconds,
                         double testImagesPerSecond, Long peakResidentBytes, long peakHeapBytes,
                         Environment environment) {}

    /** Timed passes over the test set; their median counts (a single pass of a few milliseconds is noise). */
    static final int TEST_PASSES = 5;

    private final RunOptions options;

    public Benchmark(RunOptions options) {
        Nd4jSetup.configure();
        this.options = options;
    }

    /**
     * @param warmup        batches run before timing, at least
     * @param warmupSeconds seconds of warm-up, at least: the JIT takes several seconds to reach full speed on the
     *                      MLPs' Java-side loss code, far more than 20 of their millisecond-long batches
     */
    public Result run(ExperimentSpec spec, int warmup, double warmupSeconds, int batches) {
        if (warmup < 0 || warmupSeconds < 0 || batches < 1) {
            throw new IllegalArgumentException("-Ddigits.bench.*: allowed: warmup >= 0, warmupSeconds >= 0, batches >= 1;"
                    + " got " + warmup + ", " + warmupSeconds + ", " + batches);
        }
        DatasetLoader.Loaded data = new DatasetLoader(options.dataRoot(), options.dataDir(), options.log())
                .load(spec.dataset(), spec.model().output().classes());
        int batchSize = spec.training().batchSize();
        int classes = spec.model().output().classes();
        // the data's arrays and the network freed when done, as a run frees them (see Batches)
        DigitsNetwork net = null;
        try (Batches train = new Batches(data.split().train(), batchSize)) {
            if (train.count() == 0) throw new IllegalArgumentException("the training set is smaller than one batch");
            net = NetworkFactory.build(spec);
            float[] gradient = new float[batchSize * spec.heads() * classes];

            int step = 0;
            long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
            for (; step < warmup || System.nanoTime() < warmupEnd; step++) {
                int b = step % train.count();
                Trainer.step(net, train.features(b), train.labels(b), classes, gradient, step);
            }
            int warmed = step;
            long[] nanos = new long[batches];
            for (int i = 0; i < batches; i++, step++) {
                int b = step % train.count();
                long t0 = System.nanoTime();
                Trainer.step(net, train.features(b), train.labels(b), classes, gradient, step);
                nanos[i] = System.nanoTime() - t0;
            }
            double trainSeconds = Arrays.stream(nanos).sum() / 1e9;
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);

            LabeledImages test = data.split().test();
            double[] passes = new double[TEST_PASSES];
            try (Features features = Features.of(test)) { // built before timing, as the PyTorch recipe builds its tensors
                Evaluation.of(net, test, features, classes); // untimed: the evaluation's shapes warm up, as PyTorch's do
                for (int i = 0; i < passes.length; i++) {
                    long t0 = System.nanoTime();
                    Evaluation.of(net, test, features, classes);
                    passes[i] = (System.nanoTime() - t0) / 1e9;
                }
            }
            Arrays.sort(passes);
            double testSeconds = passes[passes.length / 2];
            Result r = new Result(spec.name(), batchSize, warmed, batches, trainSeconds,
                    batches * (double) batchSize / trainSeconds, sorted[sorted.length / 2] / 1e6, test.count(), testSeconds,
                    test.count() / testSeconds, peakResident(), peakHeap(), Environment.capture(options.experimentsDir(), Nd4jSetup.kernelThreads()));
            options.log().accept(line(r));
            write(r);
            return r;
        } finally {
            if (net != null) net.close();
        }
    }

    public static String line(Result r) {
        return String.format(Locale.ROOT, "bench %s: train %,.0f images/s (%d batches of %d after %d warm-up, median %.2f ms/batch), "
                        + "test %,.0f images/s (%,d in %.2f s), peak resident %s, peak heap %s, %s %s, %s OpenMP threads, %s layer threads",
                r.experiment(), r.trainImagesPerSecond(), r.batches(), r.batchSize(), r.warmupBatches(),
                r.batchMillisMedian(),
                r.testImagesPerSecond(), r.testImages(), r.testSeconds(), mib(r.peakResidentBytes()),
                mib(r.peakHeapBytes()), r.environment().backend(), r.environment().nativeVariant(),
                r.environment().ompThreads(), r.environment().layerThreads());
    }

    private void write(Result r) {
        Reports reports = new Reports(options.reportsDir().resolve("bench"));
        Path dir = reports.newRunDir(r.experiment());
        try {
            AtomicFiles.write(dir.resolve("bench.json"), Reports.JSON.writeValueAsBytes(r));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve("bench.json") + ": " + e.getMessage(), e);
        }
        Reports.markLatest(dir);
        options.log().accept("Bench report: " + dir.resolve("bench.json"));
    }

    /** The process's peak resident set (heap, off-heap arrays, native libraries), from Linux; null elsewhere. */
    static Long peakResident() {
        try {
            Matcher m = Pattern.compile("VmHWM:\\s+(\\d+) kB").matcher(Files.readString(Path.of("/proc/self/status")));
            return m.find() ? Long.parseLong(m.group(1)) * 1024 : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static long peakHeap() {
        List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans();
        return pools.stream().filter(p -> p.getType() == MemoryType.HEAP).mapToLong(p -> p.getPeakUsage().getUsed())
                .sum();
    }

    private static String mib(Long bytes) {
        return bytes == null ? "unknown" : String.format(Locale.ROOT, "%,d MiB", bytes >> 20);
    }
}
