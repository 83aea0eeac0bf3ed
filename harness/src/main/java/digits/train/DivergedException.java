package digits.train;

/** The training loss became NaN or infinite; training stops at once. */
public class DivergedException extends RuntimeException {
    private final int epoch;
    private final int batch;

    public DivergedException(int epoch, int batch, double loss, double learningRate) {
        super(String.format("training diverged: loss %s at epoch %d, batch %d; try a smaller learning rate "
                + "(training.optimizer.learningRate is %s)", loss, epoch, batch, learningRate));
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
