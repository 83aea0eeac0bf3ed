package digits.model;

import java.util.List;

/**
 * Chooses the fastest nd4j-native build present on the classpath and sets JavaCPP's options, before
 * ND4J loads its native library (so this must run before the first ND4J call).
 *
 * <ul>
 *   <li>{@code org.bytedeco.javacpp.platform.extension}: the oneDNN/AVX2 build when its jar is there
 *       (the parent POM adds it by default), else the plain one.</li>
 *   <li>{@code org.bytedeco.javacpp.nopointergc=true}: ND4J frees its buffers itself; JavaCPP's extra
 *       GC-driven bookkeeping on every small allocation cost more than half of a small MLP's step time.</li>
 * </ul>
 * Either can be set explicitly with {@code -D...} and is then left alone.
 *
 * <p>{@code -Ddigits.threads=N} sets the threads ND4J's own loops, OpenMP and OpenBLAS use; one by default
 * (see {@link #applyThreads}).
 */
public final class Nd4jSetup {

    static final String EXTENSION = "org.bytedeco.javacpp.platform.extension";
    static final String NO_POINTER_GC = "org.bytedeco.javacpp.nopointergc";
    private static final List<String> PREFERRED = List.of("-onednn-avx512", "-onednn-avx2", "-avx512", "-avx2", "-onednn");

    private Nd4jSetup() {}

    public static synchronized void configure() {
        if (System.getProperty(NO_POINTER_GC) == null) System.setProperty(NO_POINTER_GC, "true");
        if (System.getProperty(EXTENSION) != null) return;
        String platform = System.getProperty("org.bytedeco.javacpp.platform", platform());
        ClassLoader cl = Nd4jSetup.class.getClassLoader();
        for (String ext : PREFERRED) {
            if (ext.contains("avx512") && !cpuHas("avx512f")) continue;
            if (ext.contains("avx2") && !cpuHas("avx2")) continue;
            String lib = "org/nd4j/linalg/cpu/nativecpu/bindings/" + platform + ext + "/";
            if (cl.getResource(lib + "libjnind4jcpu.so") != null || cl.getResource(lib + "jnind4jcpu.dll") != null
                    || cl.getResource(lib + "libjnind4jcpu.dylib") != null) {
                System.setProperty(EXTENSION, ext);
                return;
            }
        }
    }

    /** The thread count last set here, or null before the first network. */
    private static Integer applied;

    /**
     * Sets the threads of ND4J's loops, OpenMP and OpenBLAS: {@code -Ddigits.threads}, or one by default.
     * The seed's networks at batch 32 are too small to share between threads: on two cores a second thread
     * made mlp-128-leakyrelu four times slower and the CNN's epoch about a third slower (BENCHMARKS.md).
     * Returns the thread count in force.
     */
    public static synchronized int applyThreads() {
        int n = threadCount(THREADS, 1);
        if (applied == null || applied != n) {
            var env = org.nd4j.linalg.factory.Nd4j.getEnvironment();
            env.setMaxThreads(n);
            env.setMaxMasterThreads(n);
            org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(n);
            org.nd4j.linalg.factory.Nd4j.factory().blas().setMaxThreads(n);
            // the OpenBLAS copy the direct step's update calls (JavaCPP's, beside nd4j-native's own) has a thread
            // pool of its own that spins after each call: at its default of one thread per core it fought the
            // kernels' OpenMP threads for the cores (cnn: 27 ms a step instead of 4)
            org.bytedeco.javacpp.Loader.load(org.bytedeco.openblas.global.openblas_nolapack.class);
            org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(n);
            applied = n;
        }
        return n;
    }

    static final String THREADS = "digits.threads";
    static final String KERNEL_THREADS = "digits.layerThreads";

    /**
     * Threads of the harness's own kernels (oneDNN's convolutions, pooling and products, on OpenMP):
     * {@code -Ddigits.layerThreads=N}, by default one per core. Unlike ND4J's small ops, oneDNN's convolutions
     * share a batch between cores well (the seed CNN's step: 5.3 ms on one core, 2.6 ms on two).
     */
    public static int kernelThreads() {
        return threadCount(KERNEL_THREADS, Runtime.getRuntime().availableProcessors());
    }

    /** {@code -Dproperty}, a whole number of threads, or {@code fallback} when it is not set. */
    private static int threadCount(String property, int fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) return fallback;
        int n;
        try {
            n = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1 || n > 1024) {
            throw new IllegalArgumentException("-D" + property + "=" + value + ": allowed: a whole number of threads, "
                    + "1.." + Runtime.getRuntime().availableProcessors() + " on this machine");
        }
        return n;
    }

    private static String platform() {
        String os = System.getProperty("os.name").toLowerCase();
        String arch = System.getProperty("os.arch").toLowerCase();
        String o = os.startsWith("windows") ? "windows" : os.startsWith("mac") ? "macosx" : "linux";
        String a = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch.equals("aarch64") ? "arm64" : arch;
        return o + "-" + a;
    }

    /** CPU feature flag from /proc/cpuinfo (Linux); elsewhere assume present and let the loader decide. */
    private static boolean cpuHas(String flag) {
        try {
            String info = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/cpuinfo"));
            return info.lines().filter(l -> l.startsWith("flags")).findFirst()
                    .map(l -> List.of(l.split("\\s+")).contains(flag)).orElse(false);
        } catch (java.io.IOException | RuntimeException e) {
            return !flag.contains("512");
        }
    }
}
