package digits.train;

import java.time.Duration;
import java.util.function.Consumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Shows training progress: a live bar (batches, images/s, ETA, running loss and accuracy) in an
 * interactive terminal; in batch mode ({@code mvn -B}, CI) a line every {@code interval} and none
 * in between, so logs stay short.
 */
public final class Progress {

    private final boolean interactive;
    private final Consumer<String> log;
    private final long intervalNanos;
    private ProgressBar bar;
    private String label;
    private int total;
    private int batchSize;
    private long started;
    private long lastLine;

    public Progress(boolean interactive, Consumer<String> log, Duration interval) {
        this.interactive = interactive;
        this.log = log;
        this.intervalNanos = interval.toNanos();
    }

    public void startEpoch(int epoch, int epochs, int batches, int batchSize) {
        this.label = "epoch " + epoch + "/" + epochs;
        this.total = batches;
        this.batchSize = batchSize;
        this.started = System.nanoTime();
        this.lastLine = started;
        if (interactive) {
            bar = new ProgressBarBuilder().setTaskName(label).setInitialMax(batches).setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(250).showSpeed().setUnit(" batches", 1).continuousUpdate().build();
        }
    }

    /** After batch {@code done} (1-based), with the running means of the epoch so far. */
    public void step(int done, double runningLoss, double runningAccuracy) {
        String stats = String.format("loss %.4f acc %.4f", runningLoss, runningAccuracy);
        if (bar != null) {
            bar.stepTo(done);
            bar.setExtraMessage(String.format(" %.0f img/s %s", imagesPerSecond(done), stats));
            return;
        }
        long now = System.nanoTime();
        if (now - lastLine >= intervalNanos && done < total) {
            lastLine = now;
            double rate = imagesPerSecond(done);
            long eta = rate > 0 ? Math.round((total - done) * (double) batchSize / rate) : 0;
            log.accept(String.format("  %s  batch %d/%d  %.0f img/s  ETA %d:%02d  %s", label, done, total, rate,
                    eta / 60, eta % 60, stats));
        }
    }

    public void endEpoch() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    private double imagesPerSecond(int done) {
        double seconds = (System.nanoTime() - started) / 1e9;
        return seconds > 0 ? done * (double) batchSize / seconds : 0;
    }
}
