package digits.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The initial parameters PyTorch gives {@code nn.Linear} and {@code nn.Conv2d} after {@code torch.manual_seed}:
 * layer by layer in construction order (the network's order: activations, pooling, flatten and dropout have no
 * parameters), the weight then the bias, each filled element by element in torch's row-major layout from one
 * {@link TorchGenerator}. Weight: {@code kaiming_uniform_(a = sqrt(5))}; bias: U(+-1/sqrt(fan_in)).
 */
public final class TorchInit {

    private TorchInit() {}

    /** Overwrites every dense and convolution layer's W and b; the generator is left after the last draw. */
    public static void apply(MultiLayerNetwork net, TorchGenerator generator) {
        for (Layer layer : net.getLayers()) {
            if (layer.numParams() == 0) continue;
            INDArray w = layer.paramTable().get("W");
            INDArray b = layer.paramTable().get("b");
            if (w == null || b == null) {
                throw new IllegalStateException("layer " + layer.getIndex() + " has parameters other than W and b: "
                        + layer.paramTable().keySet());
            }
            long fanIn = w.rank() == 4 ? w.size(1) * w.size(2) * w.size(3) : w.size(0);
            float[] weight = new float[(int) w.length()];
            generator.uniform(weight, -kaimingBound(fanIn), kaimingBound(fanIn));
            // torch's weight is [out, in] (dense) or [out, in, kh, kw] (conv), row-major; DL4J's dense W is [in, out]
            long[] torchShape = w.rank() == 4 ? w.shape() : new long[] {w.size(1), w.size(0)};
            INDArray drawn = Nd4j.create(weight, torchShape, 'c');
            w.assign(w.rank() == 4 ? drawn : drawn.transpose());
            float[] bias = new float[(int) b.length()];
            generator.uniform(bias, -biasBound(fanIn), biasBound(fanIn));
            b.assign(Nd4j.create(bias, b.shape(), 'c'));
        }
    }

    /** {@code kaiming_uniform_(w, a=sqrt(5))}'s bound, in torch/nn/init.py's double arithmetic. */
    static double kaimingBound(long fanIn) {
        double a = Math.sqrt(5);
        double gain = Math.sqrt(2.0 / (1 + a * a));
        return Math.sqrt(3.0) * (gain / Math.sqrt(fanIn));
    }

    static double biasBound(long fanIn) {
        return 1 / Math.sqrt(fanIn);
    }
}
