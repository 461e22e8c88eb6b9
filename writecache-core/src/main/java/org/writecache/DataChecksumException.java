package org.writecache;

import java.io.Serial;

/**
 * A cached block failed its data checksum: the cache refuses to return (or write back) bytes it did not store. Only
 * the blocks named are affected; the cache is not in the error state. Over NBD this is {@code EIO}. A write of the
 * whole block replaces the bad copy; a discard drops it, and the block then reads as the backing device holds it.
 */
public final class DataChecksumException extends WriteCacheException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final long deviceBlock;
    private final int cacheBlock;

    /**
     * @param message     what failed, naming both blocks.
     * @param deviceBlock the device block whose cached copy is bad.
     * @param cacheBlock  the cache block holding it.
     */
    public DataChecksumException(final String message, final long deviceBlock, final int cacheBlock) {
        super(message);
        this.deviceBlock = deviceBlock;
        this.cacheBlock = cacheBlock;
    }

    /** @return the device block whose cached copy failed its checksum. */
    public long deviceBlock() {
        return deviceBlock;
    }

    /** @return the cache block holding that copy. */
    public int cacheBlock() {
        return cacheBlock;
    }
}
