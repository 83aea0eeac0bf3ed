package digits.model;

import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * torch.optim.SGD with everything it offers beside the seed's settings: weight decay (L2, added to the gradient) and a
 * schedule (which may cycle the momentum). Without dampening:
 * {@code d = g + wd*p; buf = mu*buf + d; d = nesterov ? d + mu*buf : buf; p -= lr*d}. The seed's plain settings keep
 * DL4J's Sgd, {@link SgdMomentum} and Nesterovs (see NetworkFactory), whose numbers the seed specs were measured with.
 */
public final class TorchSgd extends TorchOptimizer {

    private double momentum;
    private boolean nesterov;

    private TorchSgd() {
        // for DL4J's JSON (ModelSerializer)
    }

    public TorchSgd(double learningRate, double momentum, boolean nesterov, double weightDecay, Schedule schedule) {
        super(learningRate, weightDecay, schedule);
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    /** A momentum buffer where there is momentum, or where the schedule sets one (OneCycleLR). */
    @Override
    protected String[] stateNames() {
        return momentum > 0 || schedule != null && schedule.cyclesMomentum() ? new String[] {"momentum_buffer"}
                : new String[0];
    }

    @Override
    void step(float[] p, float[] g, float[] state, int len, int iteration, int epoch) {
        float lr = (float) learningRate(iteration, epoch), mu = (float) momentum(iteration, epoch, momentum);
        float wd = (float) weightDecay;
        boolean buffer = stateNames().length > 0;
        for (int i = 0; i < len; i++) {
            float d = wd == 0 ? g[i] : g[i] + wd * p[i];
            if (buffer) {
                float buf = state[i] = mu * state[i] + d;
                d = nesterov ? d + mu * buf : buf;
            }
            p[i] -= lr * d;
        }
    }

    @Override
    protected void update(INDArray p, INDArray g, INDArray[] state, int iteration, int epoch) {
        double lr = learningRate(iteration, epoch), mu = momentum(iteration, epoch, momentum);
        if (weightDecay != 0) g.addi(p.mul(weightDecay));
        if (state.length > 0) {
            INDArray buf = state[0];
            buf.muli(mu).addi(g);
            if (nesterov) g.addi(buf.mul(mu));
            else g.assign(buf);
        }
        g.muli(lr);
    }

    @Override
    public TorchSgd clone() {
        return new TorchSgd(learningRate, momentum, nesterov, weightDecay, schedule);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TorchSgd s && sameBase(s) && s.momentum == momentum && s.nesterov == nesterov;
    }

    @Override
    public int hashCode() {
        return Objects.hash(learningRate, weightDecay, schedule, momentum, nesterov);
    }

    @Override
    public String toString() {
        return "TorchSgd(lr=" + learningRate + ", momentum=" + momentum + ", nesterov=" + nesterov + ", weightDecay="
                + weightDecay + ", schedule=" + schedule + ")";
    }
}
