package org.writecache.bench.workload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;

import org.writecache.WriteCache;
import org.writecache.bench.harness.Measurement;
import org.writecache.bench.harness.OperationFactory;
import org.writecache.bench.harness.Runner;

/** One way of driving a cache, timed on a freshly formatted cache. */
public interface Workload {

    /** @return the name used in results and reports, such as {@code rand-write-fua}. */
    String name();

    /** @return the cache size this workload runs with, given the size the bench was asked for. */
    default long cacheSize(final long requested) {
        return requested;
    }

    /** @return whether the cache runs its background writeback thread during this workload. */
    default boolean background() {
        return true;
    }

    /** Untimed set-up on the formatted cache, such as filling the blocks a read workload reads. */
    default void prepare(final WriteCache cache, final Shape shape) throws IOException {
    }

    /** @return the operations each benchmark thread runs. */
    OperationFactory operations(WriteCache cache, Shape shape);

    /** Times the workload; most run their operations for the runner's duration. */
    default Measurement measure(final WriteCache cache, final Shape shape, final Runner runner,
                                final Map<String, String> params, final int threads) throws IOException {
        return runner.measure(name(), params, threads, operations(cache, shape));
    }

    /** Writes blocks {@code [0, count)} with autocommit and commits them: the set-up of the read workloads. */
    static void fill(final WriteCache cache, final long count) throws IOException {
        final ByteBuffer b = block(cache.blockSize());
        for (long i = 0; i < count; i++) {
            b.clear();
            cache.write(i * cache.blockSize(), b, false);
        }
        cache.flush();
    }

    /** @return a heap buffer of one block holding a recognisable pattern. */
    static ByteBuffer block(final int size) {
        final ByteBuffer b = ByteBuffer.allocate(size);
        for (int i = 0; i < size; i++) {
            b.put(i, (byte) (i * 31 + 7));
        }
        return b;
    }
}
