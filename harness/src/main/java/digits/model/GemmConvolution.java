package digits.model;

import static digits.model.NativeArrays.at;
import static digits.model.NativeArrays.floats;
import static digits.model.NativeArrays.pointer;
import static digits.model.NativeArrays.rowMajor;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_saxpy;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_scopy;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import org.bytedeco.javacpp.FloatPointer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A 2-D convolution computed as im2col plus OpenBLAS {@code sgemm}: one product per pass and part of the batch.
 *
 * <p>Why: with DL4J 1.0.0-M2.1 the seed CNN spent most of its step in the convolutions, and DL4J's
 * layer runs the forward convolution twice per step (once in {@code activate}, again at the start of
 * {@code backpropGradient}), each time through its oneDNN helper. Here the forward pass keeps its patch
 * matrix and pre-activations for the backward pass, each of the three products (output, weight gradient,
 * input gradient) is one matrix multiply per part of the batch, and the first layer skips the input
 * gradient nobody reads. The batch is split into
 * {@link #PARTS} contiguous ranges of samples, shared out over the {@link LayerThreads layer threads}, each
 * with its own patch matrix and single-threaded {@code sgemm} calls; the parts' weight and bias gradients
 * are then added up in order, so the thread count never changes a result.
 *
 * <p>Layout: patches are rows {@code (c, ky, kx)} and columns {@code (n, y, x)}, so the
 * pre-activations {@code [OC, N*OH*OW] = W [OC, C*KH*KW] x patches} with DL4J's own {@code [OC, C, KH, KW]}
 * weights, unchanged (the parameters, their order, the updater and {@code model.zip} are DL4J's).
 * The same function as DL4J's path, up to the order of float additions inside the products.
 * Layers it does not cover keep DL4J's implementation: see {@link #covers}.
 */
public final class GemmConvolution extends ConvolutionLayer {

    /**
     * Parts a batch is split into. Fixed, so that the figures do not depend on the machine's cores; two, because
     * four (products a quarter of the batch wide) made the seed CNN's step 15% slower on the 2-core CI machine.
     */
    static final int PARTS = 2;

    /** Patch-matrix floats per chunk when inference splits a large batch (evaluation): 16 MiB. */
    private static final long CHUNK_FLOATS = 4L << 20;

    private boolean inputGradientWanted = true;
    private Part[] parts = new Part[0];
    /** The input whose patches and pre-activations the parts hold (the last training forward pass), or null. */
    private INDArray cachedFor;

    public GemmConvolution(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** Whether this class computes what {@code c} asks for. */
    static boolean covers(org.deeplearning4j.nn.conf.layers.ConvolutionLayer c, DataType dataType) {
        return dataType == DataType.FLOAT && c.getCnn2dDataFormat() == CNN2DFormat.NCHW
                && c.getConvolutionMode() != ConvolutionMode.Same && c.hasBias()
                && c.getDilation()[0] == 1 && c.getDilation()[1] == 1
                && c.getIDropout() == null && c.getWeightNoise() == null
                && (c.getActivationFn() instanceof ActivationReLU relu && isPlainRelu(relu)
                        || c.getActivationFn() instanceof ActivationIdentity);
    }

    private static boolean isPlainRelu(ActivationReLU relu) {
        return relu.getMax() == null && (relu.getThreshold() == null || relu.getThreshold() == 0)
                && (relu.getNegativeSlope() == null || relu.getNegativeSlope() == 0);
    }

    /**
     * Whether backprop computes the gradient with respect to this layer's input. The first layer's is the
     * gradient with respect to the images, which training never reads; when off, backprop returns zeros.
     */
    void inputGradientWanted(boolean wanted) {
        this.inputGradientWanted = wanted;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        Geometry g = new Geometry(this, input);
        INDArray x = rowMajor(input);
        INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[] {g.n, g.oc, g.oh, g.ow}, 'c');
        Operands ops = new Operands(g, pointer(x), pointer(getParam(ConvolutionParamInitializer.WEIGHT_KEY)),
                floats(getParam(ConvolutionParamInitializer.BIAS_KEY)),
                layerConf().getActivationFn() instanceof ActivationReLU);
        FloatPointer outP = pointer(out);
        // training keeps the whole batch's patches for backprop; inference bounds them by splitting the batch
        int chunk = training ? g.n : (int) Math.max(1, Math.min(g.n, CHUNK_FLOATS / ((long) g.p * g.k)));
        for (int n0 = 0; n0 < g.n; n0 += chunk) {
            int m = Math.min(chunk, g.n - n0), first = n0;
            Part[] ps = parts(m);
            LayerThreads.forEach(ps.length, i -> {
                Part part = ps[i];
                part.range(first + m * i / ps.length, first + m * (i + 1) / ps.length);
                part.forward(ops);
                part.activations(ops, outP);
            });
        }
        cachedFor = training ? input : null;
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        Geometry g = new Geometry(this, input);
        INDArray wGrad = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
        INDArray bGrad = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
        Operands ops = new Operands(g, pointer(rowMajor(input)), pointer(getParam(ConvolutionParamInitializer.WEIGHT_KEY)),
                floats(getParam(ConvolutionParamInitializer.BIAS_KEY)),
                layerConf().getActivationFn() instanceof ActivationReLU);
        FloatPointer eP = pointer(rowMajor(epsilon));
        INDArray epsNext = inputGradientWanted
                ? mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c')
                : mgr.create(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c'); // zeros
        FloatPointer dxP = inputGradientWanted ? pointer(epsNext) : null;
        boolean cached = cachedFor == input;
        Part[] ps = parts(g.n);
        LayerThreads.forEach(ps.length, i -> {
            Part part = ps[i];
            if (!cached) { // no training forward pass over this input: redo this part of it
                part.range(g.n * i / ps.length, g.n * (i + 1) / ps.length);
                part.forward(ops);
            }
            part.backward(ops, eP, dxP);
        });
        cachedFor = null; // the parts' patch matrices now hold input gradients
        // each part summed over its own samples: add the parts up in order
        FloatPointer wGradP = pointer(wGrad);
        cblas_scopy(g.oc * g.k, ps[0].dW.position(0), 1, wGradP, 1);
        float[] db = ps[0].db.clone();
        for (int t = 1; t < ps.length; t++) {
            cblas_saxpy(g.oc * g.k, 1f, ps[t].dW.position(0), 1, wGradP, 1);
            for (int o = 0; o < g.oc; o++) db[o] += ps[t].db[o];
        }
        pointer(bGrad).put(db);
        Gradient grad = new DefaultGradient();
        grad.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, bGrad);
        grad.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, wGrad, 'c');
        return new Pair<>(grad, epsNext);
    }

    /**
     * The parts for a batch of {@code m} samples: {@link #PARTS}, at least one sample each. A fixed number, not
     * one per thread, so that the weight gradient's partial sums, and the figures, are the same on any machine.
     */
    private Part[] parts(int m) {
        int n = Math.max(1, Math.min(m, PARTS));
        if (parts.length != n) {
            parts = LayerThreads.resize(parts, n, Part[]::new, Part::new);
            cachedFor = null;
        }
        return parts;
    }

    /** What every part reads: sizes, and pointers to the input, weights and biases. */
    private record Operands(Geometry g, FloatPointer x, FloatPointer w, float[] bias, boolean relu) {}

    /**
     * One contiguous range of samples and the buffers it works in. Patch rows are (channel, ky, kx) and
     * columns (sample, y, x), so every inner loop runs along an image row.
     */
    private static final class Part {
        int s0, s1;
        float[] x = new float[0], col = new float[0], pre = new float[0], y = new float[0], db = new float[0];
        final NativeArrays.Scratch colBuffer = new NativeArrays.Scratch(), outBuffer = new NativeArrays.Scratch(),
                dWBuffer = new NativeArrays.Scratch();
        FloatPointer colNative, outNative, dW;

        void range(int from, int to) {
            s0 = from;
            s1 = to;
        }

        /** Patches of this part's samples into {@link #col} {@code [K, m*P]}; {@link #pre} {@code [OC, m*P]} = W x patches + b. */
        void forward(Operands ops) {
            Geometry g = ops.g;
            int m = s1 - s0, rows = m * g.p, image = g.c * g.h * g.w;
            x = NativeArrays.fit(x, m * image);
            at(ops.x, (long) s0 * image).get(x, 0, m * image);
            col = NativeArrays.fit(col, rows * g.k);
            pre = NativeArrays.fit(pre, rows * g.oc);
            for (int c = 0; c < g.c; c++) {
                for (int ky = 0; ky < g.kh; ky++) {
                    for (int kx = 0; kx < g.kw; kx++) {
                        int r = ((c * g.kh + ky) * g.kw + kx) * rows;
                        int ox0 = g.firstInside(kx), ox1 = g.endInside(kx);
                        for (int s = 0; s < m; s++) {
                            int plane = (s * g.c + c) * g.h * g.w;
                            for (int oy = 0; oy < g.oh; oy++, r += g.ow) {
                                int iy = oy * g.sh - g.ph + ky;
                                if (iy < 0 || iy >= g.h) {
                                    java.util.Arrays.fill(col, r, r + g.ow, 0f);
                                } else {
                                    gatherRow(x, plane + iy * g.w - g.pw + kx, g.sw, col, r, ox0, ox1, g.ow);
                                }
                            }
                        }
                    }
                }
            }
            colNative = colBuffer.floats(rows * (long) g.k);
            outNative = outBuffer.floats(rows * (long) g.oc);
            colNative.position(0).put(col, 0, rows * g.k);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, g.oc, rows, g.k, 1f, ops.w, g.k, colNative, rows,
                    0f, outNative.position(0), rows);
            outNative.get(pre, 0, rows * g.oc);
            for (int o = 0; o < g.oc; o++) {
                float b = ops.bias[o];
                for (int i = o * rows, end = i + rows; i < end; i++) pre[i] += b;
            }
        }

        /** Pre-activations {@code [OC, m*P]} to activations {@code [m, OC, P]}, written into the layer's output. */
        void activations(Operands ops, FloatPointer out) {
            Geometry g = ops.g;
            int m = s1 - s0, rows = m * g.p;
            float[] a = y = NativeArrays.fit(y, m * g.oc * g.p);
            for (int s = 0; s < m; s++) {
                for (int o = 0; o < g.oc; o++) {
                    int from = o * rows + s * g.p, to = (s * g.oc + o) * g.p;
                    if (ops.relu) {
                        relu(pre, from, a, to, g.p);
                    } else {
                        System.arraycopy(pre, from, a, to, g.p);
                    }
                }
            }
            at(out, (long) s0 * g.oc * g.p).put(a, 0, m * g.oc * g.p);
        }

        /**
         * From dL/d(output) of this part's samples: its share of the weight gradient ({@link #dW}) and bias
         * gradient ({@link #db}), and, when {@code dx} is given, dL/d(input) of its samples into {@code dx}.
         */
        void backward(Operands ops, FloatPointer eps, FloatPointer dx) {
            Geometry g = ops.g;
            int m = s1 - s0, rows = m * g.p, image = g.c * g.h * g.w;
            // delta [OC, rows] = dL/d(pre-activation), in the patch matrix's column order
            float[] e = x = NativeArrays.fit(x, Math.max(m * image, m * g.oc * g.p)); // the input copy is no longer needed
            at(eps, (long) s0 * g.oc * g.p).get(e, 0, m * g.oc * g.p);
            float[] delta = y = NativeArrays.fit(y, rows * g.oc);
            db = db.length == g.oc ? db : new float[g.oc];
            java.util.Arrays.fill(db, 0f);
            for (int s = 0; s < m; s++) {
                for (int o = 0; o < g.oc; o++) {
                    int from = (s * g.oc + o) * g.p, to = o * rows + s * g.p;
                    float sum = 0f;
                    if (ops.relu) {
                        sum = reluGradient(e, from, pre, delta, to, g.p);
                    } else {
                        for (int q = 0; q < g.p; q++) sum += delta[to + q] = e[from + q];
                    }
                    db[o] += sum;
                }
            }
            outNative.position(0).put(delta, 0, rows * g.oc);
            dW = dWBuffer.floats(g.oc * (long) g.k);
            // dW [OC, K] = delta x patches^T
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, g.oc, g.k, rows, 1f, outNative, rows,
                    colNative.position(0), rows, 0f, dW.position(0), g.k);
            if (dx == null) return;
            // dPatches [K, rows] = W^T x delta, written over the patch matrix, then summed back into images
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, g.k, rows, g.oc, 1f, ops.w, g.k, outNative, rows,
                    0f, colNative, rows);
            colNative.get(col, 0, rows * g.k);
            float[] d = x = NativeArrays.fit(x, m * image);
            java.util.Arrays.fill(d, 0, m * image, 0f);
            for (int c = 0; c < g.c; c++) {
                for (int ky = 0; ky < g.kh; ky++) {
                    for (int kx = 0; kx < g.kw; kx++) {
                        int r = ((c * g.kh + ky) * g.kw + kx) * rows;
                        int ox0 = g.firstInside(kx), ox1 = g.endInside(kx);
                        for (int s = 0; s < m; s++) {
                            int plane = (s * g.c + c) * g.h * g.w;
                            for (int oy = 0; oy < g.oh; oy++, r += g.ow) {
                                int iy = oy * g.sh - g.ph + ky;
                                if (iy >= 0 && iy < g.h) scatterRow(col, r, ox0, ox1, d, plane + iy * g.w - g.pw + kx, g.sw);
                            }
                        }
                    }
                }
            }
            at(dx, (long) s0 * image).put(d, 0, m * image);
        }
    }

    // The inner loops below are small methods of their own: called thousands of times per batch, they reach
    // the JIT's optimising compiler within a few batches, where the big loop nests around them (called a
    // few times per batch) took most of the first epoch, which ran at 60% of the later epochs' speed.

    /** One patch-matrix row segment: {@code col[r + ox] = x[src + ox * sw]} inside the image, zeros outside. */
    private static void gatherRow(float[] x, int src, int sw, float[] col, int r, int ox0, int ox1, int ow) {
        if (ox0 > 0) java.util.Arrays.fill(col, r, r + ox0, 0f);
        if (sw == 1) { // runs of 9 to 26 floats: a loop beats arraycopy's call
            for (int ox = ox0; ox < ox1; ox++) col[r + ox] = x[src + ox];
        } else {
            for (int ox = ox0; ox < ox1; ox++) col[r + ox] = x[src + ox * sw];
        }
        if (ox1 < ow) java.util.Arrays.fill(col, r + ox1, r + ow, 0f);
    }

    /** The reverse of {@link #gatherRow}: adds a patch-row segment back onto the image row it came from. */
    private static void scatterRow(float[] col, int r, int ox0, int ox1, float[] d, int dst, int sw) {
        if (sw == 1) {
            for (int ox = ox0; ox < ox1; ox++) d[dst + ox] += col[r + ox];
        } else {
            for (int ox = ox0; ox < ox1; ox++) d[dst + ox * sw] += col[r + ox];
        }
    }

    /** {@code a[to..] = max(pre[from..], 0)}: {@code Math.max} has no data-dependent branch; NaN passes. */
    private static void relu(float[] pre, int from, float[] a, int to, int n) {
        for (int q = 0; q < n; q++) a[to + q] = Math.max(pre[from + q], 0f);
    }

    /** {@code delta[to..] = e[from..]} where {@code pre[to..] > 0}, else 0; returns the segment's sum. */
    private static float reluGradient(float[] e, int from, float[] pre, float[] delta, int to, int n) {
        float sum = 0f;
        for (int q = 0; q < n; q++) {
            float d = Float.intBitsToFloat(Float.floatToRawIntBits(e[from + q]) & positive(pre[to + q]));
            delta[to + q] = d;
            sum += d;
        }
        return sum;
    }

    /**
     * All ones when {@code v > 0} (NaN excluded), else zero: ReLU's derivative as a bit mask, because a branch
     * on the sign of pre-activations mispredicts about half the time.
     */
    private static int positive(float v) {
        int bits = Float.floatToRawIntBits(v); // +0 is 0; positive finite and +inf are 1..0x7F800000
        return ~(((bits - 1) | (0x7F800000 - bits)) >> 31);
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    /** Sizes of one layer on one input. */
    private static final class Geometry {
        final int n, c, h, w, oc, kh, kw, sh, sw, ph, pw, oh, ow, p, k;

        Geometry(GemmConvolution layer, INDArray input) {
            var conf = layer.layerConf();
            if (input.rank() != 4) {
                throw new IllegalArgumentException("convolution layer " + layer.layerId() + " expects [batch, channels,"
                        + " height, width] input, got " + java.util.Arrays.toString(input.shape()));
            }
            n = (int) input.size(0);
            c = (int) input.size(1);
            h = (int) input.size(2);
            w = (int) input.size(3);
            if (c != conf.getNIn()) {
                throw new IllegalArgumentException("convolution layer " + layer.layerId() + " expects " + conf.getNIn()
                        + " input channels, got " + c);
            }
            oc = (int) conf.getNOut();
            kh = conf.getKernelSize()[0];
            kw = conf.getKernelSize()[1];
            sh = conf.getStride()[0];
            sw = conf.getStride()[1];
            ph = conf.getPadding()[0];
            pw = conf.getPadding()[1];
            // Truncate mode (and Strict, which DL4J has already validated): a partial window at the edge is dropped
            oh = (h + 2 * ph - kh) / sh + 1;
            ow = (w + 2 * pw - kw) / sw + 1;
            if (oh < 1 || ow < 1) {
                throw new IllegalArgumentException("convolution layer " + layer.layerId() + ": kernel " + kh + "x" + kw
                        + " does not fit a " + h + "x" + w + " input");
            }
            p = oh * ow;
            k = c * kh * kw;
        }

        /** The first output column whose input column {@code ox * sw - pw + kx} lies inside the image. */
        int firstInside(int kx) {
            return Math.min(ow, Math.max(0, ceilDiv(pw - kx, sw)));
        }

        /** One past the last output column whose input column lies inside the image. */
        int endInside(int kx) {
            return Math.max(firstInside(kx), Math.min(ow, ceilDiv(w + pw - kx, sw)));
        }
    }
}
