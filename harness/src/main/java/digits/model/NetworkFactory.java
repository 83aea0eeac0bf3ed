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
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
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

    /**
     * The network of {@code spec}, for a schedule stepped per batch over a training set the size the spec names
     * ({@link #batchesPerEpoch}); a run passes the count of the data it loaded to {@link #build(ExperimentSpec, int)}.
     */
    public static DigitsNetwork build(ExperimentSpec spec) {
        return build(spec, batchesPerEpoch(spec));
    }

    /** @param batchesPerEpoch the training batches of one epoch (what a schedule stepped per batch counts in) */
    public static DigitsNetwork build(ExperimentSpec spec, int batchesPerEpoch) {
        Nd4jSetup.applyThreads();
        ModelSpec m = spec.model();
        TrainingSpec t = spec.training();
        boolean torchInit = TrainingSpec.INIT_PYTORCH.equals(t.weightInit());
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(t.seed())
                .dataType(DataType.FLOAT)
                .updater(updater(t, batchesPerEpoch))
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
        int h = m.height(), w = m.width(); // the image size each layer receives (for global pooling)
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec layer = layers.get(i);
            // An activation right after a dense or conv layer is folded into it: same maths, one pass less.
            IActivation next = i + 1 < layers.size() ? activationOf(layers.get(i + 1)) : null;
            Layer built = toLayer(layer, next, h, w);
            if (built != null) list.layer(built);
            if (next != null && (layer instanceof LayerSpec.Dense || layer instanceof LayerSpec.Conv2d)) i++;
            if (layer instanceof LayerSpec.Conv2d c) {
                h = (h + c.paddingBefore() + c.paddingAfter() - c.kernel()) / c.stride() + 1;
                w = (w + c.paddingBefore() + c.paddingAfter() - c.kernel()) / c.stride() + 1;
            } else if (layer instanceof LayerSpec.MaxPool p) {
                h = (h - p.size()) / p.effectiveStride() + 1;
                w = (w - p.size()) / p.effectiveStride() + 1;
            } else if (layer instanceof LayerSpec.AvgPool p) {
                h = (h - p.size()) / p.effectiveStride() + 1;
                w = (w - p.size()) / p.effectiveStride() + 1;
            } else if (layer instanceof LayerSpec.GlobalAvgPool) {
                h = 1;
                w = 1;
            }
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
        net.useTorchBatchNorm();
        // where DL4J's own layers run (-Ddigits.directStep=false, or a network DirectStep does not cover), their
        // convolutions and pooling go through libnd4j's native ops
        NativeConvHelpers.install(net);
        return net;
    }

    /** The DL4J layer of {@code layer}, which receives h x w images (when it receives images). */
    private static Layer toLayer(LayerSpec layer, IActivation next, int h, int w) {
        IActivation act = next != null ? next : Activation.IDENTITY.getActivationFunction();
        if (layer instanceof LayerSpec.Dense d) {
            return new DenseLayer.Builder().nOut(d.units()).activation(act).build();
        } else if (layer instanceof LayerSpec.Conv2d c) {
            var conv = new ConvolutionLayer.Builder(c.kernel(), c.kernel()).stride(c.stride(), c.stride())
                    .nOut(c.filters()).activation(act);
            // padding: same pads as much before as after, except one more after for an even kernel: DL4J's Same mode
            if (c.paddingBefore() == c.paddingAfter()) conv.padding(c.paddingBefore(), c.paddingBefore());
            else conv.convolutionMode(ConvolutionMode.Same);
            return conv.build();
        } else if (layer instanceof LayerSpec.MaxPool p) {
            return new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(p.size(), p.size())
                    .stride(p.effectiveStride(), p.effectiveStride()).build();
        } else if (layer instanceof LayerSpec.AvgPool p) {
            return new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(p.size(), p.size())
                    .stride(p.effectiveStride(), p.effectiveStride()).build();
        } else if (layer instanceof LayerSpec.GlobalAvgPool) {
            // one window over the whole image: channels x 1 x 1, as nn.AdaptiveAvgPool2d(1)
            return new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(h, w).stride(1, 1).build();
        } else if (layer instanceof LayerSpec.BatchNorm b) {
            // DL4J's decay is torch's 1 - momentum; the variance itself (not log10 of the deviation) is kept, as torch
            // keeps running_var; TorchBatchNormLayer makes its update torch's (unbiased)
            return new BatchNormalization.Builder().decay(1 - b.momentum()).eps(b.eps()).useLogStd(false).build();
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

    /**
     * The seed's optimizer, torch.optim.SGD without weight decay or schedule: plain, Nesterov (DL4J's formulation is
     * algebraically the same), or heavy-ball; the updaters the seed specs were measured with.
     */
    public static IUpdater updater(TrainingSpec.OptimizerSpec o) {
        if (o.momentum() == 0) return new Sgd(o.learningRate());
        if (o.nesterov()) return new Nesterovs(o.learningRate(), o.momentum());
        return new SgdMomentum(o.learningRate(), o.momentum());
    }

    /**
     * The optimizer of {@code t} with its schedule: the seed's SGD as {@link #updater(TrainingSpec.OptimizerSpec)}, and
     * anything beyond it (another optimizer, weight decay, a schedule) as torch defines it ({@link TorchOptimizer}).
     */
    public static IUpdater updater(TrainingSpec t, int batchesPerEpoch) {
        TrainingSpec.OptimizerSpec o = t.optimizer();
        Schedule schedule = Schedule.of(t.schedule(), o.learningRate(), t.epochs(), batchesPerEpoch);
        return switch (o.type()) {
            case TrainingSpec.OptimizerSpec.ADAM, TrainingSpec.OptimizerSpec.ADAMW -> new TorchAdam(o.learningRate(),
                    o.betas().get(0), o.betas().get(1), o.eps(), o.decay(),
                    TrainingSpec.OptimizerSpec.ADAMW.equals(o.type()), schedule);
            case TrainingSpec.OptimizerSpec.RMSPROP -> new TorchRmsProp(o.learningRate(), o.alpha(), o.eps(),
                    o.momentum(), o.decay(), schedule);
            default -> schedule == null && o.decay() == 0 ? updater(o)
                    : new TorchSgd(o.learningRate(), o.momentum(), o.nesterov(), o.decay(), schedule);
        };
    }

    /**
     * The training batches of one epoch as the spec's dataset gives them (MNIST's 60,000 or the two-digit set's
     * {@code trainCount}, less the dev set, capped by {@code trainLimit}); for IDX files, whose size the spec does
     * not say, 1.
     */
    public static int batchesPerEpoch(ExperimentSpec spec) {
        var d = spec.dataset();
        int all = switch (d.name()) {
            case digits.spec.DatasetSpec.MNIST -> 60_000;
            case digits.spec.DatasetSpec.MULTI_DIGIT -> d.multiDigit().trainCount();
            default -> d.trainLimit() == null ? spec.training().batchSize() : d.trainLimit();
        };
        if (d.trainLimit() != null) all = Math.min(all, d.trainLimit());
        return Math.max(1, digits.data.DataSplit.devSplitIndex(all, d.devFraction()) / spec.training().batchSize());
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
