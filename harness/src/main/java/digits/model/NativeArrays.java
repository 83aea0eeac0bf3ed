package digits.model;

import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Raw access to ND4J's CPU buffers for the harness's own layers: pointers they copy through or pass to BLAS. */
public final class NativeArrays {

    private NativeArrays() {}

    /** {@code a} itself when it is a dense row-major float array, else such a copy (an ND4J op: call on the layer's thread). */
    static INDArray rowMajor(INDArray a) {
        return isRowMajorFloat(a) ? a : a.castTo(DataType.FLOAT).dup('c');
    }

    /** A pointer to the first element of {@code a}, which must be a dense row-major float array. */
    static FloatPointer pointer(INDArray a) {
        if (!isRowMajorFloat(a)) {
            throw new IllegalStateException("expected a contiguous row-major float array, got " + a.shapeInfoToString());
        }
        // addressPointer() already points at a view buffer's first element; a.offset() counts from the root
        // buffer (the two offsets are equal for every view ND4J 1.0.0-M2.1 makes; DirectStepTest reads the
        // weights, which are views into the network's flat parameter array, through this)
        return new FloatPointer(a.data().addressPointer()).position(a.offset() - a.data().offset());
    }

    /** A pointer to the first element of {@code a}, which must be a dense column-major float array (DL4J's dense weights). */
    static FloatPointer columnMajor(INDArray a) {
        boolean dense = a.dataType() == DataType.FLOAT;
        long expected = 1;
        for (int d = 0; d < a.rank() && dense; d++) {
            if (a.size(d) != 1 && a.stride(d) != expected) dense = false;
            expected *= a.size(d);
        }
        if (!dense) throw new IllegalStateException("expected a contiguous column-major float array, got " + a.shapeInfoToString());
        return new FloatPointer(a.data().addressPointer()).position(a.offset() - a.data().offset());
    }

    /** A new pointer {@code offset} floats past {@code base} (pointers carry a mutable position: one per thread). */
    static FloatPointer at(FloatPointer base, long offset) {
        return new FloatPointer(base).position(base.position() + offset);
    }

    /** Float elements laid out densely in row-major order (strides of size-1 dimensions do not matter). */
    static boolean isRowMajorFloat(INDArray a) {
        if (a.dataType() != DataType.FLOAT) return false;
        long expected = 1;
        for (int d = a.rank() - 1; d >= 0; d--) {
            if (a.size(d) != 1 && a.stride(d) != expected) return false;
            expected *= a.size(d);
        }
        return true;
    }

    /**
     * The rows of a 2-D float array, copied out in one piece. ND4J's {@code toFloatMatrix} reads element by
     * element: 5-7 ms for 500 x 10 logits, more than the MLPs' whole forward pass. Other backends use it still.
     */
    public static float[][] rows(INDArray a) {
        if (a.rank() != 2) throw new IllegalArgumentException("expected a matrix, got " + a.shapeInfoToString());
        if (!NativeConvHelpers.available()) return a.toFloatMatrix();
        INDArray c = rowMajor(a);
        float[] flat = new float[(int) c.length()];
        pointer(c).get(flat);
        int n = (int) a.size(0), k = (int) a.size(1);
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) out[i] = java.util.Arrays.copyOfRange(flat, i * k, (i + 1) * k);
        return out;
    }

    /** {@code a} if it holds {@code size} floats, else a new array. */
    static float[] fit(float[] a, int size) {
        return a.length >= size ? a : new float[size];
    }
}
