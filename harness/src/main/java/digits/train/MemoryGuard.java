package digits.train;

import org.bytedeco.javacpp.Pointer;

/**
 * JavaCPP's physical-memory limit, enforced by the training loop. With {@code nopointergc} (set for speed,
 * see Nd4jSetup) JavaCPP no longer checks {@code maxphysicalbytes} itself, and libnd4j does not survive a
 * failed allocation (it crashes the JVM), so the loop looks at the process's resident memory every few
 * batches and stops with the same OutOfMemoryError JavaCPP would throw, while a message is still possible.
 */
public final class MemoryGuard {

    /** Batches between two checks: reading the resident size costs about a microsecond. */
    static final int EVERY = 50;

    private MemoryGuard() {}

    public static void check() {
        long max = Pointer.maxPhysicalBytes();
        if (max <= 0) return;
        long used = Pointer.physicalBytes();
        if (used > max) {
            throw new OutOfMemoryError("Physical memory usage is too high: physicalBytes (" + Pointer.formatBytes(used)
                    + ") > maxPhysicalBytes (" + Pointer.formatBytes(max) + ")");
        }
    }
}
