package org.writecache.bench.workload;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.writecache.WriteCache;
import org.writecache.bench.harness.OperationFactory;

/** 70% reads and 30% writes (autocommit) of random blocks of a pre-written working set. */
public final class ReadWriteMix implements Workload {
    /** Percentage of operations that read. */
    public static final int READ_PERCENT = 70;

    @Override
    public String name() {
        return "mix-70-30";
    }

    @Override
    public void prepare(final WriteCache cache, final Shape shape) throws IOException {
        Workload.fill(cache, shape.workingSet());
    }

    @Override
    public OperationFactory operations(final WriteCache cache, final Shape shape) {
        return (t, n) -> {
            final ByteBuffer buf = Workload.block(shape.blockSize());
            return r -> {
                buf.clear();
                final long at = r.nextLong(shape.workingSet()) * shape.blockSize();
                if (r.nextInt(100) < READ_PERCENT) {
                    cache.read(at, buf);
                } else {
                    cache.write(at, buf, false);
                }
                return shape.blockSize();
            };
        };
    }
}
