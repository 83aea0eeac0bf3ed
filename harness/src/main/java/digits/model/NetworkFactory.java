package digits.model;

import digits.spec.ExperimentSpec;
import digits.spec.LayerSpec;
import digits.spec.ModelSpec;
import digits.spec.TrainingSpec;
import java.util.List;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Builds the DL4J network a spec describes. The last layer is a plain dense layer producing
 * {@code heads * classes} logits; softmax and cross-entropy live in the training loop, per head,
 * exactly like {@code F.cross_entropy} on the seed's slices.
 */
public final class NetworkFactory {

    private NetworkFactory() {}

    public static DigitsNetwork build(ExperimentSpec spec) {
        Nd4jSetup.applyThreads();
        ModelSpec m = spec.model();
        TrainingSpec t = spec.training();
        boolean torchInit = TrainingSpec.INIT_PYTORCH.equals(t.weightInit());
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(t.seed())
                .dataType(DataType.FLOAT)
                .updater(updater(t.optimizer()))
                .weightInit(switch (t.weightInit()) {
                    case "xavier" -> WeightInit.XAVIER;
                    case "he" -> WeightInit.RELU;
                    default -> WeightInit.UNIFORM; // U(+-1/sqrt(fan_in)), PyTorch's default for weights
                })
                .convolutionMode(ConvolutionMode.Truncate)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .list();

        List<LayerSpec> layers = m.layers();
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec layer = layers.get(i);
            // An activation right after a dense or conv layer is folded into it: same maths, one pass less.
            IActivation next = i + 1 < layers.size() ? activationOf(layers.get(i + 1)) : null;
            Layer built = toLayer(layer, next);
            if (built != null) list.layer(built);
            if (next != null && (layer instanceof LayerSpec.Dense || layer instanceof LayerSpec.Conv2d)) i++;
        }
        int logits = m.output().heads() * m.output().classes();
        list.layer(new DenseLayer.Builder().nOut(logits).activation(Activation.IDENTITY).build());
        list.setInputType(InputType.convolutionalFlat(m.height(), m.width(), m.channels()));

        DigitsNetwork net = new DigitsNetwork(list.build());
        net.init();
        if (TrainingSpec.GENERATOR_TORCH.equals(t.generator())) {
            // torch.manual_seed(seed), then the model's construction draws, then every dropout mask: one stream
            TorchGenerator generator = new TorchGenerator(t.seed());
            if (torchInit) TorchInit.apply(net, generator);
            net.useTorchDropout(generator);
        } else if (torchInit) {
            torchBiases(net, t.seed());
        }
        // where DL4J's own layers run (-Ddigits.directStep=false, or a network DirectStep does not cover), their
        // convolutions and pooling go through libnd4j's native ops
        if (!Boolean.getBoolean("digits.javaConv")) NativeConvHelpers.install(net);
        return net;
    }

    private static Layer toLayer(LayerSpec layer, IActivation next) {
        IActivation act = next != null ? next : Activation.IDENTITY.getActivationFunction();
        if (layer instanceof LayerSpec.Dense d) {
            return new DenseLayer.Builder().nOut(d.units()).activation(act).build();
        } else if (layer instanceof LayerSpec.Conv2d c) {
            return new ConvolutionLayer.Builder(c.kernel(), c.kernel()).stride(c.stride(), c.stride())
                    .padding(c.padding(), c.padding()).nOut(c.filters()).activation(act).build();
        } else if (layer instanceof LayerSpec.MaxPool p) {
            return new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(p.size(), p.size())
                    .stride(p.effectiveStride(), p.effectiveStride()).build();
        } else if (layer instanceof LayerSpec.Dropout d) {
            return new DropoutLayer.Builder(1.0 - d.p()).build(); // DL4J takes the keep probability
        } else if (layer instanceof LayerSpec.Relu) {
            return new ActivationLayer.Builder().activation(new ActivationReLU()).build();
        } else if (layer instanceof LayerSpec.LeakyRelu r) {
            return new ActivationLayer.Builder().activation(new ActivationLReLU(r.slope())).build();
        }
        return null; // flatten: DL4J inserts the CNN-to-dense reshape itself
    }

    private static IActivation activationOf(LayerSpec layer) {
        if (layer instanceof LayerSpec.Relu) return new ActivationReLU();
        if (layer instanceof LayerSpec.LeakyRelu r) return new ActivationLReLU(r.slope());
        return null;
    }

    /** torch.optim.SGD semantics: plain, Nesterov (DL4J's formulation is algebraically the same), or heavy-ball. */
    public static IUpdater updater(TrainingSpec.OptimizerSpec o) {
        if (o.momentum() == 0) return new Sgd(o.learningRate());
        if (o.nesterov()) return new Nesterovs(o.learningRate(), o.momentum());
        return new SgdMomentum(o.learningRate(), o.momentum());
    }

    /**
     * {@code generator: nd4j}: biases uniform in +-1/sqrt(fan_in), as nn.Linear and nn.Conv2d initialise them (DL4J
     * uses a constant), drawn from ND4J's generator like the weights.
     */
    private static void torchBiases(MultiLayerNetwork net, long seed) {
        Nd4j.getRandom().setSeed(seed + 1);
        for (org.deeplearning4j.nn.api.Layer layer : net.getLayers()) {
            if (layer.numParams() == 0) continue;
            INDArray w = layer.paramTable().get("W");
            INDArray b = layer.paramTable().get("b");
            if (w == null || b == null) continue;
            long fanIn = w.rank() == 4 ? w.size(1) * w.size(2) * w.size(3) : w.size(0);
            double bound = 1.0 / Math.sqrt(fanIn);
            b.assign(Nd4j.rand(b.dataType(), b.shape()).muli(2 * bound).subi(bound));
        }
    }
}
