package digits.data;

import digits.spec.DatasetSpec;

/**
 * The seed's protocol: of the training images in their canonical order, the last {@code devFraction}
 * are the dev set; the rest are shuffled once with numpy's legacy generator. The test set is untouched.
 */
public record DataSplit(LabeledImages train, LabeledImages dev, LabeledImages test) {

    public static DataSplit of(LabeledImages trainAll, LabeledImages testAll, DatasetSpec spec) {
        if (spec.trainLimit() != null) trainAll = trainAll.first(spec.trainLimit());
        if (spec.testLimit() != null) testAll = testAll.first(spec.testLimit());
        trainAll = trainAll.withPixelDivisor(spec.pixelDivisor());
        testAll = testAll.withPixelDivisor(spec.pixelDivisor());
        int split = devSplitIndex(trainAll.count(), spec.devFraction());
        LabeledImages dev = trainAll.range(split, trainAll.count());
        int[] order = new NumpyRandom(spec.shuffleSeed()).permutation(split);
        LabeledImages train = trainAll.select(order);
        return new DataSplit(train, dev, testAll);
    }

    /** {@code int(9 * n / 10)} in the notebook, generalised to any fraction. */
    public static int devSplitIndex(int n, double devFraction) {
        return (int) Math.floor(n * (1.0 - devFraction) + 1e-9);
    }
}
