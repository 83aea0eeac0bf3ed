package digits.model;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * torch.optim.SGD with classic (heavy-ball) momentum and no dampening: {@code buf = mu*buf + g;
 * p -= lr*buf}. DL4J ships plain SGD and Nesterov momentum but not this one, which the seed's
 * two-digit models use (momentum 0.9, nesterov False).
 */
public final class SgdMomentum implements IUpdater {

    private double learningRate;
    private double momentum;

    private SgdMomentum() {
        // for DL4J's JSON (ModelSerializer)
    }

    public SgdMomentum(double learningRate, double momentum) {
        this.learningRate = learningRate;
        this.momentum = momentum;
    }

    public double momentum() {
        return momentum;
    }

    @Override
    public long stateSize(long numParams) {
        return numParams;
    }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        Updater u = new Updater(this);
        long[] shape = viewArray.shape();
        u.setStateViewArray(viewArray, shape, viewArray.ordering(), initializeViewArray);
        return u;
    }

    @Override
    public GradientUpdater instantiate(Map<String, INDArray> updaterState, boolean initializeStateArrays) {
        Updater u = new Updater(this);
        u.setState(updaterState, initializeStateArrays);
        return u;
    }

    @Override
    public SgdMomentum clone() {
        return new SgdMomentum(learningRate, momentum);
    }

    @Override
    public double getLearningRate(int iteration, int epoch) {
        return learningRate;
    }

    @Override
    public boolean hasLearningRate() {
        return true;
    }

    @Override
    public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
        if (lrSchedule != null) throw new UnsupportedOperationException("learning-rate schedules are not supported");
        this.learningRate = lr;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SgdMomentum s && s.learningRate == learningRate && s.momentum == momentum;
    }

    @Override
    public int hashCode() {
        return Objects.hash(learningRate, momentum);
    }

    @Override
    public String toString() {
        return "SgdMomentum(lr=" + learningRate + ", momentum=" + momentum + ")";
    }

    /** The per-block state: the momentum buffer, a view into DL4J's updater state array. */
    static final class Updater implements GradientUpdater<SgdMomentum> {
        static final String BUF = "M";
        private final SgdMomentum config;
        private INDArray buf;

        Updater(SgdMomentum config) {
            this.config = config;
        }

        @Override
        public SgdMomentum getConfig() {
            return config;
        }

        @Override
        public void setState(Map<String, INDArray> stateMap, boolean initialize) {
            buf = stateMap.get(BUF);
            if (buf == null) throw new IllegalStateException("momentum state needs key " + BUF);
            if (initialize) buf.assign(0);
        }

        @Override
        public Map<String, INDArray> getState() {
            return Collections.singletonMap(BUF, buf);
        }

        @Override
        public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
            if (initialize) viewArray.assign(0);
            buf = Shape.newShapeNoCopy(viewArray, gradientShape, gradientOrder == 'f');
            if (buf == null) throw new IllegalStateException("could not reshape the momentum buffer");
        }

        @Override
        public void applyUpdater(INDArray gradient, int iteration, int epoch) {
            // buf = mu * buf + g ; the update DL4J subtracts is lr * buf
            INDArray g = gradient.reshape(buf.shape());
            buf.muli(config.momentum).addi(g);
            g.assign(buf).muli(config.learningRate);
        }
    }
}
