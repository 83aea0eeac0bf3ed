package digits.model;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.Pointer;

/**
 * Between a oneDNN stage that produced a blocked layout and one that needs DL4J's plain order (the flatten before a
 * dense layer): the floats reordered forward, and the gradient reordered back.
 */
final class ReorderStage implements Stage {

    private final stream stream;
    private final reorder toPlain, fromPlain;
    private final memory blocked, plain, diffBlocked, diffPlain;
    private final IntMemoryMap toPlainArgs, fromPlainArgs;
    private final Layout output;

    ReorderStage(Layout from, stream stream) {
        this.stream = stream;
        output = Layout.plain(from.dims());
        blocked = OneDnn.unbound(from.desc());
        plain = OneDnn.unbound(output.desc());
        diffBlocked = OneDnn.unbound(from.desc());
        diffPlain = OneDnn.unbound(output.desc());
        toPlain = new reorder(blocked, plain);
        fromPlain = new reorder(diffPlain, diffBlocked);
        toPlainArgs = new IntMemoryMap().put(DNNL_ARG_FROM, blocked).put(DNNL_ARG_TO, plain);
        fromPlainArgs = new IntMemoryMap().put(DNNL_ARG_FROM, diffPlain).put(DNNL_ARG_TO, diffBlocked);
    }

    @Override
    public Layout output() {
        return output;
    }

    @Override
    public void forward(Pointer in, Pointer out, boolean training) {
        blocked.set_data_handle(in);
        plain.set_data_handle(out);
        toPlain.execute(stream, toPlainArgs);
    }

    @Override
    public void backward(Pointer in, Pointer out, Pointer dOut, Pointer dIn) {
        if (dIn == null) return;
        diffPlain.set_data_handle(dOut);
        diffBlocked.set_data_handle(dIn);
        fromPlain.execute(stream, fromPlainArgs);
    }

    @Override
    public void close() {
        OneDnn.close(toPlain, fromPlain, blocked, plain, diffBlocked, diffPlain, toPlainArgs, fromPlainArgs);
    }
}
