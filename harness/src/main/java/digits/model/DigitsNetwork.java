package digits.model;

import org.deeplearning4j.nn.api.FwdPassType;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
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

    /** Swaps DL4J's max-pooling layers for {@link JavaMaxPooling} where it covers them; returns how many. */
    int useJavaMaxPooling() {
        int swapped = 0;
        for (int i = 0; i < layers.length; i++) {
            if (!(layers[i] instanceof SubsamplingLayer old) || old instanceof JavaMaxPooling) continue;
            var conf = (org.deeplearning4j.nn.conf.layers.SubsamplingLayer) old.conf().getLayer();
            DataType type = getLayerWiseConfigurations().getDataType();
            if (!JavaMaxPooling.covers(conf, type)) continue;
            replace(i, new JavaMaxPooling(old.conf(), type));
            swapped++;
        }
        return swapped;
    }

    /**
     * Swaps DL4J's convolution layers for {@link GemmConvolution} where it covers them; returns how many.
     * The first layer's input gradient (with respect to the images) is never computed.
     */
    int useGemmConvolution() {
        int swapped = 0;
        for (int i = 0; i < layers.length; i++) {
            if (!(layers[i] instanceof ConvolutionLayer old) || old instanceof GemmConvolution
                    || old.getClass() != ConvolutionLayer.class) continue;
            var conf = (org.deeplearning4j.nn.conf.layers.ConvolutionLayer) old.conf().getLayer();
            DataType type = getLayerWiseConfigurations().getDataType();
            if (!GemmConvolution.covers(conf, type)) continue;
            GemmConvolution conv = new GemmConvolution(old.conf(), type);
            conv.setParamTable(old.paramTable()); // the same parameter and gradient views: nothing is copied
            conv.setParamsViewArray(old.params());
            if (old.getGradientsViewArray() != null) conv.setBackpropGradientsViewArray(old.getGradientsViewArray());
            conv.inputGradientWanted(i > 0);
            replace(i, conv);
            swapped++;
        }
        return swapped;
    }

    /** Puts {@code fresh} in place of layer {@code i}, with its index and listeners, in the list and the name map. */
    private void replace(int i, org.deeplearning4j.nn.api.Layer fresh) {
        org.deeplearning4j.nn.api.Layer old = layers[i];
        fresh.setIndex(old.getIndex());
        fresh.setListeners(old.getListeners());
        layers[i] = fresh;
        layerMap.replaceAll((name, layer) -> layer == old ? fresh : layer);
    }

    public void trainStep(INDArray features, Loss loss, int iteration, int epoch) {
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
        getUpdater().update(this, g, iteration, epoch, batchSize, mgr);
        params().subi(g.gradient());
        setInput(null);
    }
}
