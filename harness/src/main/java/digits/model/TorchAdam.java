package digits.model;

import java.util.Objects;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * torch.optim.Adam, and AdamW ({@code decoupled}), as torch 1.13 steps them: with {@code t} the step number (the
 * run's iteration + 1) and {@code b1} the first beta (or OneCycleLR's momentum),
 * {@code g += wd*p} (Adam) or {@code p *= 1 - lr*wd} (AdamW); {@code m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g*g;
 * p -= lr/(1 - b1^t) * m / (sqrt(v)/sqrt(1 - b2^t) + eps)}. DL4J's Adam adds eps to {@code sqrt(v)} before the bias
 * correction, which moves every early step.
 */
public final class TorchAdam extends TorchOptimizer {

    private double beta1;
    private double beta2;
    private double eps;
    private boolean decoupled;

    private TorchAdam() {
        // for DL4J's JSON (ModelSerializer)
    }

    public TorchAdam(double learningRate, double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
                     Schedule schedule) {
        super(learningRate, weightDecay, schedule);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.decoupled = decoupled;
    }

    public boolean decoupled() {
        return decoupled;
    }

    @Override
    protected String[] stateNames() {
        return new String[] {"exp_avg", "exp_avg_sq"};
    }

    @Override
    void step(float[] p, float[] g, float[] state, int len, int iteration, int epoch) {
        double lr = learningRate(iteration, epoch), b1 = momentum(iteration, epoch, beta1);
        int t = iteration + 1;
        float stepSize = (float) (lr / (1 - Math.pow(b1, t)));
        float correction = (float) Math.sqrt(1 - Math.pow(beta2, t));
        float decay = (float) (decoupled ? 1 - lr * weightDecay : 1), wd = (float) (decoupled ? 0 : weightDecay);
        float fb1 = (float) b1, fb2 = (float) beta2, c1 = (float) (1 - b1), c2 = (float) (1 - beta2), feps = (float) eps;
        for (int i = 0; i < len; i++) {
            float d = wd == 0 ? g[i] : g[i] + wd * p[i];
            float m = state[i] = fb1 * state[i] + c1 * d;
            float v = state[len + i] = fb2 * state[len + i] + c2 * d * d;
            p[i] = p[i] * decay - stepSize * m / ((float) Math.sqrt(v) / correction + feps);
        }
    }

    @Override
    protected void update(INDArray p, INDArray g, INDArray[] state, int iteration, int epoch) {
        double lr = learningRate(iteration, epoch), b1 = momentum(iteration, epoch, beta1);
        int t = iteration + 1;
        if (!decoupled && weightDecay != 0) g.addi(p.mul(weightDecay));
        INDArray m = state[0], v = state[1];
        m.muli(b1).addi(g.mul(1 - b1));
        v.muli(beta2).addi(g.mul(g).muli(1 - beta2));
        INDArray denom = Transforms.sqrt(v, true).divi(Math.sqrt(1 - Math.pow(beta2, t))).addi(eps);
        g.assign(m).divi(denom).muli(lr / (1 - Math.pow(b1, t)));
        if (decoupled && weightDecay != 0) g.addi(p.mul(lr * weightDecay));
    }

    @Override
    public TorchAdam clone() {
        return new TorchAdam(learningRate, beta1, beta2, eps, weightDecay, decoupled, schedule);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TorchAdam a && sameBase(a) && a.beta1 == beta1 && a.beta2 == beta2 && a.eps == eps
                && a.decoupled == decoupled;
    }

    @Override
    public int hashCode() {
        return Objects.hash(learningRate, weightDecay, schedule, beta1, beta2, eps, decoupled);
    }

    @Override
    public String toString() {
        return (decoupled ? "TorchAdamW" : "TorchAdam") + "(lr=" + learningRate + ", betas=" + beta1 + "/" + beta2
                + ", eps=" + eps + ", weightDecay=" + weightDecay + ", schedule=" + schedule + ")";
    }
}
