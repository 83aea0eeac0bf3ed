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

    public int epoch() {
        return epoch;
    }

    public int batch() {
        return batch;
    }
}
