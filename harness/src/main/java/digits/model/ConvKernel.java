package digits.model;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import java.util.Map;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.eltwise_backward;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's 2-D convolution (NCHW, with bias, identity or ReLU) on oneDNN's convolution primitives: forward with the
 * ReLU fused, the ReLU's derivative taken from the output, and the weight, bias and input gradients. The
 * activations it produces are in the layout oneDNN's direct convolutions want (channels in blocks of 16), which the
 * pooling kernel keeps; DL4J's OIHW weights are reordered into the primitive's layout before each use and the
 * weight gradient back into DL4J's gradient view.
 */
final class ConvKernel implements Kernel {

    private final ConvolutionLayer layer;
    private final Window win;
    private final long oc;
    private final Activation act;
    private final INDArray weightGradient, biasGradient;

    private ConvKernel(ConvolutionLayer layer, InputType.InputTypeConvolutional in, Activation act) {
        this.layer = layer;
        var conf = layer.layerConf();
        win = Window.of(in, conf.getKernelSize(), conf.getStride(), conf.getPadding());
        oc = conf.getNOut();
        this.act = act;
        Map<String, INDArray> g = ConvolutionParamInitializer.getInstance()
                .getGradientsFromFlattened(layer.conf(), layer.getGradientsViewArray());
        weightGradient = g.get(ConvolutionParamInitializer.WEIGHT_KEY);
        biasGradient = g.get(ConvolutionParamInitializer.BIAS_KEY);
    }

    /** A kernel for {@code layer} on inputs of type {@code in}, or null where it computes something this one does not. */
    static ConvKernel of(org.deeplearning4j.nn.api.Layer layer, DataType type, InputType in) {
        if (type != DataType.FLOAT || !(layer instanceof ConvolutionLayer conv)) return null;
        if (conv.getClass() != ConvolutionLayer.class) return null;
        if (!(in instanceof InputType.InputTypeConvolutional cin) || cin.getFormat() != CNN2DFormat.NCHW) return null;
        var c = conv.layerConf();
        if (c.getCnn2dDataFormat() != CNN2DFormat.NCHW || c.getConvolutionMode() == ConvolutionMode.Same
                || !c.hasBias() || c.getDilation()[0] != 1 || c.getDilation()[1] != 1 || c.getIDropout() != null
                || c.getWeightNoise() != null || c.getNIn() != cin.getChannels()) {
            return null;
        }
        Activation act = Activation.of(c.getActivationFn());
        return act == null ? null : new ConvKernel(conv, cin, act);
    }

    @Override
    public Stage stage(int n, Layout in, stream stream) {
        if (in.size() != win.inputSize()) return null;
        return new ConvStage(n, in.plain() ? OneDnn.rowMajor(n, win.c(), win.h(), win.w()) : in.desc(), stream);
    }

    final class ConvStage implements Stage {
        final stream stream;
        final convolution_forward forward;
        final convolution_backward_weights weightGradientOp;
        final convolution_backward_data inputGradientOp;
        final eltwise_backward activationBack;
        final reorder weightsIn, weightsInForData, weightGradientOut;
        final memory src, dst, diffDst, diffSrc, userWeights, weights, weightsForData, userWeightGradient,
                weightGradientMem, bias, biasGradientMem;
        final IntMemoryMap forwardArgs, weightArgs, dataArgs, activationArgs, weightsInArgs, weightsInForDataArgs,
                weightGradientOutArgs;
        final Layout output;
        /** Set when the pooling stage after this one applies the activation's derivative (see PoolStage). */
        boolean activationBackwardDone;

