package org.writecache.bench.workload;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.writecache.WriteCache;
import org.writecache.bench.harness.OperationFactory;

/** Reads of random blocks of the working set, all of which were written (and committed) beforehand. */
public final class CachedRead implements Workload {

    @Override
    public String name() {
        return "cached-read";
    }

    @Override
    public void prepare(final WriteCache cache, final Shape shape) throws IOException {
        Workload.fill(cache, shape.workingSet());
    }

    @Override
    public OperationFactory operations(final WriteCache cache, final Shape shape) {
        return (t, n) -> {
            final ByteBuffer dst = ByteBuffer.allocate(shape.blockSize());
            return r -> {
                dst.clear();
                cache.read(r.nextLong(shape.workingSet()) * shape.blockSize(), dst);
                return shape.blockSize();
            };
        };
    }
}
