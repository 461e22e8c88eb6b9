package org.writecache.format;

import static org.writecache.format.CacheLayout.BLOCK_COUNT_OFFSET;
import static org.writecache.format.CacheLayout.BLOCK_SIZE_OFFSET;
import static org.writecache.format.CacheLayout.DATA_OFFSET_OFFSET;
import static org.writecache.format.CacheLayout.DEVICE_SIZE_OFFSET;
import static org.writecache.format.CacheLayout.FLAGS_OFFSET;
import static org.writecache.format.CacheLayout.MAGIC;
import static org.writecache.format.CacheLayout.MAGIC_OFFSET;
import static org.writecache.format.CacheLayout.RESERVED_2_OFFSET;
import static org.writecache.format.CacheLayout.RESERVED_OFFSET;
import static org.writecache.format.CacheLayout.SUPERBLOCK_CRC_OFFSET;
import static org.writecache.format.CacheLayout.SUPERBLOCK_SIZE;
import static org.writecache.format.CacheLayout.VERSION_OFFSET;

import org.writecache.CorruptCacheException;
import org.writecache.pmem.PersistentMemory;

/**
 * Checks a superblock field by field, in the order a reader can trust them: magic, checksum, version, flags, reserved
 * words, geometry, commit word. Every refusal names the field, its offset and what was expected. The field offsets
 * are {@link CacheLayout}'s.
 */
final class Superblock {
    private Superblock() {
    }

    static CacheLayout open(final PersistentMemory pm, final long base, final int expectedBlockSize)
        throws CorruptCacheException {
        final long available = pm.size() - base;
        if (available < SUPERBLOCK_SIZE) {
            throw new CorruptCacheException("cache region of " + available + " bytes at offset " + base
                + " is smaller than the " + SUPERBLOCK_SIZE + "-byte superblock");
        }
        final int magic = pm.getInt(base + MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw new CorruptCacheException(String.format(
                "not a writecache cache: magic at offset %d is 0x%08x, expected 0x%08x (format it first)",
                base + MAGIC_OFFSET, magic, MAGIC));
        }
        final int storedCrc = pm.getInt(base + SUPERBLOCK_CRC_OFFSET);
        final int crc = CacheLayout.superblockCrc(pm, base, magic);
        if (storedCrc != crc) {
            throw new CorruptCacheException(String.format(
                "superblock checksum mismatch at offset %d: stored 0x%08x, computed 0x%08x",
                base + SUPERBLOCK_CRC_OFFSET, storedCrc, crc));
        }
        final DataChecksum checksum = versionAndFlags(pm, base);
        reservedIsZero(pm.getInt(base + RESERVED_OFFSET) & 0xFFFFFFFFL, base + RESERVED_OFFSET, "%08x");
        reservedIsZero(pm.getLong(base + RESERVED_2_OFFSET), base + RESERVED_2_OFFSET, "%016x");
        final int blockSize = pm.getInt(base + BLOCK_SIZE_OFFSET);
        try {
            CacheLayout.checkBlockSize(blockSize);
        } catch (final IllegalArgumentException e) {
            throw new CorruptCacheException("superblock holds an invalid " + e.getMessage());
        }
        if (expectedBlockSize != 0 && expectedBlockSize != blockSize) {
            throw new CorruptCacheException("cache was formatted with block size " + blockSize
                + " but block size " + expectedBlockSize + " is configured");
        }
        final long blockCount = pm.getLong(base + BLOCK_COUNT_OFFSET);
        if (blockCount < 1 || blockCount > Integer.MAX_VALUE) {
            throw new CorruptCacheException("superblock block count out of range: " + blockCount);
        }
        final long dataOffset = pm.getLong(base + DATA_OFFSET_OFFSET);
        final long expectedOffset = CacheLayout.dataOffset(blockCount, blockSize, checksum);
        if (dataOffset != expectedOffset) {
            throw new CorruptCacheException("superblock data offset " + dataOffset + " does not match "
                + blockCount + " blocks of " + blockSize + " bytes with " + checksum.entrySize()
                + "-byte entries (expected " + expectedOffset + ")");
        }
        final long needed = CacheLayout.regionSize(blockCount, blockSize, checksum);
        if (needed > available) {
            throw new CorruptCacheException("cache region of " + available + " bytes is smaller than the "
                + needed + " bytes its superblock describes (" + blockCount + " blocks of " + blockSize
                + "): the file was truncated");
        }
        final long deviceSize = pm.getLong(base + DEVICE_SIZE_OFFSET);
        final CacheLayout layout = new CacheLayout(pm, base, blockSize, (int) blockCount, deviceSize, checksum);
        layout.seqCount(); // validates the commit word
        return layout;
    }

    /** @return what the version and flags record; refuses an unknown version and flags the version does not define. */
    private static DataChecksum versionAndFlags(final PersistentMemory pm, final long base)
        throws CorruptCacheException {
        final int version = pm.getInt(base + VERSION_OFFSET);
        final int flags = pm.getInt(base + FLAGS_OFFSET);
        for (final DataChecksum c : DataChecksum.values()) {
            if (c.formatVersion() == version) {
                if ((flags & ~c.flags()) != 0) {
                    throw new CorruptCacheException(String.format("superblock flags at offset %d are 0x%08x: bits "
                        + "0x%08x are unknown to format version %d", base + FLAGS_OFFSET, flags, flags & ~c.flags(),
                        version));
                }
                if (flags != c.flags()) {
                    throw new CorruptCacheException(String.format("superblock flags at offset %d are 0x%08x: format "
                        + "version %d requires 0x%08x", base + FLAGS_OFFSET, flags, version, c.flags()));
                }
                return c;
            }
        }
        throw new CorruptCacheException("unsupported format version " + version + " (this build reads versions "
            + CacheLayout.VERSION_1 + " to " + CacheLayout.VERSION + ")");
    }

    private static void reservedIsZero(final long value, final long offset, final String hex)
        throws CorruptCacheException {
        if (value != 0) {
            throw new CorruptCacheException(String.format("superblock reserved word at offset %d is 0x" + hex
                + ", must be 0", offset, value));
        }
    }
}
