package org.writecache.bench.workload;

import java.nio.ByteBuffer;

import org.writecache.WriteCache;
import org.writecache.bench.harness.OperationFactory;
import org.writecache.bench.harness.Zipf;

/** Overwrites of a hot set of blocks drawn from a Zipf distribution (exponent 0.99), with autocommit. */
public final class ZipfOverwrite implements Workload {
    /** Blocks in the hot set (fewer if the working set is smaller). */
    public static final int HOT_SET = 1024;

    @Override
    public String name() {
        return "zipf-overwrite";
    }

    @Override
    public OperationFactory operations(final WriteCache cache, final Shape shape) {
        final Zipf zipf = new Zipf((int) Math.min(HOT_SET, shape.workingSet()), 0.99);
        return (t, n) -> {
            final ByteBuffer src = Workload.block(shape.blockSize());
            return r -> {
                src.clear();
                cache.write((long) zipf.next(r) * shape.blockSize(), src, false);
                return shape.blockSize();
            };
        };
    }
}
