package digits.train;

/** The training loss became NaN or infinite; training stops at once. */
public class DivergedException extends RuntimeException {
    private final int epoch;
    private final int batch;

    public DivergedException(int epoch, int batch, double loss, double learningRate) {
        this("loss " + loss, epoch, batch, learningRate);
    }

    /** @param what what stopped being finite: "loss NaN", "the weights are no longer finite" */
    public DivergedException(String what, int epoch, int batch, double learningRate) {
        super(String.format("training diverged: %s at epoch %d, batch %d; try a smaller learning rate "
                + "(training.optimizer.learningRate is %s)", what, epoch, batch, learningRate));
        this.epoch = epoch;
        this.batch = batch;
    }

    /** The same divergence, for a subclass that adds where it happened. */
    protected DivergedException(DivergedException e) {
        super(e.getMessage(), e);
        this.epoch = e.epoch;
        this.batch = e.batch;
    }

    public int epoch() {
        return epoch;
    }

    public int batch() {
        return batch;
    }
}
