package digits.model;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.DropoutLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's dropout layer with PyTorch's masks: in training, one {@link TorchDropout} draw per forward pass from the
 * network's {@link TorchGenerator}; in evaluation the input passes unchanged and nothing is drawn. The layer's
 * configuration stays DL4J's {@code DropoutLayer}, so a saved model.zip loads in plain DL4J.
 */
public final class TorchDropoutLayer extends DropoutLayer {

    private final TorchDropout dropout;
    private float[] values = new float[0];
    /** The last training pass's mask (detached from every workspace: backprop reads it later), and its input. */
    private INDArray mask;
    private INDArray maskedInput;

    /** @param keep the keep probability, as DL4J's configuration holds it ({@code 1 - p}) */
    public TorchDropoutLayer(NeuralNetConfiguration conf, DataType dataType, TorchGenerator generator, double keep) {
        super(conf, dataType);
        this.dropout = new TorchDropout(generator, keep);
    }

    /** The masks this layer draws: the direct step's dropout kernel draws from the same stream the same way. */
    TorchDropout dropout() {
        return dropout;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        if (!training) {
            maskedInput = null;
            return mgr.leverageTo(ArrayType.ACTIVATIONS, input);
        }
        if (values.length != input.length()) values = new float[(int) input.length()];
        dropout.draw(values);
        if (mask == null || !Arrays.equals(mask.shape(), input.shape())) {
            try (MemoryWorkspace none = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                mask = Nd4j.create(DataType.FLOAT, input.shape(), 'c');
            }
        }
        mask.data().setData(values); // row-major, as torch's contiguous tensor
        maskedInput = input;
        return mgr.dup(ArrayType.ACTIVATIONS, input, 'c').muli(mask);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        if (maskedInput == null || maskedInput != input) {
            throw new IllegalStateException("dropout backprop without a training forward pass on this input");
        }
        INDArray delta = mgr.dup(ArrayType.ACTIVATION_GRAD, epsilon, 'c').muli(mask);
        return new Pair<>(new DefaultGradient(), delta);
    }
}
