package digits.model;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_MEAN;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCALE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SHIFT;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_VARIANCE;
import static org.bytedeco.dnnl.global.dnnl.dnnl_use_global_stats;
import static org.bytedeco.dnnl.global.dnnl.dnnl_use_scale;
import static org.bytedeco.dnnl.global.dnnl.dnnl_use_shift;

import java.util.Map;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.batch_normalization_backward;
import org.bytedeco.dnnl.batch_normalization_forward;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link TorchBatchNormLayer} (nn.BatchNorm1d on flat inputs, nn.BatchNorm2d on images, in whatever layout they come
 * in) on oneDNN's batch-normalization primitives: training normalises with the batch's mean and biased variance,
 * which oneDNN returns, and the backward pass writes the scale and shift gradients into DL4J's gradient views. The
 * running statistics move the way DL4J moves them, by a "gradient" its no-op updater subtracts: {@code (1 - decay) *
 * (running - batch)}, with torch's unbiased variance for the running one. Evaluation reads the running statistics.
 */
final class BatchNormKernel implements Kernel {

    private final TorchBatchNormLayer layer;
    private final long channels;
    private final float eps;
    private final double momentum;
    private final INDArray gammaGradient, betaGradient, meanGradient, varGradient;

    private BatchNormKernel(TorchBatchNormLayer layer) {
        this.layer = layer;
        var c = layer.layerConf();
        channels = c.getNOut();
        eps = (float) c.getEps();
        momentum = 1 - c.getDecay();
        Map<String, INDArray> g = BatchNormalizationParamInitializer.getInstance()
                .getGradientsFromFlattened(layer.conf(), layer.getGradientsViewArray());
        gammaGradient = g.get(BatchNormalizationParamInitializer.GAMMA);
        betaGradient = g.get(BatchNormalizationParamInitializer.BETA);
        meanGradient = g.get(BatchNormalizationParamInitializer.GLOBAL_MEAN);
        varGradient = g.get(BatchNormalizationParamInitializer.GLOBAL_VAR);
    }

    /** A kernel for {@code layer}, or null where it is not torch's batch norm with a learned scale and shift. */
    static BatchNormKernel of(org.deeplearning4j.nn.api.Layer layer, DataType type) {
        if (type != DataType.FLOAT || !(layer instanceof TorchBatchNormLayer bn)) return null;
        var c = bn.layerConf();
        if (c.isLockGammaBeta() || c.isUseLogStd() || c.getCnn2DFormat() != CNN2DFormat.NCHW) return null;
        return new BatchNormKernel(bn);
    }

    @Override
    public Stage stage(int n, Layout in, stream stream) {
        long perExample = in.size();
        if (perExample % channels != 0 || in.dims().length != 2 && in.dims().length != 4) return null;
        // a flat batch is described as [n, C, rest, 1] (the network's input, an image in a row: the same floats)
        memory.desc data = in.dims().length == 2 ? OneDnn.rowMajor(n, channels, perExample / channels, 1) : in.desc();
        return new BatchNormStage(n, perExample / channels, data, in, stream);
    }

    private static FloatPointer at(INDArray a) {
        return NativeArrays.pointer(a);
    }

    private final class BatchNormStage implements Stage {
        final stream stream;
        final Layout output;
        /** Values per channel in a batch: n x h x w. */
        final long perChannel;
        final batch_normalization_forward training, inference;
        final batch_normalization_backward backward;
        final memory src, dst, diffDst, diffSrc, scale, shift, batchMean, batchVariance, runningMean, runningVariance,
                diffScale, diffShift, scratch;
        final IntMemoryMap trainingArgs, inferenceArgs, backwardArgs;
        final float[] mean, variance, running;

