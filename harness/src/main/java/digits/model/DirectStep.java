package digits.model;

import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sasum;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_saxpy;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sscal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.updater.MultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * The training step and inference of a {@link DigitsNetwork} straight through one {@link Kernel} per layer
 * (oneDNN's primitives, the kernels PyTorch runs on the CPU), with the SGD update applied to DL4J's own parameter,
 * gradient and updater-state arrays by level-1 BLAS calls.
 *
 * <p>Why: DL4J runs each layer through its workspace and validation machinery and each update through a chain of
 * ND4J ops of 10-40 microseconds each; its convolutions go through libnd4j's generic oneDNN helper in plain NCHW
 * layout, running the forward convolution again in backprop. Here activations between convolution and pooling
 * stay in oneDNN's blocked layout, the primitives are built once per batch size, and nothing is allocated per
 * step. The network's layers, parameters, updater state and {@code model.zip} are DL4J's; {@code
 * -Ddigits.directStep=false} runs DL4J's own layers and updater instead, and {@link #build} returns null for a
 * network it does not cover, which then runs the DL4J way.
 *
 * <p>oneDNN's primitives run on OpenMP with {@link Nd4jSetup#kernelThreads()} threads (by default one per core), set
 * for the calling thread around each call and put back to ND4J's setting after.
 */
final class DirectStep implements AutoCloseable {

    static final String PROPERTY = "digits.directStep";

    private final DigitsNetwork net;
    private final Kernel[] kernels;
    private final long[] inputDims;
    private final int logitCount;
    /** Floats of activations per example, all layers together (what one example of a batch occupies). */
    private final long activationFloats;
    private final List<Block> blocks;
    private final Map<Integer, Plan> plans = new HashMap<>();
    private final stream stream;
    private float[] flat = new float[0];

    private record Block(int from, int to, INDArray state, IUpdater config) {}

    private DirectStep(DigitsNetwork net, Kernel[] kernels, long[] inputDims, int outputs, long activationFloats,
                       List<Block> blocks) {
        this.net = net;
        this.activationFloats = activationFloats;
        this.kernels = kernels;
        this.inputDims = inputDims;
        this.logitCount = outputs;
        this.blocks = blocks;
        this.stream = new stream(OneDnn.engine());
    }

    /** The direct path for {@code net}, or null when it is switched off or a layer or updater is not covered. */
    static DirectStep build(DigitsNetwork net) {
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY, "").strip())) return null;
        if (!NativeConvHelpers.available() || !OneDnn.available()) return null; // host memory: CPU backend only
        DataType type = net.getLayerWiseConfigurations().getDataType();
        if (net.getGradientsViewArray() == null) net.initGradientsView();
        Layer[] layers = net.getLayers();
        var conf = net.getLayerWiseConfigurations();
        Kernel[] kernels = new Kernel[layers.length];
        long[] inputDims = inputDims(net);
        InputType t = InputType.feedForward(inputDims[0]);
        long activationFloats = 0;
        for (int i = 0; i < layers.length; i++) {
            InputPreProcessor pre = conf.getInputPreProcess(i);
            if (!isReshape(pre)) return null;
            if (pre != null) t = pre.getOutputType(t);
            kernels[i] = kernel(layers[i], type, t);
            if (kernels[i] == null || !plainUpdate(layers[i])) return null;
            t = layers[i].conf().getLayer().getOutputType(i, t);
            activationFloats += t.arrayElementsPerExample();
        }
        List<Block> blocks = new ArrayList<>();
        for (UpdaterBlock b : ((MultiLayerUpdater) net.getUpdater()).getUpdaterBlocks()) {
            IUpdater config = b.getGradientUpdater().getConfig();
            boolean plain = config instanceof Sgd s && s.getLearningRateSchedule() == null
                    || config instanceof Nesterovs n && n.getLearningRateSchedule() == null
                    && n.getMomentumISchedule() == null
                    || config instanceof SgdMomentum;
            if (!plain) return null;
            blocks.add(new Block(b.getParamOffsetStart(), b.getParamOffsetEnd(), b.getUpdaterView(), config));
        }
        return new DirectStep(net, kernels, inputDims, Math.toIntExact(t.arrayElementsPerExample()), activationFloats,
                blocks);
    }

    /** No regularization or gradient normalization: the update is the updater's alone. */
    private static boolean plainUpdate(Layer layer) {
        if (!(layer.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.BaseLayer base)) return true;
        return (base.getRegularization() == null || base.getRegularization().isEmpty())
                && (base.getRegularizationBias() == null || base.getRegularizationBias().isEmpty())
                && (base.getGradientNormalization() == null || base.getGradientNormalization() == GradientNormalization.None);
    }

    /** Per example: the images' {@code [c, h, w]} where the first preprocessor reshapes them, else {@code [nIn]}. */
    private static long[] inputDims(DigitsNetwork net) {
        if (net.getLayerWiseConfigurations().getInputPreProcess(0) instanceof FeedForwardToCnnPreProcessor p) {
            return new long[] {p.getNumChannels() * p.getInputHeight() * p.getInputWidth()};
        }
        var first = net.getLayers()[0].conf().getLayer();
        return new long[] {first instanceof org.deeplearning4j.nn.conf.layers.FeedForwardLayer f ? f.getNIn() : 0};
    }

    /** The kernel computing {@code layer} on inputs of type {@code in}, or null. */
    private static Kernel kernel(Layer layer, DataType type, InputType in) {
        if (in instanceof InputType.InputTypeConvolutional) {
            Kernel k = ConvKernel.of(layer, type, in);
            if (k == null) k = PoolKernel.of(layer, type, in);
            if (k != null) return k;
        } else if (in instanceof InputType.InputTypeFeedForward) {
            Kernel k = DenseKernel.of(layer, type);
            if (k != null) return k;
        }
        Kernel k = DropoutKernel.of(layer, type);
        return k != null ? k : ActivationKernel.of(layer, type);
    }

    /** A preprocessor that only reshapes a row-major NCHW batch (what the factory's networks have), or none. */
    private static boolean isReshape(InputPreProcessor p) {
        if (p == null) return true;
        if (p instanceof CnnToFeedForwardPreProcessor c) return c.getFormat() == CNN2DFormat.NCHW;
        return p instanceof FeedForwardToCnnPreProcessor; // [n, c*h*w] to NCHW: the same floats
    }

    /** One SGD step on {@code features} ({@code [n, inputs]}, row-major float). */
    void trainStep(INDArray features, DigitsNetwork.Loss loss) {
        int n = (int) features.size(0);
        Pointer x = input(features);
        onKernelThreads(() -> {
            Plan plan = plan(n);
            plan.forward(x, true);
            float[] dLogits = loss.gradient(logits(plan, n));
            new FloatPointer(plan.gradients.get(plan.stages.size() - 1).get_data_handle()).put(dLogits, 0, n * logitCount);
            plan.backward(x);
            update(n);
        });
    }

    /**
     * How many examples to evaluate at once: as many as fit in 64 MiB of activations, between 500 and 16,384. The
     * 784-10-10 network evaluates 10,000 images in one product; the CNN, 500 at a time.
     */
    int inferenceBatch() {
        return (int) Math.max(500, Math.min(16_384, (64L << 20) / (Float.BYTES * Math.max(1, activationFloats))));
    }

    /** The logits for {@code features}, one row per example, dropout off. */
    float[][] logits(INDArray features) {
        int n = (int) features.size(0);
        Pointer x = input(features);
        onKernelThreads(() -> plan(n).forward(x, false));
        return logits(plan(n), n);
    }

    /**
     * Runs {@code body} with OpenMP at the kernels' thread count on this thread, and puts ND4J's own setting back
     * after. oneDNN reads it there, and when a primitive is created, not only when it runs: a primitive made
     * under one thread splits its work for one thread ever after.
     */
    private static void onKernelThreads(Runnable body) {
        int nd4j = Nd4jSetup.applyThreads();
        var ops = NativeOpsHolder.getInstance().getDeviceNativeOps();
        ops.setOmpNumThreads(Nd4jSetup.kernelThreads());
        try {
            body.run();
        } finally {
            ops.setOmpNumThreads(nd4j);
        }
    }

    private float[][] logits(Plan plan, int n) {
        int k = logitCount;
        float[] f = flat = NativeArrays.fit(flat, n * k);
        new FloatPointer(plan.outputs.get(plan.outputs.size() - 1).get_data_handle()).get(f, 0, n * k);
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) out[i] = java.util.Arrays.copyOfRange(f, i * k, (i + 1) * k);
        return out;
    }

    private Pointer input(INDArray features) {
        if (features.rank() != 2 || features.size(1) != inputDims[0]) {
            throw new IllegalArgumentException("expected [n, " + inputDims[0] + "] inputs, got "
                    + java.util.Arrays.toString(features.shape()));
        }
        return OneDnn.at(NativeArrays.pointer(NativeArrays.rowMajor(features)), 0);
    }

    /** The plan for batches of {@code n}; built, on first use, inside {@link #onKernelThreads}. */
    private Plan plan(int n) {
        if (n < 1) throw new IllegalArgumentException("empty batch");
        return plans.computeIfAbsent(n, Plan::new);
    }

    /**
     * The stages for batches of {@code n}, with a reorder wherever a stage needs DL4J's plain layout after one that
     * produced a blocked layout, and one output and one gradient buffer per stage.
     */
    private final class Plan {
        final List<Stage> stages = new ArrayList<>();
        final List<memory> outputs = new ArrayList<>(), gradients = new ArrayList<>();

        Plan(int n) {
            Layout layout = Layout.plain(n, inputDims[0]);
            for (Kernel k : kernels) {
                Stage s = k.stage(n, layout, stream);
                if (s == null && !layout.plain()) {
                    Stage reorder = new ReorderStage(layout, stream);
                    add(reorder);
                    layout = reorder.output();
                    s = k.stage(n, layout, stream);
                }
                if (s == null) throw new IllegalStateException("no kernel stage for " + k + " on " + layout);
                add(s);
                layout = s.output();
            }
            for (int i = 0; i + 1 < stages.size(); i++) {
                if (stages.get(i) instanceof ConvKernel.ConvStage conv && !conv.activation().isIdentity()
                        && stages.get(i + 1) instanceof PoolKernel.PoolStage pool) {
                    conv.activationBackwardDone = pool.takeActivationBackward(conv.activation());
                }
            }
            if (!layout.plain() || layout.size() != logitCount) {
                throw new IllegalStateException("the network's output is not " + logitCount + " plain logits");
            }
            long bytes = 0;
            for (Stage s : stages) bytes += 2 * s.output().bytes(); // each stage's output and its gradient
            if (bytes > Pointer.maxPhysicalBytes()) {
                stages.forEach(Stage::close);
                throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "a batch of %,d examples needs "
                        + "%.1f GiB of activations and gradients in this network, more than the %.1f GiB allowed "
                        + "(org.bytedeco.javacpp.maxphysicalbytes); allowed: a smaller training.batchSize", n,
                        bytes / (double) (1L << 30), Pointer.maxPhysicalBytes() / (double) (1L << 30)));
            }
            for (Stage s : stages) {
                outputs.add(OneDnn.owned(s.output().desc()));
                gradients.add(OneDnn.owned(s.output().desc()));
            }
        }

        private void add(Stage s) {
            stages.add(s);
        }

        void forward(Pointer x, boolean training) {
            Pointer in = x;
            for (int i = 0; i < stages.size(); i++) {
                Pointer out = outputs.get(i).get_data_handle();
                stages.get(i).forward(in, out, training);
                in = out;
            }
            stream._wait();
        }

        void backward(Pointer x) {
            for (int i = stages.size() - 1; i >= 0; i--) {
                Pointer in = i == 0 ? x : outputs.get(i - 1).get_data_handle();
                Pointer dIn = i == 0 ? null : gradients.get(i - 1).get_data_handle();
                stages.get(i).backward(in, outputs.get(i).get_data_handle(), gradients.get(i).get_data_handle(), dIn);
            }
            stream._wait();
        }

        void close() {
            stages.forEach(Stage::close);
            outputs.forEach(Pointer::close);
            gradients.forEach(Pointer::close);
        }
    }

    /**
     * DL4J's update, block by block, on its own arrays: the gradient (a sum over the batch) divided by the batch
     * size, then {@link Sgd}, {@link SgdMomentum} or {@link Nesterovs} as their DL4J updaters define them
     * (Nesterov's state is DL4J's {@code v = mu*v - lr*g}, so either path can continue the other's run).
     */
    private void update(int n) {
        FloatPointer p = NativeArrays.pointer(net.params());
        FloatPointer g = NativeArrays.pointer(net.getGradientsViewArray());
        for (Block b : blocks) {
            int len = b.to - b.from;
            FloatPointer pb = NativeArrays.at(p, b.from), gb = NativeArrays.at(g, b.from);
            if (b.config instanceof Sgd s) {
                cblas_saxpy(len, (float) (-s.getLearningRate() / n), gb, 1, pb, 1);
            } else if (b.config instanceof SgdMomentum m) {
                FloatPointer buf = NativeArrays.pointer(b.state);
                cblas_sscal(len, (float) m.momentum(), buf, 1);
                cblas_saxpy(len, 1f / n, gb, 1, buf, 1);
                cblas_saxpy(len, (float) -m.getLearningRate(0, 0), buf, 1, pb, 1);
            } else if (b.config instanceof Nesterovs nv) {
                // DL4J: v' = mu*v - lr*g; p -= mu*v - (1+mu)*v'  =  p += mu^2*v - (1+mu)*lr*g
                double mu = nv.getMomentum(), lr = nv.getLearningRate() / n;
                FloatPointer v = NativeArrays.pointer(b.state);
                cblas_saxpy(len, (float) (mu * mu), v, 1, pb, 1);
                cblas_saxpy(len, (float) (-(1 + mu) * lr), gb, 1, pb, 1);
                cblas_sscal(len, (float) mu, v, 1);
                cblas_saxpy(len, (float) -lr, gb, 1, v, 1);
            }
        }
        // oneDNN's ReLU turns NaN into 0 where DL4J's and torch's keep it, so a diverged layer could hide behind
        // one: the weights themselves are checked (one pass; an overflowing sum counts as diverged too)
        if (!Float.isFinite(cblas_sasum(Math.toIntExact(net.numParams()), p, 1))) {
            throw new ArithmeticException("the weights are no longer finite");
        }
    }

    /** Frees every plan's primitives and buffers; the network builds a new direct path if used again. */
    @Override
    public void close() {
        plans.values().forEach(Plan::close);
        plans.clear();
        stream.close();
    }
}
