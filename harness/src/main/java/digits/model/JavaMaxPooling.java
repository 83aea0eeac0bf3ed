package digits.model;

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
import org.nd4j.linalg.api.shape.Shape;
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
        float[] x = floats(input);
        float[] y = new float[(int) (g.planes * g.oh * g.ow)];
        for (int p = 0, o = 0; p < g.planes; p++) {
            int plane = p * g.h * g.w;
            for (int i = 0; i < g.oh; i++) {
                for (int j = 0; j < g.ow; j++, o++) {
                    y[o] = x[g.argmax(x, plane, i, j)];
                }
            }
        }
        INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(),
                new long[] {input.size(0), input.size(1), g.oh, g.ow}, 'c');
        write(out, y);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        Geometry g = new Geometry(layerConf(), input);
        float[] x = floats(input);
        float[] e = floats(epsilon);
        float[] dx = new float[x.length];
        for (int p = 0, o = 0; p < g.planes; p++) {
            int plane = p * g.h * g.w;
            for (int i = 0; i < g.oh; i++) {
                for (int j = 0; j < g.ow; j++, o++) {
                    dx[g.argmax(x, plane, i, j)] += e[o];
                }
            }
        }
        INDArray out = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), 'c');
        write(out, dx);
        return new Pair<>(new DefaultGradient(), out);
    }

    /** The elements of {@code a} in row-major order (one bulk copy out of native memory). */
    private static float[] floats(INDArray a) {
        INDArray c = a.ordering() == 'c' && Shape.hasDefaultStridesForShape(a) ? a : a.dup('c');
        float[] out = new float[(int) c.length()];
        new FloatPointer(c.data().addressPointer()).position(c.offset()).get(out);
        return out;
    }

    /** Fills a new, contiguous array from {@code values} (one bulk copy into native memory). */
    private static void write(INDArray out, float[] values) {
        new FloatPointer(out.data().addressPointer()).position(out.offset()).put(values);
    }

    /** Window arithmetic of one layer on one input. */
    private static final class Geometry {
        final int h, w, kh, kw, sh, sw, oh, ow;
        final long planes;

        Geometry(org.deeplearning4j.nn.conf.layers.SubsamplingLayer c, INDArray input) {
            planes = input.size(0) * input.size(1);
            h = (int) input.size(2);
            w = (int) input.size(3);
            kh = c.getKernelSize()[0];
            kw = c.getKernelSize()[1];
            sh = c.getStride()[0];
            sw = c.getStride()[1];
            oh = (h - kh) / sh + 1; // Truncate mode: a partial window at the edge is dropped
            ow = (w - kw) / sw + 1;
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
