package digits.model;

import static digits.model.NativeArrays.at;
import static digits.model.NativeArrays.pointer;
import static digits.model.NativeArrays.rowMajor;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.bytedeco.javacpp.FloatPointer;

/**
 * Max pooling over NCHW float images, computed in Java. libnd4j's {@code maxpool2d} and {@code maxpool2d_bp}
 * (oneDNN build included) took about 40% of the seed CNN's training step, as long as both convolutions
 * together, for an operation that reads each activation once; this does the same in well under a
 * millisecond per batch. Same results bit for bit: the maximum of each window, and in backprop the whole
 * gradient of a window to its first maximal element (as oneDNN and PyTorch do); windows here do not
 * overlap, so there are no sums whose order could differ. Layers it does not cover (average pooling,
 * padding, dilation, NHWC, other types) keep DL4J's own path.
 */
public final class JavaMaxPooling extends SubsamplingLayer {

    public JavaMaxPooling(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** Whether this class computes what {@code conf} asks for. */
    static boolean covers(org.deeplearning4j.nn.conf.layers.SubsamplingLayer c, DataType dataType) {
        return c.getPoolingType() == PoolingType.MAX && dataType == DataType.FLOAT
                && c.getCnn2dDataFormat() == CNN2DFormat.NCHW && c.getConvolutionMode() == ConvolutionMode.Truncate
                && c.getPadding()[0] == 0 && c.getPadding()[1] == 0 && c.getDilation()[0] == 1
                && c.getDilation()[1] == 1 && c.getStride()[0] >= c.getKernelSize()[0]
                && c.getStride()[1] >= c.getKernelSize()[1];
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        Geometry g = new Geometry(layerConf(), input);
        FloatPointer x = pointer(rowMajor(input));
        INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT,
                new long[] {input.size(0), input.size(1), g.oh, g.ow}, 'c');
        FloatPointer y = pointer(out);
        Part[] ps = parts(g.planes);
        LayerThreads.run(ps.length,
                t -> ps[t].forward(g, g.planes * t / ps.length, g.planes * (t + 1) / ps.length, x, y, training));
        cachedFor = training ? input : null;
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        Geometry g = new Geometry(layerConf(), input);
        FloatPointer x = pointer(rowMajor(input));
        FloatPointer e = pointer(rowMajor(epsilon));
        INDArray out = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
        FloatPointer dx = pointer(out);
        boolean cached = cachedFor == input;
        Part[] ps = parts(g.planes);
        LayerThreads.run(ps.length, t -> {
            int p0 = g.planes * t / ps.length, p1 = g.planes * (t + 1) / ps.length;
            if (!cached) ps[t].forward(g, p0, p1, x, null, true); // finds the maxima again
            ps[t].backward(g, p0, p1, e, dx);
        });
        cachedFor = null;
        return new Pair<>(new DefaultGradient(), out);
    }

    private Part[] parts = new Part[0];
    /** The input whose maxima the parts hold (the last training forward pass), or null. */
    private INDArray cachedFor;

    /** One part per layer thread, at least one plane each; parts keep their buffers from batch to batch. */
    private Part[] parts(int planes) {
        int n = Math.max(1, Math.min(planes, LayerThreads.count()));
        if (parts.length != n) {
            parts = LayerThreads.resize(parts, n, Part[]::new, Part::new);
            cachedFor = null;
        }
        return parts;
    }

    /** The planes {@code [p0, p1)} of one batch: copied in, pooled, copied out; in training, where each maximum was. */
    private static final class Part {
        float[] x = new float[0], y = new float[0];
        /** For each window of the last training pass, the index in the part's input of its first maximum. */
        int[] arg = new int[0];

        void forward(Geometry g, int p0, int p1, FloatPointer in, FloatPointer out, boolean training) {
            int planes = p1 - p0, inSize = planes * g.h * g.w, outSize = planes * g.oh * g.ow;
            x = NativeArrays.fit(x, inSize);
            y = NativeArrays.fit(y, outSize);
            if (training && arg.length < outSize) arg = new int[outSize];
            at(in, (long) p0 * g.h * g.w).get(x, 0, inSize);
            if (g.isTwoByTwo()) {
                g.forwardTwoByTwo(x, y, training ? arg : null, planes);
            } else {
                for (int p = 0, o = 0; p < planes; p++) {
                    int plane = p * g.h * g.w;
                    for (int i = 0; i < g.oh; i++) {
                        for (int j = 0; j < g.ow; j++, o++) {
                            int first = g.argmax(x, plane, i, j);
                            y[o] = x[first];
                            if (training) arg[o] = first;
                        }
                    }
                }
            }
            if (out != null) at(out, (long) p0 * g.oh * g.ow).put(y, 0, outSize);
        }

