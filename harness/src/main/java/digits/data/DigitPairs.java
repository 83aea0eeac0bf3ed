package digits.data;

import digits.spec.DatasetSpec.MultiDigitSpec;
import digits.spec.TrainingSpec.AugmentationSpec;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Where two-digit images come from: image {@code i} stacks MNIST digit {@code tops[i]} over {@code bottoms[i]}
 * ({@link MultiDigitMnist#compose}). Kept for the training images so {@code newPairs} can compose them anew each
 * epoch.
 *
 * @param pool the MNIST training digits in no dev image, which {@code newPairs: allDigits} draws from; null until
 *             the split is known
 */
public record DigitPairs(LabeledImages digits, int[] tops, int[] bottoms, int overlap, int[] pool) {

    /**
     * The training images' digits for {@code p}, drawn again as {@link MultiDigitMnist} drew them (the generator's
     * first two draws), and checked against {@code composed}, the training images as read from {@code file}.
     */
    public static DigitPairs of(LabeledImages mnistTrain, MultiDigitSpec p, LabeledImages composed,
                                java.nio.file.Path file) {
        NumpyGenerator rng = new NumpyGenerator(p.seed());
        int[] tops = rng.integers(mnistTrain.count(), p.trainCount());
        int[] bottoms = rng.integers(mnistTrain.count(), p.trainCount());
        DigitPairs pairs = new DigitPairs(mnistTrain, tops, bottoms, p.overlap(), null);
        LabeledImages again = pairs.images(0, tops.length);
        if (composed.count() != again.count() || !Arrays.equals(composed.pixels(), again.pixels())) {
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
        return n >= count() ? this : new DigitPairs(digits, Arrays.copyOf(tops, n), Arrays.copyOf(bottoms, n), overlap,
                pool);
    }

    /** These pairs with the pool of digits outside pairs {@code from..to} (the dev images). */
    public DigitPairs outside(int from, int to) {
        boolean[] dev = new boolean[digits.count()];
        for (int i = from; i < to; i++) dev[tops[i]] = dev[bottoms[i]] = true;
        int[] rest = java.util.stream.IntStream.range(0, dev.length).filter(d -> !dev[d]).toArray();
        return new DigitPairs(digits, tops, bottoms, overlap, rest);
    }

    /** Pairs {@code order[0]}, {@code order[1]}, ... in that order, as {@link LabeledImages#select} orders images. */
    public DigitPairs select(int[] order) {
        int[] t = new int[order.length], b = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            t[i] = tops[order[i]];
            b[i] = bottoms[order[i]];
        }
        return new DigitPairs(digits, t, b, overlap, pool);
    }

    /**
     * The pairs of epoch {@code epoch}, as many as these, drawn from the training seed and the epoch alone:
     * {@code ownDigits} keeps each first digit and deals the second digits out again (a Fisher-Yates permutation);
     * {@code allDigits} draws both digits of every image uniformly from the {@link #pool}, as the generator draws.
     */
    public DigitPairs anew(String mode, long seed, int epoch) {
        SplittableRandom r = new SplittableRandom(seed * 0xD6E8FEB86659FD93L + epoch * 0x9E3779B97F4A7C15L);
        int n = count();
        if (AugmentationSpec.ALL_DIGITS.equals(mode)) {
            if (pool == null || pool.length == 0) throw new IllegalStateException("no pool of digits to draw from");
            int[] t = new int[n], b = new int[n];
            for (int i = 0; i < n; i++) t[i] = pool[r.nextInt(pool.length)];
            for (int i = 0; i < n; i++) b[i] = pool[r.nextInt(pool.length)];
            return new DigitPairs(digits, t, b, overlap, pool);
        }
        int[] b = bottoms.clone();
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1), swap = b[i];
            b[i] = b[j];
            b[j] = swap;
        }
        return new DigitPairs(digits, tops, b, overlap, pool);
    }

    /** Images {@code from} (inclusive) to {@code to} (exclusive), composed from their digits. */
    public LabeledImages images(int from, int to) {
        return MultiDigitMnist.compose(digits, Arrays.copyOfRange(tops, from, to), Arrays.copyOfRange(bottoms, from, to),
                overlap);
    }
}
