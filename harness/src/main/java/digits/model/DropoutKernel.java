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
 * A dropout layer, with the masks its layer draws: PyTorch's ({@link TorchDropoutLayer}: drawn in Java from the
 * network's {@link TorchGenerator}, applied on heap copies) or DL4J's (its own {@link Dropout} called on arrays over
 * the stage's buffers, so the masks come from ND4J's random stream, drawn as in DL4J's layer). Inference copies.
 */
final class DropoutKernel implements Kernel {

    private final DropoutLayer layer;
    private final Dropout dropout;
    private final TorchDropout torch;

    private DropoutKernel(DropoutLayer layer, Dropout dropout, TorchDropout torch) {
        this.layer = layer;
        this.dropout = dropout;
        this.torch = torch;
    }

    static DropoutKernel of(org.deeplearning4j.nn.api.Layer layer, DataType type) {
        if (type != DataType.FLOAT) return null;
        if (layer instanceof TorchDropoutLayer t) return new DropoutKernel(t, null, t.dropout());
        if (layer.getClass() != DropoutLayer.class) return null;
        DropoutLayer d = (DropoutLayer) layer;
        if (!(d.layerConf().getIDropout() instanceof Dropout dropout) || dropout.getPSchedule() != null) return null;
        return new DropoutKernel(d, dropout, null);
    }

    @Override
    public Stage stage(int n, Layout in, stream stream) {
        if (!in.plain()) return null;
        if (torch != null) return new TorchStage(n, in.size());
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

    /** PyTorch's masks: one draw per training forward pass, in row-major order, from the network's generator. */
    private final class TorchStage implements Stage {
        final int len;
        final Layout out;
        final float[] mask, values;

        TorchStage(int n, long size) {
            len = Math.toIntExact(n * size);
            out = Layout.plain(n, size);
            mask = new float[len];
            values = new float[len];
        }

        @Override
        public Layout output() {
            return out;
        }

        @Override
        public void forward(Pointer x, Pointer y, boolean training) {
            if (!training) {
                Pointer.memcpy(y, x, (long) len * Float.BYTES);
                return;
            }
            torch.draw(mask);
            new FloatPointer(x).get(values, 0, len);
            for (int i = 0; i < len; i++) values[i] *= mask[i];
            new FloatPointer(y).put(values, 0, len);
        }

        @Override
        public void backward(Pointer x, Pointer y, Pointer dy, Pointer dx) {
            if (dx == null) return;
            new FloatPointer(dy).get(values, 0, len);
            for (int i = 0; i < len; i++) values[i] *= mask[i];
            new FloatPointer(dx).put(values, 0, len);
        }

        @Override
        public void close() {}
    }
}
