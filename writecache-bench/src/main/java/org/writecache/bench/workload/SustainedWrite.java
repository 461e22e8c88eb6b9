package org.writecache.bench.workload;

import java.nio.ByteBuffer;

import org.writecache.WriteCache;
import org.writecache.bench.harness.OperationFactory;

/**
 * Sequential writes with autocommit across the whole device, far more than the cache holds: once the cache fills,
 * writers run at the speed of writeback.
 */
public final class SustainedWrite implements Workload {

    @Override
    public String name() {
        return "sustained-write";
    }

    @Override
    public OperationFactory operations(final WriteCache cache, final Shape shape) {
        return (t, n) -> {
            final long slice = Math.max(1, shape.deviceBlocks() / n);
            final long base = t * slice;
            final ByteBuffer src = Workload.block(shape.blockSize());
            final long[] next = {0};
            return r -> {
                src.clear();
                cache.write((base + next[0]) * shape.blockSize(), src, false);
                next[0] = next[0] + 1 == slice ? 0 : next[0] + 1;
                return shape.blockSize();
            };
        };
    }
}
