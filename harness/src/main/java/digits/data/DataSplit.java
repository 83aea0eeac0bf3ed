package digits.data;

import digits.spec.DatasetSpec;

/**
 * The seed's protocol: of the training images in their canonical order, the last {@code devFraction}
 * are the dev set; the rest are shuffled once with numpy's legacy generator. The test set is untouched.
 *
 * @param trainPairs for two-digit data, the digits of each training image in {@code train}'s order; otherwise null
 */
public record DataSplit(LabeledImages train, LabeledImages dev, LabeledImages test, DigitPairs trainPairs) {

    public DataSplit(LabeledImages train, LabeledImages dev, LabeledImages test) {
        this(train, dev, test, null);
    }

    public static DataSplit of(LabeledImages trainAll, LabeledImages testAll, DatasetSpec spec) {
        return of(trainAll, testAll, spec, null);
    }

    /** As {@link #of(LabeledImages, LabeledImages, DatasetSpec)}, carrying {@code pairsAll} (for trainAll) along. */
    public static DataSplit of(LabeledImages trainAll, LabeledImages testAll, DatasetSpec spec, DigitPairs pairsAll) {
        if (spec.trainLimit() != null) {
            trainAll = trainAll.first(spec.trainLimit());
            if (pairsAll != null) pairsAll = pairsAll.first(spec.trainLimit());
        }
        if (spec.testLimit() != null) testAll = testAll.first(spec.testLimit());
        trainAll = trainAll.withPixelDivisor(spec.pixelDivisor());
        testAll = testAll.withPixelDivisor(spec.pixelDivisor());
        int split = devSplitIndex(trainAll.count(), spec.devFraction());
        LabeledImages dev = trainAll.range(split, trainAll.count());
        int[] order = new NumpyRandom(spec.shuffleSeed()).permutation(split);
        LabeledImages train = trainAll.select(order);
        return new DataSplit(train, dev, testAll,
                pairsAll == null ? null : pairsAll.outside(split, trainAll.count()).select(order));
    }

    /** {@code int(9 * n / 10)} in the notebook, generalised to any fraction. */
    public static int devSplitIndex(int n, double devFraction) {
        return (int) Math.floor(n * (1.0 - devFraction) + 1e-9);
    }
}
