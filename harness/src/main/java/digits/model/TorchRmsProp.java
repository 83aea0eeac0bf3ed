package digits.model;

import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * torch.optim.RMSprop (not centered) as torch 1.13 steps it: {@code g += wd*p; s = alpha*s + (1-alpha)*g*g;
 * a = sqrt(s) + eps}, then {@code p -= lr * g/a}, or with momentum {@code buf = mu*buf + g/a; p -= lr*buf}. DL4J's
 * RmsProp takes {@code sqrt(s + eps)} and starts {@code s} at eps rather than 0.
 */
public final class TorchRmsProp extends TorchOptimizer {

    private double alpha;
    private double eps;
    private double momentum;

    private TorchRmsProp() {
        // for DL4J's JSON (ModelSerializer)
    }

    public TorchRmsProp(double learningRate, double alpha, double eps, double momentum, double weightDecay,
                        Schedule schedule) {
        super(learningRate, weightDecay, schedule);
        this.alpha = alpha;
        this.eps = eps;
        this.momentum = momentum;
    }

    private boolean buffered() {
        return momentum > 0 || schedule != null && schedule.cyclesMomentum();
    }

    @Override
    protected String[] stateNames() {
        return buffered() ? new String[] {"square_avg", "momentum_buffer"} : new String[] {"square_avg"};
    }

    @Override
    void step(float[] p, float[] g, float[] state, int len, int iteration, int epoch) {
        float lr = (float) learningRate(iteration, epoch), mu = (float) momentum(iteration, epoch, momentum);
        float wd = (float) weightDecay, a = (float) alpha, c = (float) (1 - alpha), feps = (float) eps;
        boolean buffered = buffered();
        for (int i = 0; i < len; i++) {
            float d = wd == 0 ? g[i] : g[i] + wd * p[i];
            float s = state[i] = a * state[i] + c * d * d;
            float scaled = d / ((float) Math.sqrt(s) + feps);
            if (buffered) scaled = state[len + i] = mu * state[len + i] + scaled;
            p[i] -= lr * scaled;
        }
    }

    @Override
    protected void update(INDArray p, INDArray g, INDArray[] state, int iteration, int epoch) {
        double lr = learningRate(iteration, epoch), mu = momentum(iteration, epoch, momentum);
        if (weightDecay != 0) g.addi(p.mul(weightDecay));
        INDArray s = state[0];
        s.muli(alpha).addi(g.mul(g).muli(1 - alpha));
        g.divi(Transforms.sqrt(s, true).addi(eps));
        if (state.length > 1) g.assign(state[1].muli(mu).addi(g));
        g.muli(lr);
    }

    @Override
    public TorchRmsProp clone() {
        return new TorchRmsProp(learningRate, alpha, eps, momentum, weightDecay, schedule);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TorchRmsProp r && sameBase(r) && r.alpha == alpha && r.eps == eps && r.momentum == momentum;
    }

    @Override
    public int hashCode() {
        return Objects.hash(learningRate, weightDecay, schedule, alpha, eps, momentum);
    }

    @Override
    public String toString() {
        return "TorchRmsProp(lr=" + learningRate + ", alpha=" + alpha + ", eps=" + eps + ", momentum=" + momentum
                + ", weightDecay=" + weightDecay + ", schedule=" + schedule + ")";
    }
}
