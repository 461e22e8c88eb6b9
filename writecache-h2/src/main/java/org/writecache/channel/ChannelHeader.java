package org.writecache.channel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.writecache.CorruptCacheException;
import org.writecache.format.Crc32c;

/**
 * The on-device header of a {@link WriteCacheFileChannel}: the first block of the cache's device, written through the
 * cache like any other block, so it is committed atomically with the data it describes.
 *
 * <pre>
 * device offset 0, one block of B bytes (B = the cache's block size):
 *   0  le64  magic 0x314C4E4148434357 (ASCII "WCCHANL1" read little-endian)
 *   8  le32  version (1)
 *  12  le32  block size B
 *  16  le64  logical size in bytes (what {@code FileChannel.size()} returns)
 *  24  le32  CRC-32C of bytes 0..23 (as three little-endian words)
 *  28  zeros up to B
 * device offset B: byte 0 of the channel's contents; channel position p lives at device offset B + p.
 * </pre>
 *
 * <p>A block of all zeros is a fresh device: size 0. Anything else must carry the magic, this version, the cache's
 * block size and a matching checksum, or opening fails with {@link CorruptCacheException}.
 */
public final class ChannelHeader {
    /** Magic number of a channel header. */
    public static final long MAGIC = 0x314C4E4148434357L;
    /** Header format version. */
    public static final int VERSION = 1;
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 8;
    static final int BLOCK_SIZE_OFFSET = 12;
    static final int SIZE_OFFSET = 16;
    static final int CRC_OFFSET = 24;
    /** Bytes of the header that carry fields; the rest of its block is zero. */
    static final int LENGTH = 28;

    private ChannelHeader() {
    }

    /** Writes a header recording {@code size} into {@code block}: one whole block of zeros, position 0. */
    static void encode(final ByteBuffer block, final int blockSize, final long size) {
        final ByteBuffer b = block.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(MAGIC_OFFSET, MAGIC);
        b.putInt(VERSION_OFFSET, VERSION);
        b.putInt(BLOCK_SIZE_OFFSET, blockSize);
        b.putLong(SIZE_OFFSET, size);
        b.putInt(CRC_OFFSET, crc(b));
    }

    /**
     * Decodes the logical size from a header block.
     *
     * @param capacity the largest size the device can hold; a larger recorded size is corruption.
     * @return the logical size, or -1 if the block is all zeros (a fresh device).
     * @throws CorruptCacheException if the block is not a valid header for this block size.
     */
    static long decode(final ByteBuffer block, final int blockSize, final long capacity, final String where)
        throws CorruptCacheException {
        final ByteBuffer b = block.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        final long magic = b.getLong(MAGIC_OFFSET);
        if (magic != MAGIC) {
            for (int i = 0; i < b.limit(); i++) {
                if (b.get(i) != 0) {
                    throw new CorruptCacheException(where + ": block 0 holds no channel header (magic 0x"
                        + Long.toHexString(magic) + ", expected 0x" + Long.toHexString(MAGIC) + ")");
                }
            }
            return -1;
        }
        final int version = b.getInt(VERSION_OFFSET);
        if (version != VERSION) {
            throw new CorruptCacheException(where + ": channel header version " + version + " is not " + VERSION);
        }
        final int bs = b.getInt(BLOCK_SIZE_OFFSET);
        if (bs != blockSize) {
            throw new CorruptCacheException(where + ": channel header was written with block size " + bs
                + ", the cache has " + blockSize);
        }
        final int stored = b.getInt(CRC_OFFSET);
        final int actual = crc(b);
        if (stored != actual) {
            throw new CorruptCacheException(where + ": channel header checksum 0x" + Integer.toHexString(stored)
                + " does not match its contents (0x" + Integer.toHexString(actual) + ")");
        }
        final long size = b.getLong(SIZE_OFFSET);
        if (size < 0 || size > capacity) {
            throw new CorruptCacheException(where + ": channel header size " + size + " is outside 0.." + capacity);
        }
        return size;
    }

    private static int crc(final ByteBuffer b) {
        return Crc32c.of(b.getLong(MAGIC_OFFSET), b.getLong(VERSION_OFFSET), b.getLong(SIZE_OFFSET));
    }
}
