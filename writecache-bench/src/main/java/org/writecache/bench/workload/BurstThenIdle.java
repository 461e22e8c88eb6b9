package org.writecache.bench.workload;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;

import org.writecache.WriteCache;
import org.writecache.bench.harness.Operation;
import org.writecache.bench.harness.OperationFactory;

/**
 * Bursts of random writes, together larger than the cache, each followed by an idle gap: the freelist runs empty in
 * every burst, writers wait for writeback to free blocks, and the wait policy decides how they are woken. Runs on a
 * cache a sixteenth of the requested size so that a burst stays short.
 */
public final class BurstThenIdle implements Workload {
    /** Idle gap after each burst. */
    public static final Duration IDLE = Duration.ofMillis(20);
    /** Burst size across all threads, as a multiple of the cache's blocks. */
    public static final double BURST_FACTOR = 1.5;
    /** Smallest cache this workload runs on. */
    public static final long MIN_CACHE = 4L << 20;

    @Override
    public String name() {
        return "burst-idle";
    }

    @Override
    public long cacheSize(final long requested) {
        return Math.max(MIN_CACHE, requested / 16);
    }

    @Override
    public OperationFactory operations(final WriteCache cache, final Shape shape) {
        final long range = Math.min(shape.deviceBlocks(), shape.cacheBlocks() * 8);
        return (t, n) -> {
            final long burst = Math.max(1, (long) (shape.cacheBlocks() * BURST_FACTOR / n));
            final ByteBuffer src = Workload.block(shape.blockSize());
            final long[] done = {0};
            return new Operation() {
                @Override
                public long run(final java.util.SplittableRandom r) throws IOException {
                    src.clear();
                    cache.write(r.nextLong(range) * shape.blockSize(), src, false);
                    return shape.blockSize();
                }

                @Override
                public void after() throws IOException {
                    if (++done[0] % burst == 0) {
                        try {
                            Thread.sleep(IDLE);
                        } catch (final InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new InterruptedIOException("interrupted in the idle gap");
                        }
                    }
                }
            };
        };
    }
}
