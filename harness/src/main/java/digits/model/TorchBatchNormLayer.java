package digits.model;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's batch normalization with torch's running variance: DL4J moves its running variance towards the batch's
 * biased variance (the one it normalises with), torch towards the unbiased one ({@code n / (n - 1)} times it, n the
 * values per channel). Everything else is DL4J's: the forward pass, the gradients, and the running statistics moved
 * through the "gradient" of its no-op updater ({@code running -= (1 - decay) * (running - batch)}, decay = 1 - torch's
 * momentum). The configuration stays DL4J's, so a saved model.zip loads in plain DL4J; evaluation reads the running
 * statistics there as torch does.
 */
public final class TorchBatchNormLayer extends BatchNormalization {

    public TorchBatchNormLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        INDArray in = input.castTo(dataType);
        Pair<Gradient, INDArray> out = super.backpropGradient(epsilon, workspaceMgr);
        int[] dims = in.rank() == 2 ? new int[] {0} : new int[] {0, 2, 3};
        INDArray unbiased = in.var(true, dims).reshape(1, in.size(1));
        INDArray running = getParam(BatchNormalizationParamInitializer.GLOBAL_VAR);
        INDArray delta = gradientViews.get(BatchNormalizationParamInitializer.GLOBAL_VAR);
        delta.assign(running.sub(unbiased.reshape(running.shape())).muli(1 - layerConf().getDecay()));
        return out;
    }
}
