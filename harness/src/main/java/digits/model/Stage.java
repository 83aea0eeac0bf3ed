package digits.model;

import org.bytedeco.javacpp.Pointer;

/** A {@link Kernel} for one batch size: its primitives, built once, run on buffers set per call. */
interface Stage extends AutoCloseable {

    /** How this stage lays out its output (and expects the gradient with respect to it). */
    Layout output();

    /** {@code out = f(in)}; {@code training} switches dropout on. */
    void forward(Pointer in, Pointer out, boolean training);

    /**
     * From {@code dOut}, dL/d(out) (which this call may overwrite): the layer's parameter gradients, written (not
     * added) into its gradient views, and dL/d(in) into {@code dIn} unless that is null (nobody reads it, as for
     * the images). {@code in} and {@code out} are those of the last training {@link #forward}.
     */
    void backward(Pointer in, Pointer out, Pointer dOut, Pointer dIn);

    /** Frees the stage's oneDNN objects. */
    @Override
    void close();
}