        BatchNormStage(int n, long spatial, memory.desc data, Layout in, stream stream) {
            this.stream = stream;
            this.output = in;
            perChannel = n * spatial;
            int flags = dnnl_use_scale | dnnl_use_shift;
            var fpd = new batch_normalization_forward.primitive_desc(new batch_normalization_forward.desc(
                    prop_kind.forward_training.value, data, eps, flags), OneDnn.engine());
            training = new batch_normalization_forward(fpd);
            inference = new batch_normalization_forward(new batch_normalization_forward.primitive_desc(
                    new batch_normalization_forward.desc(prop_kind.forward_inference.value, data, eps,
                            flags | dnnl_use_global_stats), OneDnn.engine()));
            backward = new batch_normalization_backward(new batch_normalization_backward.primitive_desc(
                    new batch_normalization_backward.desc(prop_kind.backward.value, data, data, eps, flags),
                    OneDnn.engine(), fpd));
            memory.desc perChannelD = OneDnn.rowMajor(channels);
            src = OneDnn.unbound(data);
            dst = OneDnn.unbound(data);
            diffDst = OneDnn.unbound(data);
            diffSrc = OneDnn.unbound(data);
            scale = OneDnn.unbound(perChannelD);
            shift = OneDnn.unbound(perChannelD);
            runningMean = OneDnn.unbound(perChannelD);
            runningVariance = OneDnn.unbound(perChannelD);
            diffScale = OneDnn.unbound(perChannelD);
            diffShift = OneDnn.unbound(perChannelD);
            batchMean = OneDnn.owned(fpd.mean_desc());
            batchVariance = OneDnn.owned(fpd.variance_desc());
            scratch = OneDnn.owned(data); // dL/d(in) of a first layer, which nobody reads
            trainingArgs = new IntMemoryMap().put(DNNL_ARG_SRC, src).put(DNNL_ARG_DST, dst).put(DNNL_ARG_SCALE, scale)
                    .put(DNNL_ARG_SHIFT, shift).put(DNNL_ARG_MEAN, batchMean).put(DNNL_ARG_VARIANCE, batchVariance);
            inferenceArgs = new IntMemoryMap().put(DNNL_ARG_SRC, src).put(DNNL_ARG_DST, dst).put(DNNL_ARG_SCALE, scale)
                    .put(DNNL_ARG_SHIFT, shift).put(DNNL_ARG_MEAN, runningMean)
                    .put(DNNL_ARG_VARIANCE, runningVariance);
            backwardArgs = new IntMemoryMap().put(DNNL_ARG_SRC, src).put(DNNL_ARG_MEAN, batchMean)
                    .put(DNNL_ARG_VARIANCE, batchVariance).put(DNNL_ARG_DIFF_DST, diffDst).put(DNNL_ARG_SCALE, scale)
                    .put(DNNL_ARG_SHIFT, shift) // oneDNN 2.5 asks for it with use_shift, though the maths does not
                    .put(DNNL_ARG_DIFF_SRC, diffSrc).put(DNNL_ARG_DIFF_SCALE, diffScale)
                    .put(DNNL_ARG_DIFF_SHIFT, diffShift);
            int c = Math.toIntExact(channels);
            mean = new float[c];
            variance = new float[c];
            running = new float[c];
        }

        @Override
        public Layout output() {
            return output;
        }

        private void bindScaleShift() {
            scale.set_data_handle(OneDnn.at(at(layer.getParam(BatchNormalizationParamInitializer.GAMMA)), 0));
            shift.set_data_handle(OneDnn.at(at(layer.getParam(BatchNormalizationParamInitializer.BETA)), 0));
        }

        @Override
        public void forward(Pointer in, Pointer out, boolean isTraining) {
            bindScaleShift();
            src.set_data_handle(in);
            dst.set_data_handle(out);
            if (isTraining) {
                training.execute(stream, trainingArgs);
            } else {
                runningMean.set_data_handle(OneDnn.at(at(layer.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN)), 0));
                runningVariance.set_data_handle(OneDnn.at(at(layer.getParam(BatchNormalizationParamInitializer.GLOBAL_VAR)), 0));
                inference.execute(stream, inferenceArgs);
            }
        }

        @Override
        public void backward(Pointer in, Pointer out, Pointer dOut, Pointer dIn) {
            bindScaleShift();
            src.set_data_handle(in);
            diffDst.set_data_handle(dOut);
            diffSrc.set_data_handle(dIn == null ? scratch.get_data_handle() : dIn);
            diffScale.set_data_handle(OneDnn.at(at(gammaGradient), 0));
            diffShift.set_data_handle(OneDnn.at(at(betaGradient), 0));
            backward.execute(stream, backwardArgs);
            stream._wait(); // the batch's statistics are read below
            // the running statistics' "gradients", which the no-op updater subtracts (DL4J's way of moving them)
            new FloatPointer(batchMean.get_data_handle()).get(mean);
            new FloatPointer(batchVariance.get_data_handle()).get(variance);
            float bessel = perChannel > 1 ? (float) perChannel / (perChannel - 1) : Float.NaN;
            at(layer.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN)).get(running);
            for (int i = 0; i < running.length; i++) running[i] = (float) ((running[i] - mean[i]) * momentum);
            at(meanGradient).put(running);
            at(layer.getParam(BatchNormalizationParamInitializer.GLOBAL_VAR)).get(running);
            for (int i = 0; i < running.length; i++) running[i] = (float) ((running[i] - variance[i] * bessel) * momentum);
            at(varGradient).put(running);
        }

        @Override
        public void close() {
            OneDnn.close(training, inference, backward, src, dst, diffDst, diffSrc, scale, shift, batchMean,
                    batchVariance, runningMean, runningVariance, diffScale, diffShift, scratch, trainingArgs,
                    inferenceArgs, backwardArgs);
        }
    }
}