        ConvStage(int n, memory.desc srcD, stream stream) {
            this.stream = stream;
            memory.desc oihw = OneDnn.rowMajor(oc, win.c(), win.kh(), win.kw()), bD = OneDnn.rowMajor(oc);
            memory.desc wAny = OneDnn.desc(memory.format_tag.any, oc, win.c(), win.kh(), win.kw());
            memory.desc dstAny = OneDnn.desc(memory.format_tag.any, n, oc, win.oh(), win.ow());
            long[] stride = win.strides(), pad = win.padding();
            var fpd = new convolution_forward.primitive_desc(new convolution_forward.desc(prop_kind.forward_training,
                    algorithm.convolution_direct, srcD, wAny, bD, dstAny, stride, pad, pad), OneDnn.activation(act),
                    OneDnn.engine());
            memory.desc dstD = fpd.dst_desc();
            forward = new convolution_forward(fpd);
            var wpd = new convolution_backward_weights.primitive_desc(new convolution_backward_weights.desc(
                    algorithm.convolution_direct, srcD, wAny, bD, dstD, stride, pad, pad), OneDnn.engine(), fpd);
            weightGradientOp = new convolution_backward_weights(wpd);
            var dpd = new convolution_backward_data.primitive_desc(new convolution_backward_data.desc(
                    algorithm.convolution_direct, srcD, wAny, dstD, stride, pad, pad), OneDnn.engine(), fpd);
            inputGradientOp = new convolution_backward_data(dpd);
            if (!wpd.src_desc().equals(srcD) || !wpd.diff_dst_desc().equals(dstD) || !dpd.diff_src_desc().equals(srcD)
                    || !dpd.diff_dst_desc().equals(dstD)) {
                throw new IllegalStateException("oneDNN's backward convolution chose other layouts than its forward one");
            }
            src = OneDnn.unbound(srcD);
            dst = OneDnn.unbound(dstD);
            diffDst = OneDnn.unbound(dstD);
            diffSrc = OneDnn.unbound(srcD);
            bias = OneDnn.unbound(bD);
            biasGradientMem = OneDnn.unbound(bD);
            userWeights = OneDnn.unbound(oihw);
            userWeightGradient = OneDnn.unbound(oihw);
            weights = fpd.weights_desc().equals(oihw) ? userWeights : OneDnn.owned(fpd.weights_desc());
            weightsForData = dpd.weights_desc().equals(fpd.weights_desc()) ? weights
                    : dpd.weights_desc().equals(oihw) ? userWeights : OneDnn.owned(dpd.weights_desc());
            weightGradientMem = wpd.diff_weights_desc().equals(oihw) ? userWeightGradient
                    : OneDnn.owned(wpd.diff_weights_desc());
            weightsIn = weights == userWeights ? null : new reorder(userWeights, weights);
            weightsInForData = weightsForData == weights || weightsForData == userWeights ? null
                    : new reorder(userWeights, weightsForData);
            weightGradientOut = weightGradientMem == userWeightGradient ? null
                    : new reorder(weightGradientMem, userWeightGradient);
            weightsInArgs = new IntMemoryMap().put(DNNL_ARG_FROM, userWeights).put(DNNL_ARG_TO, weights);
            weightsInForDataArgs = new IntMemoryMap().put(DNNL_ARG_FROM, userWeights).put(DNNL_ARG_TO, weightsForData);
            weightGradientOutArgs = new IntMemoryMap().put(DNNL_ARG_FROM, weightGradientMem)
                    .put(DNNL_ARG_TO, userWeightGradient);
            forwardArgs = new IntMemoryMap().put(DNNL_ARG_SRC, src).put(DNNL_ARG_WEIGHTS, weights)
                    .put(DNNL_ARG_BIAS, bias).put(DNNL_ARG_DST, dst);
            weightArgs = new IntMemoryMap().put(DNNL_ARG_SRC, src).put(DNNL_ARG_DIFF_DST, diffDst)
                    .put(DNNL_ARG_DIFF_WEIGHTS, weightGradientMem).put(DNNL_ARG_DIFF_BIAS, biasGradientMem);
            dataArgs = new IntMemoryMap().put(DNNL_ARG_DIFF_DST, diffDst).put(DNNL_ARG_WEIGHTS, weightsForData)
                    .put(DNNL_ARG_DIFF_SRC, diffSrc);
            activationBack = act.isIdentity() ? null : OneDnn.activationBackward(act, dstD);
            activationArgs = act.isIdentity() ? null : OneDnn.activationBackwardArgs(diffDst, dst);
            output = Layout.of(dstD, n, oc, win.oh(), win.ow());
        }

        @Override
        public Layout output() {
            return output;
        }

        Activation activation() {
            return act;
        }

        private void bindWeights() {
            userWeights.set_data_handle(OneDnn.at(NativeArrays.pointer(
                    layer.getParam(ConvolutionParamInitializer.WEIGHT_KEY)), 0));
        }

        @Override
        public void forward(Pointer in, Pointer out, boolean training) {
            bindWeights();
            if (weightsIn != null) weightsIn.execute(stream, weightsInArgs);
            src.set_data_handle(in);
            bias.set_data_handle(OneDnn.at(NativeArrays.pointer(layer.getParam(ConvolutionParamInitializer.BIAS_KEY)), 0));
            dst.set_data_handle(out);
            forward.execute(stream, forwardArgs);
        }

        @Override
        public void backward(Pointer in, Pointer out, Pointer dOut, Pointer dIn) {
            src.set_data_handle(in);
            dst.set_data_handle(out);
            diffDst.set_data_handle(dOut);
            if (activationBack != null && !activationBackwardDone) activationBack.execute(stream, activationArgs);
            userWeightGradient.set_data_handle(OneDnn.at(NativeArrays.pointer(weightGradient), 0));
            biasGradientMem.set_data_handle(OneDnn.at(NativeArrays.pointer(biasGradient), 0));
            weightGradientOp.execute(stream, weightArgs);
            if (weightGradientOut != null) weightGradientOut.execute(stream, weightGradientOutArgs);
            if (dIn != null) {
                bindWeights();
                if (weightsInForData != null) weightsInForData.execute(stream, weightsInForDataArgs);
                diffSrc.set_data_handle(dIn);
                inputGradientOp.execute(stream, dataArgs);
            }
        }

        @Override
        public void close() {
            OneDnn.close(forward, weightGradientOp, inputGradientOp, activationBack, weightsIn, weightsInForData,
                    weightGradientOut, forwardArgs, weightArgs, dataArgs, activationArgs, weightsInArgs,
                    weightsInForDataArgs, weightGradientOutArgs);
            for (memory m : new memory[] {src, dst, diffDst, diffSrc, userWeights, weights, weightsForData,
                    userWeightGradient, weightGradientMem, bias, biasGradientMem}) {
                if (m != null && !m.isNull()) m.close();
            }
        }
    }
}
