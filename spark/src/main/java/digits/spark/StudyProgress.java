package digits.spark;

import java.time.Duration;
import java.util.Locale;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;

/**
 * The study's progress line, {@code mlp-study-10: 7/15 runs done, 2 running, 1 failed, ETA 1 min 20 s}: runs done
 * (reused ones included), task attempts running now and failed so far (each retried until Spark's limit), and the
 * time left at the pace of the runs trained so far. Spark's listener bus reports the tasks.
 */
final class StudyProgress extends SparkListener {

    private final String study;
    private final int total;
    private final long startNanos = System.nanoTime();
    private int running;
    private int failed;
    private int done;
    private int trained;

    StudyProgress(String study, int total) {
        this.study = study;
        this.total = total;
    }

    @Override
    public synchronized void onTaskStart(SparkListenerTaskStart start) {
        running++;
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
        running = Math.max(0, running - 1);
        if (!end.taskInfo().successful()) failed++;
    }

    /** A run reused without a task. */
    synchronized void reused() {
        done++;
    }

    /** A run's task came back with its report. */
    synchronized void finished() {
        done++;
        trained++;
    }

    /** A run that failed for good counts as done: nothing more will happen to it. */
    synchronized void gaveUp() {
        done++;
    }

    synchronized int done() {
        return done;
    }

    synchronized String line() {
        return line(study, done, total, running, failed, trained, Duration.ofNanos(System.nanoTime() - startNanos));
    }

    /**
     * The line for these counts; the ETA assumes the runs left take as long as the {@code trained} ones took so far
     * (with as many at once), and is unknown before the first.
     */
    static String line(String study, int done, int total, int running, int failed, int trained, Duration elapsed) {
        String eta;
        if (done >= total) eta = "done";
        else if (trained == 0) eta = "ETA unknown until the first run ends";
        else eta = "ETA " + duration(elapsed.toMillis() / 1000.0 / trained * (total - done));
        return String.format(Locale.ROOT, "%s: %d/%d runs done, %d running, %d failed, %s", study, done, total, running,
                failed, eta);
    }

    /** 45 s, 3 min 05 s, 2 h 10 min. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) return s + " s";
        if (s < 3600) return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }
}
