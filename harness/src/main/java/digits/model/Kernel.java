package digits.model;

import org.bytedeco.dnnl.stream;

/**
 * One DL4J layer of a {@link DirectStep}: the same function as the layer, computed by oneDNN primitives (and a few
 * Java loops) on native buffers, with no ND4J op, no workspace and no allocation per call. It reads the layer's own
 * parameter views and writes its gradient views, so DL4J's updater state, checkpoints and {@code model.zip} stay
 * exactly DL4J's.
 */
interface Kernel {

    /**
     * The stage that runs this layer on batches of {@code n} examples laid out as {@code in}, executing on
     * {@code stream}; or null when the layer needs DL4J's plain row-major layout and {@code in} is not (the caller
     * then reorders and asks again).
     */
    Stage stage(int n, Layout in, stream stream);
}
