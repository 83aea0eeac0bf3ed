package digits.model;

import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.layers.DropoutLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's dropout layer. Training calls the layer's own {@link Dropout} on arrays over the stage's buffers, so the
 * masks come from the same random stream, drawn the same way, as in DL4J's layer; inference copies.
 */
final class DropoutKernel implements Kernel {

    private final DropoutLayer layer;
    private final Dropout dropout;

    private DropoutKernel(DropoutLayer layer, Dropout dropout) {
        this.layer = layer;
        this.dropout = dropout;
    }

    static DropoutKernel of(org.deeplearning4j.nn.api.Layer layer, DataType type) {
        if (type != DataType.FLOAT || layer.getClass() != DropoutLayer.class) return null;
        DropoutLayer d = (DropoutLayer) layer;
        if (!(d.layerConf().getIDropout() instanceof Dropout dropout) || dropout.getPSchedule() != null) return null;
        return new DropoutKernel(d, dropout);
    }

    @Override
    public Stage stage(int n, Layout in, stream stream) {
        if (!in.plain()) return null;
        long size = in.size();
        Layout out = Layout.plain(n, size);
        return new Stage() {
            @Override
            public Layout output() {
                return out;
            }

            @Override
            public void forward(Pointer x, Pointer y, boolean training) {
                if (!training) {
                    Pointer.memcpy(y, x, n * size * Float.BYTES);
                    return;
                }
                dropout.applyDropout(wrap(x), wrap(y), layer.getIterationCount(), layer.getEpochCount(),
                        LayerWorkspaceMgr.noWorkspaces());
            }

            @Override
            public void backward(Pointer x, Pointer y, Pointer dy, Pointer dx) {
                if (dx != null) dropout.backprop(wrap(dy), wrap(dx), layer.getIterationCount(), layer.getEpochCount());
            }

            /** An ND4J array over the {@code [n, size]} floats at {@code p} (no copy). */
            private INDArray wrap(Pointer p) {
                return Nd4j.create(Nd4j.createBuffer(new FloatPointer(p), n * size, DataType.FLOAT), n, size);
            }

            @Override
            public void close() {}
        };
    }
}
