package digits.model;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.eltwise_backward;
import org.bytedeco.dnnl.eltwise_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;

/**
 * oneDNN, Intel's deep-learning primitives (the CPU kernels PyTorch itself runs convolutions on), through its
 * JavaCPP preset: one CPU engine for the process, and helpers for memory descriptors and raw handles.
 */
final class OneDnn {

    private OneDnn() {}

    private static engine engine;
    private static Boolean available;

    /** Whether oneDNN's native library loads here (a platform without its natives runs DL4J's own layers). */
    static synchronized boolean available() {
        if (available == null) {
            try {
                Loader.load(org.bytedeco.dnnl.global.dnnl.class);
                engine = new engine(org.bytedeco.dnnl.engine.kind.cpu, 0);
                available = true;
            } catch (UnsatisfiedLinkError | NoClassDefFoundError | RuntimeException e) {
                available = false;
            }
        }
        return available;
    }

    static synchronized engine engine() {
        if (!available()) throw new IllegalStateException("oneDNN is not available on this platform");
        return engine;
    }

    /** Row-major float layout of {@code dims} (1 to 4 dimensions). */
    static memory.desc rowMajor(long... dims) {
        memory.format_tag tag = switch (dims.length) {
            case 1 -> memory.format_tag.a;
            case 2 -> memory.format_tag.ab;
            case 3 -> memory.format_tag.abc;
            case 4 -> memory.format_tag.abcd;
            default -> throw new IllegalArgumentException("rank " + dims.length);
        };
        return new memory.desc(dims, memory.data_type.f32, tag);
    }

    /** Float layout of {@code dims} with the given tag ({@code any} lets a primitive choose). */
    static memory.desc desc(memory.format_tag tag, long... dims) {
        return new memory.desc(dims, memory.data_type.f32, tag);
    }

    /** A memory object of {@code desc} whose buffer is set before each use. */
    static memory unbound(memory.desc desc) {
        return new memory(desc, engine(), new Pointer());
    }

    /** A memory object of {@code desc} with a buffer of its own (oneDNN allocates it aligned and frees it on close). */
    static memory owned(memory.desc desc) {
        return new memory(desc, engine());
    }

    /** Attributes that fuse the activation {@code act} (not identity) into a primitive's output. */
    static primitive_attr activation(Activation act) {
        primitive_attr attr = new primitive_attr();
        if (!act.isIdentity()) {
            post_ops ops = new post_ops();
            ops.append_eltwise(1f, algorithm.eltwise_relu, act.slope, 0f);
            attr.set_post_ops(ops);
        }
        return attr;
    }

    /**
     * The backward pass of {@code act} over {@code d}, in place on the gradient and reading the forward pass's output
     * (with a positive slope, output > 0 exactly where the input is, so no pre-activation is kept).
     */
    static eltwise_backward activationBackward(Activation act, memory.desc d) {
        var fpd = new eltwise_forward.primitive_desc(new eltwise_forward.desc(prop_kind.forward_training,
                algorithm.eltwise_relu_use_dst_for_bwd, d, act.slope, 0f), engine());
        return new eltwise_backward(new eltwise_backward.primitive_desc(new eltwise_backward.desc(
                algorithm.eltwise_relu_use_dst_for_bwd, d, d, act.slope, 0f), engine(), fpd));
    }

    /** Arguments of {@link #activationBackward}: the gradient {@code diff}, replaced in place, and the output. */
    static IntMemoryMap activationBackwardArgs(memory diff, memory output) {
        return new IntMemoryMap().put(DNNL_ARG_DIFF_DST, diff).put(DNNL_ARG_DST, output).put(DNNL_ARG_DIFF_SRC, diff);
    }

    /** The raw address of {@code p} plus {@code bytes} (oneDNN takes {@code void*} handles). */
    static Pointer at(Pointer p, long bytes) {
        long target = p.address() + p.position() * p.sizeof() + bytes;
        return new Pointer() {
            { // (a local named like Pointer's field would be shadowed by it here)
                address = target;
            }
        };
    }

    /** Closes every non-null object. */
    static void close(Pointer... objects) {
        for (Pointer p : objects) {
            if (p != null) p.close();
        }
    }
}
