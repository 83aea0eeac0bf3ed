package digits.data;

import digits.spec.DatasetSpec.MultiDigitSpec;

/**
 * Where two-digit images come from: image {@code i} stacks MNIST digit {@code tops[i]} over {@code bottoms[i]}
 * ({@link MultiDigitMnist#compose}). Kept for the training images so {@code newPairs} can compose them anew each
 * epoch, each first digit with another image's second digit.
 */
public record DigitPairs(LabeledImages digits, int[] tops, int[] bottoms, int overlap) {

    /**
     * The training images' digits for {@code p}, drawn again as {@link MultiDigitMnist} drew them (the generator's
     * first two draws), and checked against {@code composed}, the training images as read from {@code file}.
     */
    public static DigitPairs of(LabeledImages mnistTrain, MultiDigitSpec p, LabeledImages composed,
                                java.nio.file.Path file) {
        NumpyGenerator rng = new NumpyGenerator(p.seed());
        int[] tops = rng.integers(mnistTrain.count(), p.trainCount());
        int[] bottoms = rng.integers(mnistTrain.count(), p.trainCount());
        DigitPairs pairs = new DigitPairs(mnistTrain, tops, bottoms, p.overlap());
        LabeledImages again = pairs.images(0, tops.length, null);
        if (composed.count() != again.count() || !java.util.Arrays.equals(composed.pixels(), again.pixels())) {
            throw new DataException(file + ": the two-digit training images do not match their MNIST digits drawn "
                    + "again with seed " + p.seed() + "; delete its folder to rebuild it");
        }
        return pairs;
    }

    public int count() {
        return tops.length;
    }

    /** The first {@code n} pairs. */
    public DigitPairs first(int n) {
        return n >= count() ? this : new DigitPairs(digits, java.util.Arrays.copyOf(tops, n),
                java.util.Arrays.copyOf(bottoms, n), overlap);
    }

    /** Pairs {@code order[0]}, {@code order[1]}, ... in that order, as {@link LabeledImages#select} orders images. */
    public DigitPairs select(int[] order) {
        int[] t = new int[order.length], b = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            t[i] = tops[order[i]];
            b[i] = bottoms[order[i]];
        }
        return new DigitPairs(digits, t, b, overlap);
    }

    /**
     * Images {@code from} (inclusive) to {@code to} (exclusive), image {@code i} with the second digit of pair
     * {@code partner[i]} ({@code i} itself where {@code partner} is null).
     */
    public LabeledImages images(int from, int to, int[] partner) {
        int[] t = java.util.Arrays.copyOfRange(tops, from, to), b = new int[to - from];
        for (int i = from; i < to; i++) b[i - from] = bottoms[partner == null ? i : partner[i]];
        return MultiDigitMnist.compose(digits, t, b, overlap);
    }
}
