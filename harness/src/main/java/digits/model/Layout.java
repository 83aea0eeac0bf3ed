package digits.model;

import org.bytedeco.dnnl.memory;

/**
 * How the floats of a buffer between two stages are arranged: DL4J's plain row-major order ({@code [n, features]}
 * or NCHW), or a oneDNN blocked layout (channels in blocks of 16, where oneDNN's fastest convolutions work), with
 * the logical dimensions either way.
 */
record Layout(memory.desc desc, long[] dims, boolean plain) {

    /** DL4J's row-major order over {@code dims}. */
    static Layout plain(long... dims) {
        return new Layout(OneDnn.rowMajor(dims), dims.clone(), true);
    }

    /** {@code desc}, which holds {@code dims}; plain when it is their row-major order. */
    static Layout of(memory.desc desc, long... dims) {
        return new Layout(desc, dims.clone(), desc.equals(OneDnn.rowMajor(dims)));
    }

    long bytes() {
        return desc.get_size();
    }

    /** Floats per example. */
    long size() {
        long s = 1;
        for (int i = 1; i < dims.length; i++) s *= dims[i];
        return s;
    }
}
