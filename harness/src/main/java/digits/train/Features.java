package digits.train;

import digits.data.LabeledImages;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A data set's images as one ND4J float array {@code [count, pixels]} in [0, 1], built once: the dev set is
 * evaluated after every epoch, and converting its bytes again each time cost more than the network's own forward
 * pass on the small MLPs. (The PyTorch recipe likewise builds its tensors once, before training.)
 */
public final class Features implements AutoCloseable {

    private final INDArray all;

    private Features(INDArray all) {
        this.all = all;
    }

    public static Features of(LabeledImages data) {
        return new Features(Batches.toFeatures(data, 0, data.count()));
    }

    /** Images {@code start..start+n} (a view, no copy). */
    INDArray rows(int start, int n) {
        return all.get(NDArrayIndex.interval(start, start + n), NDArrayIndex.all());
    }

    /** Frees the images' memory now (ND4J would not; see {@link Batches}); not to be used after. */
    @Override
    public void close() {
        if (!all.wasClosed()) all.close();
    }
}
