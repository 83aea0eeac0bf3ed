package digits.model;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WORKSPACE;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.eltwise_backward;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.pooling_backward;
import org.bytedeco.dnnl.pooling_forward;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * DL4J's max pooling (NCHW, Truncate mode) on oneDNN's pooling primitives, in whatever layout its input comes in.
 * The forward pass records each window's argmax in oneDNN's workspace, through which the backward pass routes the
 * gradient.
 */
final class PoolKernel implements Kernel {

    private final Window win;

    private PoolKernel(SubsamplingLayer layer, InputType.InputTypeConvolutional in) {
        var conf = layer.layerConf();
        win = Window.of(in, conf.getKernelSize(), conf.getStride(), conf.getPadding());
    }

    static PoolKernel of(org.deeplearning4j.nn.api.Layer layer, DataType type, InputType in) {
        if (type != DataType.FLOAT || !(layer instanceof SubsamplingLayer pool)) return null;
        if (pool.getClass() != SubsamplingLayer.class) return null;
        if (!(in instanceof InputType.InputTypeConvolutional cin) || cin.getFormat() != CNN2DFormat.NCHW) return null;
        var c = pool.layerConf();
        if (c.getPoolingType() != PoolingType.MAX || c.getCnn2dDataFormat() != CNN2DFormat.NCHW
                || c.getConvolutionMode() == ConvolutionMode.Same || c.getDilation()[0] != 1 || c.getDilation()[1] != 1
                || c.getIDropout() != null) {
            return null;
        }
        return new PoolKernel(pool, cin);
    }

    @Override
    public Stage stage(int n, Layout in, stream stream) {
        if (in.size() != win.inputSize()) return null;
        return new PoolStage(n, in.plain() ? OneDnn.rowMajor(n, win.c(), win.h(), win.w()) : in.desc(), stream);
    }

    final class PoolStage implements Stage {
        final stream stream;
        final pooling_forward forward;
        final pooling_backward backward;
        final memory src, dst, diffDst, diffSrc, workspace;
        final IntMemoryMap forwardArgs, backwardArgs;
        final Layout output;
        private eltwise_backward activationBack;
        private IntMemoryMap activationArgs;

        PoolStage(int n, memory.desc srcD, stream stream) {
            this.stream = stream;
            memory.desc dstAny = OneDnn.desc(memory.format_tag.any, n, win.c(), win.oh(), win.ow());
            long[] kernel = win.kernel(), stride = win.strides(), pad = win.padding();
            var fpd = new pooling_forward.primitive_desc(new pooling_forward.desc(prop_kind.forward_training,
                    algorithm.pooling_max, srcD, dstAny, stride, kernel, pad, pad), OneDnn.engine());
            memory.desc dstD = fpd.dst_desc();
            forward = new pooling_forward(fpd);
            backward = new pooling_backward(new pooling_backward.primitive_desc(new pooling_backward.desc(
                    algorithm.pooling_max, srcD, dstD, stride, kernel, pad, pad), OneDnn.engine(), fpd));
            src = OneDnn.unbound(srcD);
            dst = OneDnn.unbound(dstD);
            diffDst = OneDnn.unbound(dstD);
            diffSrc = OneDnn.unbound(srcD);
            workspace = OneDnn.owned(fpd.workspace_desc());
            forwardArgs = new IntMemoryMap().put(DNNL_ARG_SRC, src).put(DNNL_ARG_DST, dst)
                    .put(DNNL_ARG_WORKSPACE, workspace);
            backwardArgs = new IntMemoryMap().put(DNNL_ARG_DIFF_DST, diffDst).put(DNNL_ARG_DIFF_SRC, diffSrc)
                    .put(DNNL_ARG_WORKSPACE, workspace);
            output = Layout.of(dstD, n, win.c(), win.oh(), win.ow());
        }

        @Override
        public Layout output() {
            return output;
        }

        /**
         * Takes over the derivative of the activation {@code before} this pooling (a convolution's ReLU): applied to
         * this stage's output gradient, four times smaller than the convolution's output, instead of after routing
         * it back. The same floats: backprop routes each gradient to its window's argmax, whose value is the
         * pooled one, so multiplying by the derivative before or after routing is the same single product, as
         * long as windows do not overlap (no element collects two gradients). Returns false where they do.
         */
        boolean takeActivationBackward(Activation before) {
            if (win.sh() < win.kh() || win.sw() < win.kw()) return false;
            activationBack = OneDnn.activationBackward(before, dst.get_desc());
            activationArgs = OneDnn.activationBackwardArgs(diffDst, dst);
            return true;
        }

        @Override
        public void forward(Pointer in, Pointer out, boolean training) {
            src.set_data_handle(in);
            dst.set_data_handle(out);
            forward.execute(stream, forwardArgs);
        }

        @Override
        public void backward(Pointer in, Pointer out, Pointer dOut, Pointer dIn) {
            if (dIn == null) return;
            diffDst.set_data_handle(dOut);
            diffSrc.set_data_handle(dIn);
            if (activationBack != null) {
                dst.set_data_handle(out);
                activationBack.execute(stream, activationArgs);
            }
            backward.execute(stream, backwardArgs);
        }

        @Override
        public void close() {
            OneDnn.close(forward, backward, src, dst, diffDst, diffSrc, workspace, forwardArgs, backwardArgs,
                    activationBack, activationArgs);
        }
    }
}
