package org.writecache;

import org.writecache.format.CacheLayout;

/**
 * The checks {@link WriteCacheConfig.Builder#build()} makes across settings, after each setting passed its own: the
 * watermarks, and the sizes against the block size and the limits of the format and of the engine's arithmetic.
 */
final class SettingsAgree {
    /** The writeback staging buffer is one {@link java.nio.ByteBuffer}: at most this many bytes. */
    static final long MAX_STAGING_BYTES = Integer.MAX_VALUE;

    private SettingsAgree() {
    }

    /** @throws IllegalArgumentException naming the settings that disagree and their values. */
    static void check(final WriteCacheConfig c) {
        require(c.lowWatermark() <= c.highWatermark(), Settings.LOW_WATERMARK + " (" + c.lowWatermark()
            + ") must not exceed " + Settings.HIGH_WATERMARK + " (" + c.highWatermark() + ")");
        final int bs = c.blockSize();
        final long region = c.cacheSize() - c.startOffset();
        final long blocks = region <= 0 ? 0 : CacheLayout.blocksThatFit(region, bs, c.dataChecksum());
        require(blocks >= 1, Settings.CACHE_SIZE + " of " + c.cacheSize() + " bytes (from offset " + c.startOffset()
            + ") is smaller than the cache metadata plus one block of " + bs + " bytes");
        require(blocks <= Integer.MAX_VALUE, Settings.CACHE_SIZE + " of " + c.cacheSize()
            + " bytes holds more than 2^31-1 blocks of " + bs + ": at most "
            + Units.formatSize(c.startOffset() + CacheLayout.regionSize(Integer.MAX_VALUE, bs, c.dataChecksum())));
        final long maxBacking = (CacheLayout.MAX_DEVICE_BLOCKS - 1) * bs;
        require(c.backingSize() == 0 || c.backingSize() >= bs && c.backingSize() <= maxBacking,
            Settings.BACKING_SIZE + " must be 0 (the file's length) or from one block (" + bs + ") to "
                + Units.formatSize(maxBacking) + " (2^32-2 blocks of " + bs + "): " + c.backingSize());
        final long staged = Math.min(c.writebackJobs(), blocks) * bs;
        require(staged <= MAX_STAGING_BYTES, Settings.WRITEBACK_JOBS + " of " + c.writebackJobs() + " blocks of " + bs
            + " bytes needs a staging buffer of " + staged + " bytes, more than " + MAX_STAGING_BYTES + ": at most "
            + MAX_STAGING_BYTES / bs + " jobs");
    }

    private static void require(final boolean ok, final String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
