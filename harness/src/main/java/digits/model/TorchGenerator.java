package digits.model;

import java.util.Arrays;

/**
 * PyTorch's CPU random generator ({@code at::CPUGeneratorImpl}, torch 1.13): MT19937 seeded as
 * {@code torch.manual_seed(seed)} seeds it, and the draws the seed's models make from it: float32
 * {@code uniform_} (initial weights) and the Bernoulli draw of dropout on a build without MKL. Following
 * {@code ../shared/reference/torch_init.md}; {@code TorchGeneratorTest} checks it against the values PyTorch gave.
 * Not thread-safe: one generator per network, drawn from by the training thread.
 */
public final class TorchGenerator {

    private static final int N = 624;
    private static final int M = 397;

    private final int[] mt = new int[N];
    private int index;

    /** {@code torch.manual_seed(seed)}: MT19937's {@code init_genrand} with the seed's low 32 bits. */
    public TorchGenerator(long seed) {
        mt[0] = (int) seed;
        for (int j = 1; j < N; j++) mt[j] = 1812433253 * (mt[j - 1] ^ (mt[j - 1] >>> 30)) + j;
        index = N; // the first draw twists the whole state
    }

    private void twist() {
        for (int i = 0; i < N; i++) {
            int y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
            mt[i] = mt[(i + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
        }
        index = 0;
    }

    /** One 32-bit output ({@code random()}), as an unsigned value in an int. */
    public int random() {
        if (index >= N) twist();
        int y = mt[index++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    /** {@code random64()}: two outputs, the first one the high word. */
    public long random64() {
        long hi = random() & 0xffffffffL;
        return (hi << 32) | (random() & 0xffffffffL);
    }

    /**
     * {@code uniform_(lo, hi)} on a float32 tensor: per element one output, its 24 low bits scaled to [0, 1),
     * then {@code x * (to - from) + from} rounded once (the fused multiply-add of torch's AVX2/AVX-512 kernel,
     * which every x86-64 CPU with AVX2 runs; exact in double, so one cast rounds it the same way).
     */
    public void uniform(float[] out, double lo, double hi) {
        float from = (float) lo;
        float to = (float) hi;
        float range = to - from;
        for (int i = 0; i < out.length; i++) {
            float x = (random() & 0xffffff) * (1.0f / 16777216);
            out[i] = (float) ((double) x * range + from);
        }
    }

    /**
     * The uniform double of {@code at::uniform_real_distribution<double>(0, 1)}: 53 bits of one {@code random64()}.
     * Bernoulli (dropout) compares it with the keep probability.
     */
    public double uniform53() {
        return (random64() & ((1L << 53) - 1)) * 0x1.0p-53;
    }

    /** The generator's full state, to continue a run exactly where it stopped (checkpoint.json). */
    public State state() {
        return new State(index, mt.clone());
    }

    /** Puts the generator back where {@link #state()} found it. */
    public void restore(State s) {
        if (s == null || s.mt() == null || s.mt().length != N || s.index() < 0 || s.index() > N) {
            throw new IllegalArgumentException("not an MT19937 state: expected 624 words and an index in 0..624");
        }
        System.arraycopy(s.mt(), 0, mt, 0, N);
        index = s.index();
    }

    /** MT19937's 624 state words and the position of the next output in them. */
    public record State(int index, int[] mt) {
        @Override
        public boolean equals(Object o) {
            return o instanceof State s && s.index == index && Arrays.equals(s.mt, mt);
        }

        @Override
        public int hashCode() {
            return 31 * index + Arrays.hashCode(mt);
        }

        @Override
        public String toString() {
            return "State(index=" + index + ", mt[0]=" + (mt == null || mt.length == 0 ? "-" : Integer.toHexString(mt[0]))
                    + ")";
        }
    }
}
