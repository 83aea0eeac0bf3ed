package digits.data;

/**
 * numpy's default generator, {@code np.random.default_rng(seed)} (PCG64 seeded through {@code SeedSequence}),
 * and its {@code integers(0, n, size)}, bit for bit. The seed's PyTorch recipe draws the two-digit images'
 * digits with it, so building them the same way here gives the recipe's images, image for image.
 */
public final class NumpyGenerator {

    // PCG64's 128-bit LCG multiplier
    private static final long MULT_HI = 0x2360ED051FC65DA4L;
    private static final long MULT_LO = 0x4385DF649FCCF645L;

    private long stateHi, stateLo;
    private final long incHi, incLo;
    private boolean hasUint32;
    private int uinteger;

    public NumpyGenerator(long seed) {
        if (seed < 0) throw new IllegalArgumentException("seed " + seed + ": allowed: 0 or more");
        // numpy splits an integer seed into 32-bit words, low word first, as many as it needs
        int[] entropy = seed >>> 32 == 0 ? new int[] {(int) seed} : new int[] {(int) seed, (int) (seed >>> 32)};
        long[] words = seedSequenceState(entropy, 4);
        // pcg64_set_seed: state = words[0]:words[1], increment = words[2]:words[3] (high:low)
        incHi = (words[2] << 1) | (words[3] >>> 63);
        incLo = (words[3] << 1) | 1;
        stateHi = 0;
        stateLo = 0;
        step();
        long lo = stateLo + words[1];
        stateHi = stateHi + words[0] + (Long.compareUnsigned(lo, stateLo) < 0 ? 1 : 0);
        stateLo = lo;
        step();
    }

    /** {@code integers(0, bound, size)}: {@code size} values uniform in {@code [0, bound)}, as numpy draws them. */
    public int[] integers(int bound, int size) {
        if (bound < 1) throw new IllegalArgumentException("bound " + bound + ": allowed: 1 or more");
        int[] out = new int[size];
        long range = bound; // numpy's rng + 1 (rng = high - low - 1), here below 2^32: its 32-bit Lemire path
        for (int i = 0; i < size; i++) {
            if (bound == 1) continue; // numpy draws nothing for a single value
            long m = (nextInt32() & 0xFFFFFFFFL) * range;
            long leftover = m & 0xFFFFFFFFL;
            if (leftover < range) {
                long threshold = (0xFFFFFFFFL - (range - 1)) % range;
                while (leftover < threshold) {
                    m = (nextInt32() & 0xFFFFFFFFL) * range;
                    leftover = m & 0xFFFFFFFFL;
                }
            }
            out[i] = (int) (m >>> 32);
        }
        return out;
    }

    /** numpy's {@code pcg64_next64}: step the LCG, then the XSL-RR output of the new state. */
    public long nextLong() {
        step();
        return Long.rotateRight(stateHi ^ stateLo, (int) (stateHi >>> 58));
    }

    /** numpy's {@code pcg64_next32}: the low half of a 64-bit output, then its high half. */
    public int nextInt32() {
        if (hasUint32) {
            hasUint32 = false;
            return uinteger;
        }
        long next = nextLong();
        hasUint32 = true;
        uinteger = (int) (next >>> 32);
        return (int) next;
    }

    /** state = state * MULT + inc, modulo 2^128. */
    private void step() {
        long lo = stateLo * MULT_LO;
        long hi = unsignedMultiplyHigh(stateLo, MULT_LO) + stateHi * MULT_LO + stateLo * MULT_HI;
        long sum = lo + incLo;
        stateHi = hi + incHi + (Long.compareUnsigned(sum, lo) < 0 ? 1 : 0);
        stateLo = sum;
    }

    private static long unsignedMultiplyHigh(long a, long b) { // Math.unsignedMultiplyHigh arrived in Java 18
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }

    /**
     * {@code SeedSequence(entropy).generate_state(n, np.uint64)}: numpy's seed hashing (a pool of four 32-bit
     * words mixed from the entropy, then hashed out), two 32-bit words per value, low word first.
     */
    static long[] seedSequenceState(int[] entropy, int n) {
        int[] pool = new int[4]; // entropy of up to four words: numpy's extra mixing of longer entropy never runs
        int[] hashConst = {0x43b0d7e5};
        for (int i = 0; i < pool.length; i++) pool[i] = hashmix(i < entropy.length ? entropy[i] : 0, hashConst);
        for (int src = 0; src < pool.length; src++) {
            for (int dst = 0; dst < pool.length; dst++) {
                if (src != dst) pool[dst] = mix(pool[dst], hashmix(pool[src], hashConst));
            }
        }
        int hash = 0x8b51f9dd;
        long[] out = new long[n];
        for (int i = 0; i < 2 * n; i++) {
            int v = pool[i % pool.length] ^ hash;
            hash *= 0x58f38ded;
            v *= hash;
            v ^= v >>> 16;
            out[i / 2] |= (v & 0xFFFFFFFFL) << (32 * (i % 2));
        }
        return out;
    }

    private static int hashmix(int value, int[] hashConst) {
        value ^= hashConst[0];
        hashConst[0] *= 0x931e8875;
        value *= hashConst[0];
        return value ^ (value >>> 16);
    }

    private static int mix(int x, int y) {
        int r = 0xca01f9dd * x - 0x4973f715 * y;
        return r ^ (r >>> 16);
    }
}
