package digits.data;

/**
 * numpy's legacy generator ({@code np.random.seed(s)}: Mersenne Twister MT19937 seeded by
 * {@code init_genrand}) and its {@code shuffle}/{@code permutation}, bit for bit. The seed notebook
 * orders its training set with {@code np.random.seed(12321)} and one shuffle; doing the same here
 * gives the same batches in the same order.
 */
public final class NumpyRandom {

    private static final int N = 624;
    private static final int M = 397;
    private final int[] mt = new int[N];
    private int mti;

    public NumpyRandom(long seed) {
        mt[0] = (int) seed;
        for (mti = 1; mti < N; mti++) {
            mt[mti] = 1812433253 * (mt[mti - 1] ^ (mt[mti - 1] >>> 30)) + mti;
        }
    }

    /** Next 32 random bits, as numpy's {@code mt19937_next32}. */
    public int nextInt32() {
        if (mti >= N) {
            int kk;
            for (kk = 0; kk < N - M; kk++) {
                int y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
                mt[kk] = mt[kk + M] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
            }
            for (; kk < N - 1; kk++) {
                int y = (mt[kk] & 0x80000000) | (mt[kk + 1] & 0x7fffffff);
                mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
            }
            int y = (mt[N - 1] & 0x80000000) | (mt[0] & 0x7fffffff);
            mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
            mti = 0;
        }
        int y = mt[mti++];
        y ^= (y >>> 11);
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= (y >>> 18);
        return y;
    }

    /** Uniform integer in [0, max] by masked rejection, as numpy's {@code random_interval}. */
    public long interval(long max) {
        if (max == 0) return 0;
        long mask = max;
        mask |= mask >>> 1;
        mask |= mask >>> 2;
        mask |= mask >>> 4;
        mask |= mask >>> 8;
        mask |= mask >>> 16;
        mask |= mask >>> 32;
        if (max <= 0xffffffffL) {
            long value;
            while ((value = (nextInt32() & 0xffffffffL) & mask) > max) { }
            return value;
        }
        long value;
        do {
            long hi = nextInt32() & 0xffffffffL;
            long lo = nextInt32() & 0xffffffffL;
            value = ((hi << 32) | lo) & mask;
        } while (value > max);
        return value;
    }

    /** In-place Fisher-Yates shuffle, as {@code RandomState.shuffle} on a 1-d array. */
    public void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = (int) interval(i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** {@code np.random.permutation(n)}. */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        shuffle(p);
        return p;
    }
}