        /** Each window's gradient to its first maximum, as found by the training forward pass. */
        void backward(Geometry g, int p0, int p1, FloatPointer eps, FloatPointer dIn) {
            int planes = p1 - p0, inSize = planes * g.h * g.w, outSize = planes * g.oh * g.ow;
            y = NativeArrays.fit(y, outSize);
            x = NativeArrays.fit(x, inSize);
            at(eps, (long) p0 * g.oh * g.ow).get(y, 0, outSize);
            java.util.Arrays.fill(x, 0, inSize, 0f);
            for (int o = 0; o < outSize; o++) x[arg[o]] += y[o];
            at(dIn, (long) p0 * g.h * g.w).put(x, 0, inSize);
        }
    }

    /** Window arithmetic of one layer on one input. */
    private static final class Geometry {
        final int h, w, kh, kw, sh, sw, oh, ow;
        final int planes;

        Geometry(org.deeplearning4j.nn.conf.layers.SubsamplingLayer c, INDArray input) {
            planes = (int) (input.size(0) * input.size(1));
            h = (int) input.size(2);
            w = (int) input.size(3);
            kh = c.getKernelSize()[0];
            kw = c.getKernelSize()[1];
            sh = c.getStride()[0];
            sw = c.getStride()[1];
            oh = (h - kh) / sh + 1; // Truncate mode: a partial window at the edge is dropped
            ow = (w - kw) / sw + 1;
        }

        /** The seed's 2x2 windows with stride 2, which have a branch-free fast path. */
        boolean isTwoByTwo() {
            return kh == 2 && kw == 2 && sh == 2 && sw == 2;
        }

        // The 2x2 paths avoid data-dependent branches: with ReLU outputs about half of all comparisons go
        // either way, and the mispredictions made the general loop cost ~15 ns per window.
        void forwardTwoByTwo(float[] x, float[] y, int[] arg, int planes) {
            for (int p = 0, o = 0; p < planes; p++) {
                for (int i = 0; i < oh; i++, o += ow) poolRow(x, p * h * w + 2 * i * w, y, arg, o);
            }
        }

        /**
         * One row of windows: the rows {@code r0} and {@code r0 + w} of the input into {@code y[o..]}. A method of
         * its own so that it reaches the JIT's optimising compiler within a few batches.
         */
        private void poolRow(float[] x, int r0, float[] y, int[] arg, int o) {
            for (int j = 0; j < ow; j++, o++) {
                int b = r0 + 2 * j;
                float m = Math.max(Math.max(x[b], x[b + 1]), Math.max(x[b + w], x[b + w + 1]));
                if (arg != null) {
                    int first = b + firstMax(x, b, m);
                    arg[o] = first;
                    y[o] = x[first];
                } else {
                    // Math.max returns +0 for (-0, +0), where the first maximal element may be -0
                    y[o] = m != 0f ? m : x[b + firstMax(x, b, m)];
                }
            }
        }

        /**
         * Offset from {@code b} of the first element of the 2x2 window at {@code b} equal to its maximum
         * {@code m}, without branching on the data: for finite values, {@code m - v} is +0 exactly when
         * {@code v == m}. NaN and infinite maxima (rare) take the general loop.
         */
        private int firstMax(float[] x, int b, float m) {
            if (!(Math.abs(m) <= Float.MAX_VALUE)) {
                int first = argmax(x, b - b % (h * w), (b % (h * w)) / w / sh, (b % w) / sw);
                return first - b;
            }
            int e0 = (Float.floatToRawIntBits(m - x[b]) - 1) >>> 31; // 1 when m - v is +0
            int e1 = (Float.floatToRawIntBits(m - x[b + 1]) - 1) >>> 31;
            int e2 = (Float.floatToRawIntBits(m - x[b + w]) - 1) >>> 31;
            int s1 = (1 - e0) & e1;
            int s2 = (1 - e0) & (1 - e1) & e2;
            int s3 = (1 - e0) & (1 - e1) & (1 - e2);
            return s1 + s2 * w + s3 * (w + 1);
        }

        /** Index in {@code x} of the first largest element of window (i, j) of the plane starting at {@code plane}. */
        int argmax(float[] x, int plane, int i, int j) {
            int best = plane + i * sh * w + j * sw;
            float max = x[best];
            for (int a = 0; a < kh; a++) {
                int row = plane + (i * sh + a) * w + j * sw;
                for (int b = 0; b < kw; b++) {
                    if (x[row + b] > max || x[row + b] != x[row + b]) { // NaN wins, as in PyTorch
                        max = x[row + b];
                        best = row + b;
                    }
                }
            }
            return best;
        }
    }
}
