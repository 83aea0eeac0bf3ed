package digits.model;

import org.deeplearning4j.nn.api.FwdPassType;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A MultiLayerNetwork whose last layer emits logits and whose loss is computed by the caller. One
 * training step runs the forward pass, hands the logits to the caller's loss, back-propagates the
 * gradient it returns and applies the SGD update, all inside DL4J's workspaces (the same memory
 * reuse {@code fit()} gets), so the loss, the accuracy and the update come from a single forward pass.
 */
public class DigitsNetwork extends MultiLayerNetwork {

    /** Returns d(loss)/d(logits), row-major {@code [batch * outputs]}, summed (not averaged) over the batch. */
    @FunctionalInterface
    public interface Loss {
        float[] gradient(float[][] logits);
    }

    public DigitsNetwork(MultiLayerConfiguration conf) {
        super(conf);
    }

    /**
     * A network restored from a model.zip, rebuilt as the training loop runs it (torch's batch norm, the direct
     * path), for predictions: DL4J's own inference path left about 30 kB behind per call, which ND4J never frees
     * here (Nd4jSetup: no pointer GC), and digits:serve predicts on every stroke.
     */
    public static DigitsNetwork of(MultiLayerNetwork restored) {
        DigitsNetwork net = new DigitsNetwork(restored.getLayerWiseConfigurations().clone());
        net.init(restored.params(), true);
        net.useTorchBatchNorm();
        return net;
    }

    /** PyTorch's generator when the spec draws from it (init, then dropout masks), else null. */
    private TorchGenerator torchGenerator;

    public TorchGenerator torchGenerator() {
        return torchGenerator;
    }

    /**
     * Swaps DL4J's dropout layers for {@link TorchDropoutLayer}s drawing from {@code generator} (the configuration,
     * and so model.zip, stays DL4J's); returns how many.
     */
    int useTorchDropout(TorchGenerator generator) {
        torchGenerator = generator;
        int swapped = 0;
        for (int i = 0; i < layers.length; i++) {
            if (!(layers[i] instanceof org.deeplearning4j.nn.layers.DropoutLayer old)
                    || old instanceof TorchDropoutLayer) continue;
            var conf = (org.deeplearning4j.nn.conf.layers.DropoutLayer) old.conf().getLayer();
            // DL4J's Dropout holds the keep probability, 1.0 - p: the very double torch compares with
            double keep = conf.getIDropout() == null ? 1
                    : ((org.deeplearning4j.nn.conf.dropout.Dropout) conf.getIDropout()).getP();
            TorchDropoutLayer fresh = new TorchDropoutLayer(old.conf(), getLayerWiseConfigurations().getDataType(),
                    generator, keep);
            fresh.setParamTable(old.paramTable()); // empty, but DL4J walks every layer's table
            replace(i, fresh);
            swapped++;
        }
        return swapped;
    }

    /**
     * Swaps DL4J's batch-normalization layers for {@link TorchBatchNormLayer}s (torch's running variance) on the same
     * parameters; the configuration, and so model.zip, stays DL4J's. Returns how many.
     */
    int useTorchBatchNorm() {
        int swapped = 0;
        for (int i = 0; i < layers.length; i++) {
            if (!(layers[i] instanceof org.deeplearning4j.nn.layers.normalization.BatchNormalization old)
                    || old instanceof TorchBatchNormLayer) continue;
            TorchBatchNormLayer fresh = new TorchBatchNormLayer(old.conf(), getLayerWiseConfigurations().getDataType());
            fresh.setParamsViewArray(old.params());
            fresh.setParamTable(old.paramTable());
            if (old.getGradientsViewArray() != null) fresh.setBackpropGradientsViewArray(old.getGradientsViewArray());
            replace(i, fresh);
            swapped++;
        }
        return swapped;
    }

