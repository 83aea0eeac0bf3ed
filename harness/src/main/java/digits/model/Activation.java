package digits.model;

import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;

/**
 * The activations the seed's layers carry (identity, ReLU, LeakyReLU), applied in place on heap copies of a
 * kernel's output. The derivative is read from the output: with a positive slope, output > 0 exactly where the
 * input is, so no pre-activation has to be kept.
 */
final class Activation {

    static final Activation IDENTITY = new Activation(1f);
    static final Activation RELU = new Activation(0f);

    /** The factor below zero: 0 for ReLU, the slope for LeakyReLU, 1 for identity. */
    final float slope;

    private Activation(float slope) {
        this.slope = slope;
    }

    /** The activation of a DL4J layer, or null for one not covered here. */
    static Activation of(IActivation fn) {
        if (fn instanceof ActivationIdentity) return IDENTITY;
        if (fn instanceof ActivationReLU r) {
            boolean plain = r.getMax() == null && (r.getThreshold() == null || r.getThreshold() == 0)
                    && (r.getNegativeSlope() == null || r.getNegativeSlope() == 0);
            return plain ? RELU : null;
        }
        if (fn instanceof ActivationLReLU l && l.getAlpha() > 0 && l.getAlpha() < 1) return new Activation((float) l.getAlpha());
        return null;
    }

    boolean isIdentity() {
        return slope == 1f;
    }

    /** {@code v[from..from+len) += bias[0..len)}, then the activation. */
    void biasForward(float[] v, int from, float[] bias, int len) {
        if (slope == 1f) {
            for (int i = 0; i < len; i++) v[from + i] += bias[i];
        } else if (slope == 0f) {
            for (int i = 0; i < len; i++) v[from + i] = Math.max(v[from + i] + bias[i], 0f);
        } else {
            for (int i = 0; i < len; i++) {
                float x = v[from + i] + bias[i];
                v[from + i] = x < 0f ? x * slope : x;
            }
        }
    }

    /** The activation in place on {@code v[from..from+len)}. */
    void forward(float[] v, int from, int len) {
        if (slope == 1f) return;
        if (slope == 0f) {
            for (int i = from; i < from + len; i++) v[i] = Math.max(v[i], 0f);
        } else {
            for (int i = from; i < from + len; i++) v[i] = v[i] < 0f ? v[i] * slope : v[i];
        }
    }

    /** {@code d[i] *= f'(x)} where {@code a[i] = f(x)}, for {@code i < len}. */
    void backward(float[] d, float[] a, int len) {
        if (slope == 1f) return;
        if (slope == 0f) {
            for (int i = 0; i < len; i++) d[i] = a[i] > 0f ? d[i] : 0f;
        } else {
            for (int i = 0; i < len; i++) d[i] = a[i] > 0f ? d[i] : d[i] * slope;
        }
    }
}
