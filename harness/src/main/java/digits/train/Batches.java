package digits.train;

import digits.data.LabeledImages;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A data set cut into ready-made ND4J batches (pixels scaled to [0, 1]), built once so the training
 * loop never copies or converts per step. Like the seed's {@code batchify_data}, the remainder that
 * does not fill a batch is dropped.
 *
 * <p>The batches are views of one array, which {@link #close} frees: ND4J gives back no CPU array by itself here
 * (JavaCPP's pointer GC is off, see Nd4jSetup), and one large block goes back to the system whole, where a
 * thousand small ones did not, so a study's runs in one JVM each added their training set to its memory.
 */
public final class Batches implements AutoCloseable {

    private final INDArray all;
    private final List<INDArray> features = new ArrayList<>();
    private final List<int[][]> labels = new ArrayList<>();
    private final int batchSize;

    public Batches(LabeledImages data, int batchSize) {
        this.batchSize = batchSize;
        int size = data.size();
        if (size == 0) throw new IllegalArgumentException("empty images");
        int full = data.count() / batchSize;
        all = full == 0 ? null : toFeatures(data, 0, full * batchSize);
        for (int b = 0; b < full; b++) {
            features.add(all.get(NDArrayIndex.interval((long) b * batchSize, (long) (b + 1) * batchSize),
                    NDArrayIndex.all()));
            labels.add(labels(data, b * batchSize, batchSize));
        }
    }

    /** Frees the batches' memory now; they are not to be used after. */
    @Override
    public void close() {
        if (all != null && !all.wasClosed()) all.close();
    }

    /** {@code v / 255f} for every byte value: a lookup is several times faster than the division per pixel. */
    private static final float[] PIXEL = pixelTable(255);

    /** {@code v / (float) divisor} for every byte value, as numpy's {@code astype(float32) / divisor} gives it. */
    static float[] pixelTable(int divisor) {
        float[] table = new float[256];
        for (int v = 0; v < 256; v++) table[v] = v / (float) divisor;
        return table;
    }

    /** Images {@code start..start+n} as a new {@code [n, rows*cols]} float array, each byte over the data's divisor. */
    static INDArray toFeatures(LabeledImages data, int start, int n) {
        return Nd4j.create(floats(data, start, n), new long[] {n, data.size()}, 'c');
    }

    /** As {@link #toFeatures(LabeledImages, int, int)}, written into {@code into} (reused per batch; returned). */
    static INDArray toFeatures(LabeledImages data, int start, int n, INDArray into) {
        into.data().setData(floats(data, start, n));
        return into;
    }

    /** A reusable {@code [n, size]} float array, for the per-batch variants. */
    static INDArray buffer(int n, int size) {
        return Nd4j.createUninitialized(org.nd4j.linalg.api.buffer.DataType.FLOAT, n, size);
    }

    /** Images {@code start..start+n} as floats in [0, 1], row-major {@code [n, pixels]}. */
    static float[] floats(LabeledImages data, int start, int n) {
        int size = data.size();
        float[] x = new float[n * size];
        byte[] px = data.pixels();
        float[] table = data.pixelDivisor() == 255 ? PIXEL : pixelTable(data.pixelDivisor());
        int offset = start * size;
        for (int i = 0; i < x.length; i++) x[i] = table[px[offset + i] & 0xff];
        return x;
    }

    /** The labels of images {@code start..start+n}, indexed {@code [head][example]}. */
    static int[][] labels(LabeledImages data, int start, int n) {
        int[][] y = new int[data.heads()][n];
        for (int h = 0; h < y.length; h++) {
            for (int i = 0; i < n; i++) y[h][i] = data.label(h, start + i);
        }
        return y;
    }

    public int count() {
        return features.size();
    }

    public int batchSize() {
        return batchSize;
    }

    public INDArray features(int i) {
        return features.get(i);
    }

    /** Labels of batch {@code i}, indexed {@code [head][example]}. */
    public int[][] labels(int i) {
        return labels.get(i);
    }
}
