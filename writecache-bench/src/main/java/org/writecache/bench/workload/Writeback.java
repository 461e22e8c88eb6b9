package org.writecache.bench.workload;

import java.io.IOException;
import java.util.Map;

import org.writecache.WriteCache;
import org.writecache.bench.harness.Measurement;
import org.writecache.bench.harness.OperationFactory;
import org.writecache.bench.harness.Runner;

/**
 * Writeback bandwidth: with the background thread off, fills a region of contiguous blocks, commits, and times
 * {@link WriteCache#writeback()} of all of it to the backing file.
 */
public final class Writeback implements Workload {
    /** Largest share of the cache filled, so that writers never wait for a free block. */
    public static final double MAX_FILL = 0.8;

    private final long bytes;

    /** @param bytes how much to write back (capped at {@link #MAX_FILL} of the cache). */
    public Writeback(final long bytes) {
        this.bytes = bytes;
    }

    @Override
    public String name() {
        return "writeback";
    }

    @Override
    public boolean background() {
        return false;
    }

    @Override
    public OperationFactory operations(final WriteCache cache, final Shape shape) {
        throw new UnsupportedOperationException("writeback is timed once, not per operation");
    }

    @Override
    public Measurement measure(final WriteCache cache, final Shape shape, final Runner runner,
                               final Map<String, String> params, final int threads) throws IOException {
        final long blocks = Math.min(bytes / shape.blockSize(), (long) (shape.cacheBlocks() * MAX_FILL));
        Workload.fill(cache, blocks);
        return Runner.once(name(), params, r -> cache.writeback() * shape.blockSize());
    }
}
