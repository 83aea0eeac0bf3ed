package digits.model;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import java.util.Map;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.eltwise_backward;
import org.bytedeco.dnnl.matmul;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's dense layer ({@code nn.Linear}, plus the activation the factory folds into it) as three oneDNN matrix
 * products. DL4J keeps {@code W} as {@code [nIn, nOut]} in column-major order (torch's row-major {@code [out, in]}):
 * the products read it, and write its gradient, in place, by describing the same memory with other strides.
 */
final class DenseKernel implements Kernel {

    private final DenseLayer layer;
    private final long in, out;
    private final Activation act;
    private final INDArray weightGradient, biasGradient;

    private DenseKernel(DenseLayer layer, Activation act) {
        this.layer = layer;
        this.in = layer.layerConf().getNIn();
        this.out = layer.layerConf().getNOut();
        this.act = act;
        Map<String, INDArray> g = DefaultParamInitializer.getInstance()
                .getGradientsFromFlattened(layer.conf(), layer.getGradientsViewArray());
        this.weightGradient = g.get(DefaultParamInitializer.WEIGHT_KEY);
        this.biasGradient = g.get(DefaultParamInitializer.BIAS_KEY);
    }

    /**
     * A kernel for {@code layer} (whose network's gradient view must exist), or null where the layer computes
     * something this one does not (layer norm, weight noise, its own dropout, another activation).
     */
    static DenseKernel of(org.deeplearning4j.nn.api.Layer layer, DataType type) {
        if (type != DataType.FLOAT || layer.getClass() != DenseLayer.class) return null;
        DenseLayer d = (DenseLayer) layer;
        var c = d.layerConf();
        if (!c.hasBias() || c.hasLayerNorm() || c.getIDropout() != null || c.getWeightNoise() != null) return null;
        Activation act = Activation.of(c.getActivationFn());
        return act == null ? null : new DenseKernel(d, act);
    }

    @Override
    public Stage stage(int n, Layout layout, stream stream) {
        if (!layout.plain() || layout.size() != in) return null;
        return new DenseStage(n, stream);
    }

    private final class DenseStage implements Stage {
        final int n;
        final stream stream;
        final matmul forward, inputGradient, weightGradientProduct;
        final eltwise_backward activationBack;
        final reorder transpose;
        final memory x, w, b, y, dy, dx, wT, dw, dyT, dyTransposed;
        final IntMemoryMap forwardArgs, activationArgs, inputArgs, weightArgs, transposeArgs;
        final Layout output;
        float[] rows = new float[0];
        final float[] db;

        DenseStage(int n, stream stream) {
            this.n = n;
            this.stream = stream;
            memory.desc xD = OneDnn.rowMajor(n, in), yD = OneDnn.rowMajor(n, out);
            memory.desc wD = OneDnn.desc(memory.format_tag.ba, in, out); // DL4J's column-major [nIn, nOut]
            memory.desc wTD = OneDnn.rowMajor(out, in); // the same floats read as [out, in]
            memory.desc bD = OneDnn.rowMajor(1, out);
            memory.desc wGradD = OneDnn.rowMajor(out, in); // DL4J's column-major [nIn, nOut] gradient view
            forward = new matmul(new matmul.primitive_desc(new matmul.desc(xD, wD, bD, yD), OneDnn.activation(act),
                    OneDnn.engine()));
            inputGradient = new matmul(new matmul.primitive_desc(new matmul.desc(yD, wTD, xD), OneDnn.engine()));
            // dW^T [out, in] = dy^T [out, n] . x [n, in]; oneDNN's fast products want a row-major left operand, so
            // dy is transposed first (a small copy) rather than read with swapped strides
            dyTransposed = OneDnn.owned(OneDnn.rowMajor(out, n));
            dyT = new memory(OneDnn.desc(memory.format_tag.ba, n, out), OneDnn.engine(), dyTransposed.get_data_handle());
            weightGradientProduct = new matmul(new matmul.primitive_desc(new matmul.desc(OneDnn.rowMajor(out, n), xD,
                    wGradD), OneDnn.engine()));
            x = OneDnn.unbound(xD);
            w = OneDnn.unbound(wD);
            wT = OneDnn.unbound(wTD);
            b = OneDnn.unbound(bD);
            y = OneDnn.unbound(yD);
            dy = OneDnn.unbound(yD);
            dx = OneDnn.unbound(xD);
            dw = OneDnn.unbound(wGradD);
            forwardArgs = new IntMemoryMap().put(DNNL_ARG_SRC, x).put(DNNL_ARG_WEIGHTS, w).put(DNNL_ARG_BIAS, b)
                    .put(DNNL_ARG_DST, y);
            inputArgs = new IntMemoryMap().put(DNNL_ARG_SRC, dy).put(DNNL_ARG_WEIGHTS, wT).put(DNNL_ARG_DST, dx);
            weightArgs = new IntMemoryMap().put(DNNL_ARG_SRC, dyTransposed).put(DNNL_ARG_WEIGHTS, x).put(DNNL_ARG_DST, dw);
            transpose = new reorder(dy, dyT);
            transposeArgs = new IntMemoryMap().put(DNNL_ARG_FROM, dy).put(DNNL_ARG_TO, dyT);
            activationBack = act.isIdentity() ? null : OneDnn.activationBackward(act, yD);
            activationArgs = act.isIdentity() ? null : OneDnn.activationBackwardArgs(dy, y);
            output = Layout.plain(n, out);
            db = new float[(int) out];
        }

        @Override
        public Layout output() {
            return output;
        }

        @Override
        public void forward(Pointer in, Pointer out, boolean training) {
            x.set_data_handle(in);
            w.set_data_handle(OneDnn.at(NativeArrays.columnMajor(layer.getParam(DefaultParamInitializer.WEIGHT_KEY)), 0));
            b.set_data_handle(OneDnn.at(NativeArrays.pointer(layer.getParam(DefaultParamInitializer.BIAS_KEY)), 0));
            y.set_data_handle(out);
            forward.execute(stream, forwardArgs);
        }

        @Override
        public void backward(Pointer in, Pointer out, Pointer dOut, Pointer dIn) {
            y.set_data_handle(out);
            dy.set_data_handle(dOut);
            if (activationBack != null) activationBack.execute(stream, activationArgs);
            // bias gradient: column sums of dL/d(pre-activation), in the order torch sums them
            int size = Math.toIntExact(n * DenseKernel.this.out);
            float[] d = rows = NativeArrays.fit(rows, size);
            new FloatPointer(dOut).get(d, 0, size);
            java.util.Arrays.fill(db, 0f);
            for (int i = 0, k = db.length; i < n; i++) {
                for (int o = 0; o < k; o++) db[o] += d[i * k + o];
            }
            NativeArrays.pointer(biasGradient).put(db);
            transpose.execute(stream, transposeArgs);
            x.set_data_handle(in);
            dw.set_data_handle(OneDnn.at(NativeArrays.columnMajor(weightGradient), 0));
            weightGradientProduct.execute(stream, weightArgs);
            if (dIn != null) {
                wT.set_data_handle(OneDnn.at(NativeArrays.columnMajor(layer.getParam(DefaultParamInitializer.WEIGHT_KEY)), 0));
                dx.set_data_handle(dIn);
                inputGradient.execute(stream, inputArgs);
            }
        }

        @Override
        public void close() {
            OneDnn.close(forward, inputGradient, weightGradientProduct, activationBack, transpose, x, w, b, y, dy, dx, wT,
                    dw, dyT, dyTransposed, forwardArgs, activationArgs, inputArgs, weightArgs, transposeArgs);
        }
    }
}
