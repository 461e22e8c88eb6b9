package org.writecache.bench.workload;

import java.nio.ByteBuffer;

import org.writecache.WriteCache;
import org.writecache.bench.harness.OperationFactory;

/** Block writes to uniformly random blocks of the working set, each FUA or with autocommit. */
public final class RandomWrite implements Workload {
    private final boolean fua;

    /** @param fua whether every write is a FUA write. */
    public RandomWrite(final boolean fua) {
        this.fua = fua;
    }

    @Override
    public String name() {
        return fua ? "rand-write-fua" : "rand-write-autocommit";
    }

    @Override
    public OperationFactory operations(final WriteCache cache, final Shape shape) {
        return (t, n) -> {
            final ByteBuffer src = Workload.block(shape.blockSize());
            return r -> {
                src.clear();
                cache.write(r.nextLong(shape.workingSet()) * shape.blockSize(), src, fua);
                return shape.blockSize();
            };
        };
    }
}
