package digits.model;

/**
 * The multipliers of one training-mode {@code F.dropout(x, p)} as PyTorch's CPU build without MKL draws them
 * (Debian's; also MKL builds on non-Intel CPUs): {@code noise.bernoulli_(1 - p)}, serially in row-major order,
 * each element one {@code random64()} whose 53 bits give {@code u}, kept iff {@code u < 1 - p}; then
 * {@code noise.div_(1 - p)} in float32. A layer multiplies its input by the mask forward and its gradient by the
 * same mask backward. Kept apart from any layer so every layer implementation draws the same way.
 */
public final class TorchDropout {

    private final TorchGenerator generator;
    private final double keep;
    private final float scale;

    /**
     * @param keep the keep probability {@code 1 - p}, computed in double as torch computes it ({@code 1 - p}); DL4J's
     *             dropout configuration holds this very number
     */
    public TorchDropout(TorchGenerator generator, double keep) {
        if (!(keep > 0 && keep <= 1)) throw new IllegalArgumentException("keep probability " + keep + "; allowed: (0, 1]");
        this.generator = generator;
        this.keep = keep;
        this.scale = 1.0f / (float) keep; // noise.div_(1 - p) on a float tensor: float32 division
    }

    /** For {@code nn.Dropout(p)}. */
    public static TorchDropout ofDropProbability(TorchGenerator generator, double p) {
        return new TorchDropout(generator, 1 - p);
    }

    /** Fills {@code mask} (the activation's elements in row-major order) with {@code 1/(1-p)} or 0: one pass's draw. */
    public void draw(float[] mask) {
        if (keep == 1.0) { // torch's _dropout returns its input unchanged for p = 0: nothing is drawn
            java.util.Arrays.fill(mask, 1f);
            return;
        }
        for (int i = 0; i < mask.length; i++) mask[i] = generator.uniform53() < keep ? scale : 0f;
    }
}
