package digits.model;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The threads the harness's own layers ({@link GemmConvolution}, {@link JavaMaxPooling}) split a batch
 * over: {@code -Ddigits.layerThreads=N}, by default one per core. Each part is a contiguous range of
 * samples or image planes, so parts never write the same memory; how a layer cuts its work into parts
 * never depends on N, so neither do the results.
 *
 * <p>Separate from {@code -Ddigits.threads} (ND4J's own ops, one by default): ND4J splits every small op
 * and pays its fork/join each time, while these layers split once per layer pass. Tasks here work on plain
 * pointers and arrays: ND4J's workspaces belong to the calling thread, so a task may at most allocate a
 * detached array ({@link NativeArrays.Scratch}).
 */
public final class LayerThreads {

    static final String PROPERTY = "digits.layerThreads";

    private LayerThreads() {}

    /** The thread count in force: {@code -Ddigits.layerThreads}, or the number of cores. */
    public static int count() {
        String value = System.getProperty(PROPERTY);
        int cores = Runtime.getRuntime().availableProcessors();
        if (value == null || value.isBlank()) return cores;
        int n;
        try {
            n = Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1 || n > 1024) {
            throw new IllegalArgumentException("-D" + PROPERTY + "=" + value + ": allowed: a whole number of threads, "
                    + "1.." + cores + " on this machine");
        }
        return n;
    }

    /** {@code parts} cut or grown to {@code n}: the parts kept hold on to their buffers, new ones come from {@code fresh}. */
    static <T> T[] resize(T[] parts, int n, java.util.function.IntFunction<T[]> array, java.util.function.Supplier<T> fresh) {
        T[] out = array.apply(n);
        for (int t = 0; t < n; t++) out[t] = t < parts.length ? parts[t] : fresh.get();
        return out;
    }

    /**
     * Runs {@code task} for items {@code 0..items-1}, shared out over the layer threads (item i on thread
     * i mod threads, in order); returns when all are done.
     */
    static void forEach(int items, IntConsumer task) {
        int threads = Math.min(items, count());
        run(threads, t -> {
            for (int i = t; i < items; i += threads) task.accept(i);
        });
    }

    /** Runs {@code task} for parts {@code 0..parts-1}: part 0 on the calling thread, the rest on the workers. */
    static void run(int parts, IntConsumer task) {
        if (parts <= 1) {
            task.accept(0);
            return;
        }
        workers(parts - 1).run(parts, task);
    }

    private static Workers workers;

    private static synchronized Workers workers(int count) {
        if (workers == null || workers.threads.length < count) workers = new Workers(count);
        return workers; // a smaller pool left behind parks its threads and costs nothing
    }

    /**
     * Worker threads that, after a job, keep polling for the next one for a few milliseconds before they
     * park. Layer passes come every few milliseconds during training, and waking a parked thread took
     * about half a millisecond per pass on the 2-core CI machine (a virtual machine), a tenth of the work.
     */
    private static final class Workers {
        private static final long POLL_NANOS = 20_000_000L;

        /** One run; workers compare generations to see a new one, and read everything else from here. */
        private record Job(long generation, int parts, IntConsumer task) {}

        final Thread[] threads;
        private volatile Job job = new Job(0, 0, t -> {});
        private final AtomicInteger pending = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Workers(int count) {
            threads = new Thread[count];
            for (int i = 0; i < count; i++) {
                int part = i + 1;
                threads[i] = new Thread(() -> work(part), "digits-layer-" + part);
                threads[i].setDaemon(true); // never keeps the JVM (or Maven) alive
                threads[i].start();
            }
        }

        synchronized void run(int parts, IntConsumer task) {
            failure.set(null);
            pending.set(parts - 1);
            job = new Job(job.generation() + 1, parts, task);
            for (int i = 0; i < parts - 1; i++) LockSupport.unpark(threads[i]); // no-op for a polling thread
            try {
                task.accept(0);
            } catch (RuntimeException | Error e) {
                failure.compareAndSet(null, e);
            }
            while (pending.get() > 0) Thread.onSpinWait();
            Throwable f = failure.get();
            if (f instanceof RuntimeException r) throw r;
            if (f instanceof Error e) throw e;
            if (f != null) throw new IllegalStateException(f);
        }

        private void work(int part) {
            long seen = 0;
            while (true) {
                Job j = job;
                long idleSince = System.nanoTime();
                while (j.generation() == seen) {
                    if (System.nanoTime() - idleSince < POLL_NANOS) {
                        Thread.yield(); // lets anything else that needs this core run
                    } else {
                        LockSupport.parkNanos(this, 100_000_000L); // woken by run(); the timeout is a safety net
                    }
                    j = job;
                }
                seen = j.generation();
                if (part >= j.parts()) continue; // this job needs fewer threads
                try {
                    j.task().accept(part);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    pending.decrementAndGet();
                }
            }
        }
    }
}
