package org.writecache.writeback;

import org.agrona.concurrent.NanoClock;

/**
 * When each cache block was written, for {@code writeback.max.age}: one 4-byte coarse timestamp per block, allocated
 * only when max age is set (4 bytes per block, 1 MiB per million blocks). A timestamp counts ticks of max age / 16
 * since the cache was opened, as dm-writecache checks ages every max_age/16; a block is old once 16 ticks have passed,
 * so it is written back between 15/16 and 17/16 of max age after its write. 2^31 ticks last at least 24 days with the
 * smallest max age (16 ms), and years with common ones. Not thread safe: the engine calls it under its lock.
 */
public final class BlockAges {
    /** Ticks per max age. */
    public static final int TICKS = 16;

    private final int[] written;
    private final NanoClock clock;
    private final long epoch;
    private final long tickNanos;

    /**
     * @param blocks      cache blocks
     * @param maxAgeNanos the max age, at least {@link #TICKS} nanoseconds
     * @param clock       the cache's clock
     */
    public BlockAges(final int blocks, final long maxAgeNanos, final NanoClock clock) {
        if (maxAgeNanos < TICKS) {
            throw new IllegalArgumentException("max age of " + maxAgeNanos + " ns is below " + TICKS + " ns");
        }
        this.written = new int[blocks];
        this.clock = clock;
        this.epoch = clock.nanoTime();
        this.tickNanos = maxAgeNanos / TICKS;
    }

    /** @return heap bytes per cache block. */
    public static int bytesPerBlock() {
        return Integer.BYTES;
    }

    private int now() {
        return (int) Math.min(Integer.MAX_VALUE, (clock.nanoTime() - epoch) / tickNanos);
    }

    /** Records that {@code block} was written now (also used for blocks found at open: their age starts then). */
    public void stamp(final int block) {
        written[block] = now();
    }

    /** @return whether {@code block} was written at least max age ago. */
    public boolean isOld(final int block) {
        return now() - written[block] >= TICKS;
    }
}
