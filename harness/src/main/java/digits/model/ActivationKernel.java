package digits.model;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.eltwise_backward;
import org.bytedeco.dnnl.eltwise_forward;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.layers.ActivationLayer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * DL4J's activation layer (one the factory could not fold into the layer before it, e.g. after pooling) as oneDNN's
 * element-wise primitive, in whatever layout its input comes in; the derivative is taken from the output.
 */
final class ActivationKernel implements Kernel {

    private final Activation act;

    private ActivationKernel(Activation act) {
        this.act = act;
    }

    static ActivationKernel of(org.deeplearning4j.nn.api.Layer layer, DataType type) {
        if (type != DataType.FLOAT || layer.getClass() != ActivationLayer.class) return null;
        Activation act = Activation.of(((ActivationLayer) layer).layerConf().getActivationFn());
        return act == null ? null : new ActivationKernel(act);
    }

    @Override
    public Stage stage(int n, Layout in, stream stream) {
        memory.desc d = in.desc();
        eltwise_forward forward = new eltwise_forward(new eltwise_forward.primitive_desc(new eltwise_forward.desc(
                prop_kind.forward_training, algorithm.eltwise_relu_use_dst_for_bwd, d, act.slope, 0f), OneDnn.engine()));
        eltwise_backward backward = OneDnn.activationBackward(act, d);
        memory src = OneDnn.unbound(d), dst = OneDnn.unbound(d), diff = OneDnn.unbound(d);
        IntMemoryMap forwardArgs = new IntMemoryMap().put(DNNL_ARG_SRC, src).put(DNNL_ARG_DST, dst);
        IntMemoryMap backwardArgs = OneDnn.activationBackwardArgs(diff, dst);
        return new Stage() {
            @Override
            public Layout output() {
                return in;
            }

            @Override
            public void forward(Pointer x, Pointer y, boolean training) {
                src.set_data_handle(x);
                dst.set_data_handle(y);
                forward.execute(stream, forwardArgs);
            }

            @Override
            public void backward(Pointer x, Pointer y, Pointer dy, Pointer dx) {
                if (dx == null) return;
                dst.set_data_handle(y);
                diff.set_data_handle(dy);
                backward.execute(stream, backwardArgs); // in place on dy, then copied to dx
                Pointer.memcpy(dx, dy, in.bytes());
            }

            @Override
            public void close() {
                OneDnn.close(forward, backward, src, dst, diff, forwardArgs, backwardArgs);
            }
        };
    }
}
