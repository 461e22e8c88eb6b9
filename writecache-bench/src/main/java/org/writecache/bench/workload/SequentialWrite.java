package org.writecache.bench.workload;

import java.nio.ByteBuffer;

import org.writecache.WriteCache;
import org.writecache.bench.harness.OperationFactory;

/**
 * Streaming block writes: each thread writes the next block of its own slice of the working set, wrapping around.
 * With {@code fua} every write is durable on return; without, the cache commits every {@code autocommit.blocks}.
 */
public final class SequentialWrite implements Workload {
    private final boolean fua;

    /** @param fua whether every write is a FUA write. */
    public SequentialWrite(final boolean fua) {
        this.fua = fua;
    }

    @Override
    public String name() {
        return fua ? "seq-write-fua" : "seq-write-autocommit";
    }

    @Override
    public OperationFactory operations(final WriteCache cache, final Shape shape) {
        return (t, n) -> {
            final long slice = Math.max(1, shape.workingSet() / n);
            final long base = t * slice;
            final ByteBuffer src = Workload.block(shape.blockSize());
            final long[] next = {0};
            return r -> {
                src.clear();
                cache.write((base + next[0]) * shape.blockSize(), src, fua);
                next[0] = next[0] + 1 == slice ? 0 : next[0] + 1;
                return shape.blockSize();
            };
        };
    }
}