    /**
     * Hands every block of a {@link TorchOptimizer} its parameters (a view of the network's), which its weight decay
     * reads; once per updater.
     */
    void bindOptimizerParameters() {
        for (var b : ((org.deeplearning4j.nn.updater.MultiLayerUpdater) getUpdater()).getUpdaterBlocks()) {
            if (b.getGradientUpdater() instanceof TorchOptimizer.State s && !s.hasParameters()) {
                s.parameters(params().reshape(params().length()).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(
                        b.getParamOffsetStart(), b.getParamOffsetEnd())));
            }
        }
    }

    /** Puts {@code fresh} in place of layer {@code i}, with its index and listeners, in the list and the name map. */
    private void replace(int i, org.deeplearning4j.nn.api.Layer fresh) {
        org.deeplearning4j.nn.api.Layer old = layers[i];
        fresh.setIndex(old.getIndex());
        fresh.setListeners(old.getListeners());
        layers[i] = fresh;
        layerMap.replaceAll((name, layer) -> layer == old ? fresh : layer);
    }

    /** The direct path ({@link DirectStep}) once built; {@code directChecked} once it has been tried. */
    private DirectStep direct;
    private boolean directChecked;

    /** Tests: {@code false} runs DL4J's own layers and updater for this network, whatever the property says. */
    void directStepAllowed(boolean allowed) {
        directChecked = !allowed;
        direct = null;
    }

    /** The direct path for this network, or null where it does not apply (then DL4J's own layers run). */
    DirectStep direct() {
        if (!directChecked) {
            directChecked = true;
            direct = DirectStep.build(this);
        }
        return direct;
    }

    /** Also frees the direct path's native resources (oneDNN primitives). */
    @Override
    public void close() {
        if (direct != null) direct.close();
        direct = null;
        directChecked = true;
        super.close();
    }

    /** How many examples {@link #logits} takes at once to best effect (500 where DL4J's own layers run). */
    public int inferenceBatch() {
        DirectStep d = direct();
        return d == null ? 500 : d.inferenceBatch();
    }

    /** The logits of {@code features} ({@code [n, inputs]}), one row per example, dropout off. */
    public float[][] logits(INDArray features) {
        DirectStep d = direct();
        if (d == null) return NativeArrays.rows(output(features, false));
        return d.logits(features);
    }

    /**
     * The optimizer's learning rate at step {@code iteration} of epoch {@code epoch} (both from 0), schedule included;
     * null for a network without parameters.
     */
    public Double learningRate(int iteration, int epoch) {
        for (org.deeplearning4j.nn.api.Layer l : layers) {
            if (l.numParams() == 0) continue;
            var u = l.conf().getLayer().getUpdaterByParam(l.paramTable().keySet().iterator().next());
            if (u != null && u.hasLearningRate()) return u.getLearningRate(Math.max(0, iteration), epoch);
        }
        return null;
    }

    /**
     * One training step on {@code features}: {@code iteration} counts the steps taken before it over the whole run and
     * {@code epoch} the epochs before it (both from 0), which a schedule and Adam's bias correction read.
     */
    public void trainStep(INDArray features, Loss loss, int iteration, int epoch) {
        DirectStep d = direct();
        if (d != null) {
            d.trainStep(features, loss, iteration, epoch);
            return;
        }
        int batchSize = (int) features.size(0);
        setInput(features);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.builder()
                .with(ArrayType.INPUT, WS_ALL_LAYERS_ACT, WS_ALL_LAYERS_ACT_CONFIG)
                .with(ArrayType.ACTIVATIONS, WS_ALL_LAYERS_ACT, WS_ALL_LAYERS_ACT_CONFIG)
                .with(ArrayType.FF_WORKING_MEM, WS_LAYER_WORKING_MEM, WS_LAYER_WORKING_MEM_CONFIG)
                .with(ArrayType.BP_WORKING_MEM, WS_LAYER_WORKING_MEM, WS_LAYER_WORKING_MEM_CONFIG)
                .with(ArrayType.UPDATER_WORKING_MEM, WS_ALL_LAYERS_ACT, WS_ALL_LAYERS_ACT_CONFIG)
                .build();
        mgr.setHelperWorkspacePointers(helperWorkspaces);
        Gradient g;
        try (MemoryWorkspace ws = mgr.notifyScopeEntered(ArrayType.ACTIVATIONS)) {
            var activations = ffToLayerActivationsInWs(getnLayers() - 1, FwdPassType.STANDARD, false, getInput(),
                    null, null);
            INDArray logits = activations.get(activations.size() - 1);
            float[] dLogits = loss.gradient(NativeArrays.rows(logits));
            INDArray eps = Nd4j.create(dLogits, logits.shape(), 'c');
            g = calcBackpropGradients(eps, false, false, false).getFirst();
        }
        // the updater divides by the batch size, applies lr/momentum in place; then p -= update
        bindOptimizerParameters();
        getUpdater().update(this, g, iteration, epoch, batchSize, mgr);
        params().subi(g.gradient());
        setInput(null);
    }
}
