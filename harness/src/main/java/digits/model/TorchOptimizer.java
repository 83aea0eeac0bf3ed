package digits.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * An optimizer of torch.optim as a DL4J updater, exactly as torch defines its step (where DL4J's own Adam, AdamW
 * and RmsProp differ: DL4J's Adam adds eps to the uncorrected root, its RmsProp adds eps under the root and starts
 * its average at eps, and it has no weight decay that reaches batch norm's parameters). The learning rate (and the
 * momentum, for OneCycleLR) may follow a {@link Schedule}; {@code weightDecay} needs the parameters, which the
 * network hands each block's state once ({@link State#parameters}).
 *
 * <p>Two implementations of each step, checked against each other ({@code DirectStepTest}) and against torch's
 * numbers ({@code UpdaterTest}): {@link State#applyUpdater} in ND4J ops, where DL4J's own layers run, and
 * {@link #step} on plain float arrays, which the direct training step calls.
 *
 * <p>The state lives in DL4J's updater-state array (so checkpoints and model.zip keep it), {@link #stateNames()}
 * consecutive vectors of the block's length.
 */
public abstract class TorchOptimizer implements IUpdater {

    protected double learningRate;
    protected double weightDecay;
    protected Schedule schedule;

    protected TorchOptimizer() {
        // for DL4J's JSON (ModelSerializer)
    }

    protected TorchOptimizer(double learningRate, double weightDecay, Schedule schedule) {
        this.learningRate = learningRate;
        this.weightDecay = weightDecay;
        this.schedule = schedule;
    }

    /** The names of the state vectors, in the order they lie in the state array (DL4J's state map uses them). */
    protected abstract String[] stateNames();

    /**
     * One step of the block on plain floats: {@code p} the parameters, {@code g} the mean gradient over the batch
     * (may be overwritten), {@code state} the state vectors one after the other, {@code len} floats each.
     */
    abstract void step(float[] p, float[] g, float[] state, int len, int iteration, int epoch);

    /**
     * The ND4J version: from the block's mean gradient {@code g}, replaced by what DL4J then subtracts from the
     * parameters {@code p}; {@code state} as {@link #stateNames()}.
     */
    protected abstract void update(INDArray p, INDArray g, INDArray[] state, int iteration, int epoch);

    public double weightDecay() {
        return weightDecay;
    }

    public Schedule schedule() {
        return schedule;
    }

    /** The rate of the step. */
    public double learningRate(int iteration, int epoch) {
        return schedule == null ? learningRate : schedule.learningRate(iteration, epoch);
    }

    /** The momentum (or first beta) of the step: {@code fixed}, unless the schedule cycles it. */
    protected double momentum(int iteration, int epoch, double fixed) {
        return schedule == null ? fixed : schedule.momentum(iteration, epoch, fixed);
    }

    @Override
    public long stateSize(long numParams) {
        return stateNames().length * numParams;
    }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        State u = new State(this);
        if (viewArray != null) u.setStateViewArray(viewArray, viewArray.shape(), viewArray.ordering(), initializeViewArray);
        return u;
    }

    @Override
    public GradientUpdater instantiate(Map<String, INDArray> updaterState, boolean initializeStateArrays) {
        State u = new State(this);
        u.setState(updaterState, initializeStateArrays);
        return u;
    }

    @Override
    public abstract TorchOptimizer clone();

    @Override
    public double getLearningRate(int iteration, int epoch) {
        return learningRate(iteration, epoch);
    }

    @Override
    public boolean hasLearningRate() {
        return true;
    }

    @Override
    public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
        if (lrSchedule != null) throw new UnsupportedOperationException("the spec's schedule is set at construction");
        this.learningRate = lr;
    }

    /** The settings every subclass shares, for its equals. */
    protected boolean sameBase(TorchOptimizer o) {
        return o.getClass() == getClass() && o.learningRate == learningRate && o.weightDecay == weightDecay
                && java.util.Objects.equals(o.schedule, schedule);
    }

    /** One block's state vectors, views into DL4J's updater-state array, and the block's parameters. */
    public static final class State implements GradientUpdater<TorchOptimizer> {
        private final TorchOptimizer config;
        private INDArray[] state = new INDArray[0];
        private INDArray parameters;

        State(TorchOptimizer config) {
            this.config = config;
        }

        @Override
        public TorchOptimizer getConfig() {
            return config;
        }

        /** The block's parameters (a view of the network's), which weight decay reads. */
        public void parameters(INDArray view) {
            parameters = view;
        }

        public boolean hasParameters() {
            return parameters != null;
        }

        @Override
        public void setState(Map<String, INDArray> stateMap, boolean initialize) {
            String[] names = config.stateNames();
            state = new INDArray[names.length];
            for (int i = 0; i < names.length; i++) {
                state[i] = stateMap.get(names[i]);
                if (state[i] == null) throw new IllegalStateException(config + " state needs key " + names[i]);
                if (initialize) state[i].assign(0);
            }
        }

        @Override
        public Map<String, INDArray> getState() {
            Map<String, INDArray> out = new LinkedHashMap<>();
            String[] names = config.stateNames();
            for (int i = 0; i < names.length; i++) out.put(names[i], state[i]);
            return Collections.unmodifiableMap(out);
        }

        @Override
        public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
            if (initialize) viewArray.assign(0);
            String[] names = config.stateNames();
            state = new INDArray[names.length];
            long len = viewArray.length() / Math.max(1, names.length);
            INDArray flat = viewArray.reshape(viewArray.length());
            for (int i = 0; i < names.length; i++) {
                state[i] = flat.get(NDArrayIndex.interval(i * len, (i + 1) * len));
            }
        }

        @Override
        public void applyUpdater(INDArray gradient, int iteration, int epoch) {
            if (config.weightDecay != 0 && parameters == null) {
                throw new IllegalStateException("weight decay needs the block's parameters; none were given");
            }
            INDArray g = gradient.rank() == 1 ? gradient : gradient.reshape(gradient.length());
            INDArray p = parameters == null ? null : parameters.reshape(parameters.length());
            config.update(p, g, state, iteration, epoch);
            if (g != gradient) gradient.assign(g.reshape(gradient.shape()));
        }
    }
}
