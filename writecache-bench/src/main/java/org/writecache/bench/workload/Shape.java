package org.writecache.bench.workload;

/**
 * The sizes a workload runs against, taken from the formatted cache.
 *
 * @param blockSize     bytes per operation and per cache block
 * @param cacheBlocks   blocks in the cache
 * @param deviceBlocks  blocks of the device the cache exposes
 * @param workingSet    blocks the in-cache workloads touch: small enough that writeback never starts
 */
public record Shape(int blockSize, long cacheBlocks, long deviceBlocks, long workingSet) {

    /** Fraction of the cache the in-cache workloads touch; below the default high watermark of 50%. */
    public static final double WORKING_SET_FRACTION = 0.4;

    /** @return the shape of a cache of {@code cacheBlocks} blocks on a device of {@code deviceBlocks}. */
    public static Shape of(final int blockSize, final long cacheBlocks, final long deviceBlocks) {
        final long ws = Math.max(1, Math.min(deviceBlocks, (long) (cacheBlocks * WORKING_SET_FRACTION)));
        return new Shape(blockSize, cacheBlocks, deviceBlocks, ws);
    }
}
