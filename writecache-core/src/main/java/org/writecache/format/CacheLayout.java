package org.writecache.format;

import org.writecache.CorruptCacheException;
import org.writecache.pmem.PersistentMemory;

/**
 * The on-media format of a cache, version 1: the one place that knows where every field lives.
 *
 * <p>Based on dm-writecache's version 1 layout (superblock, 16-byte entries, data blocks, one sequence count as the
 * commit word) with checksums where the kernel has none, and a block number instead of a sector in each entry.
 * Every multi-byte field is little-endian. {@code base} is the configured start offset of the cache in its file.
 *
 * <pre>
 *  base + 0    superblock, one 64-byte cache line
 *              +0   u32 magic          0x31434357, the bytes "WCC1"
 *              +4   u32 version        1
 *              +8   u32 block size     power of two, 512 .. 65536
 *              +12  u32 flags          0 (reserved)
 *              +16  u64 block count    n, the number of cache blocks
 *              +24  u64 data offset    where data block 0 starts, relative to base: 64 + 16 n rounded up to
 *                                      the block size
 *              +32  u64 device size    size in bytes of the backing device at format time
 *              +40  u32 reserved       0
 *              +44  u32 superblock crc CRC-32C of bytes +0 .. +39 (as five u64 words)
 *              +48  u64 commit word    bits 0..47 sequence count, bits 48..63 CRC-16 of the sequence count;
 *                                      written with one aligned 8-byte store: the commit point
 *              +56  u64 reserved       0
 *  base + 64   entries[n], 16 bytes each, entry i describes data block i
 *              +0   u32 device block   block number on the backing device
 *              +4   u32 entry crc      CRC-32C of (i, device block, seq)
 *              +8   u64 seq            the sequence count current when the block was written
 *              A free entry is all ones (both words -1). If either word is all ones the entry is free: a torn
 *              update between free and used can only leave one word changed.
 *  base + data offset   data blocks[n], block size bytes each
 * </pre>
 *
 * <p>An entry is committed iff its seq is below the commit word's sequence count. Format writes every entry free,
 * then the superblock, and the magic last, each made durable before the next.
 */
public final class CacheLayout {
    /** "WCC1" read as a little-endian u32. */
    public static final int MAGIC = 0x31434357;
    /** The only format version this code reads and writes. */
    public static final int VERSION = 1;
    /** Bytes of the superblock. */
    public static final int SUPERBLOCK_SIZE = 64;
    /** Bytes of one entry. */
    public static final int ENTRY_SIZE = 16;
    /** Smallest block size. */
    public static final int MIN_BLOCK_SIZE = 512;
    /** Largest block size. */
    public static final int MAX_BLOCK_SIZE = 65536;
    /** The value of both words of a free entry. */
    public static final long FREE = -1L;
    /** Largest device block number an entry can hold (0xFFFFFFFF marks a free entry). */
    public static final long MAX_DEVICE_BLOCKS = 0xFFFF_FFFFL;
    /** Largest sequence count: 48 bits, one short of all ones. */
    public static final long MAX_SEQ = (1L << 48) - 2;

    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 4;
    static final int BLOCK_SIZE_OFFSET = 8;
    static final int FLAGS_OFFSET = 12;
    static final int BLOCK_COUNT_OFFSET = 16;
    static final int DATA_OFFSET_OFFSET = 24;
    static final int DEVICE_SIZE_OFFSET = 32;
    static final int RESERVED_OFFSET = 40;
    static final int SUPERBLOCK_CRC_OFFSET = 44;
    static final int COMMIT_WORD_OFFSET = 48;
    static final int ENTRIES_OFFSET = SUPERBLOCK_SIZE;

    private final PersistentMemory pm;
    private final long base;
    private final int blockSize;
    private final int blockShift;
    private final int blockCount;
    private final long dataStart;
    private final long deviceSize;

    private CacheLayout(
        final PersistentMemory pm, final long base, final int blockSize, final int blockCount, final long deviceSize) {
        this.pm = pm;
        this.base = base;
        this.blockSize = blockSize;
        this.blockShift = Integer.numberOfTrailingZeros(blockSize);
        this.blockCount = blockCount;
        this.dataStart = base + dataOffset(blockCount, blockSize);
        this.deviceSize = deviceSize;
    }

    /** @return bytes from base to data block 0 for {@code blockCount} blocks: metadata rounded up to the block size. */
    public static long dataOffset(final long blockCount, final int blockSize) {
        final long metadata = ENTRIES_OFFSET + ENTRY_SIZE * blockCount;
        return (metadata + blockSize - 1) & -(long) blockSize;
    }

    /** @return bytes a cache of {@code blockCount} blocks occupies from its base. */
    public static long regionSize(final long blockCount, final int blockSize) {
        return dataOffset(blockCount, blockSize) + blockCount * blockSize;
    }

    /** @return the largest block count whose metadata and data fit in {@code regionBytes}; 0 if not even one. */
    public static long blocksThatFit(final long regionBytes, final int blockSize) {
        long n = Math.max(0, (regionBytes - ENTRIES_OFFSET) / (blockSize + ENTRY_SIZE));
        while (n > 0 && regionSize(n, blockSize) > regionBytes) {
            n--;
        }
        return n;
    }

    /** @throws IllegalArgumentException unless {@code blockSize} is a power of two from 512 to 65536. */
    public static int checkBlockSize(final long blockSize) {
        if (blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE || Long.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException(
                "block size must be a power of two from 512 to 65536 bytes: " + blockSize);
        }
        return (int) blockSize;
    }

    /**
     * Writes a new, empty cache of {@code blockCount} blocks at {@code base}. Every entry is made free and durable
     * before the superblock, and the magic is written and made durable last, so a format cut short leaves a region
     * that does not open as a cache.
     */
    public static CacheLayout format(
        final PersistentMemory pm, final long base, final int blockSize, final int blockCount, final long deviceSize) {
        checkBlockSize(blockSize);
        if (regionSize(blockCount, blockSize) > pm.size() - base) {
            throw new IllegalArgumentException("region of " + (pm.size() - base) + " bytes cannot hold " + blockCount
                + " blocks of " + blockSize + " bytes and their metadata");
        }
        pm.putInt(base + MAGIC_OFFSET, 0);
        pm.persist(base + MAGIC_OFFSET, 4);
        pm.fill(base + ENTRIES_OFFSET, (long) ENTRY_SIZE * blockCount, (byte) 0xFF);
        pm.flush(base + ENTRIES_OFFSET, (long) ENTRY_SIZE * blockCount);
        pm.putInt(base + VERSION_OFFSET, VERSION);
        pm.putInt(base + BLOCK_SIZE_OFFSET, blockSize);
        pm.putInt(base + FLAGS_OFFSET, 0);
        pm.putLong(base + BLOCK_COUNT_OFFSET, blockCount);
        pm.putLong(base + DATA_OFFSET_OFFSET, dataOffset(blockCount, blockSize));
        pm.putLong(base + DEVICE_SIZE_OFFSET, deviceSize);
        pm.putInt(base + RESERVED_OFFSET, 0);
        pm.putInt(base + SUPERBLOCK_CRC_OFFSET, superblockCrc(pm, base, MAGIC));
        pm.putLongAtomic(base + COMMIT_WORD_OFFSET, commitWord(0));
        pm.putLong(base + COMMIT_WORD_OFFSET + 8, 0);
        pm.persist(base, SUPERBLOCK_SIZE);
        pm.putInt(base + MAGIC_OFFSET, MAGIC);
        pm.persist(base + MAGIC_OFFSET, 4);
        return new CacheLayout(pm, base, blockSize, blockCount, deviceSize);
    }

    /** @return true if {@code base} holds a superblock with the magic and a valid checksum. */
    public static boolean isFormatted(final PersistentMemory pm, final long base) {
        return pm.size() - base >= SUPERBLOCK_SIZE
            && pm.getInt(base + MAGIC_OFFSET) == MAGIC
            && pm.getInt(base + SUPERBLOCK_CRC_OFFSET) == superblockCrc(pm, base, MAGIC);
    }

    /**
     * Reads and checks the superblock at {@code base}.
     *
     * @param expectedBlockSize the configured block size, or 0 to accept the formatted one.
     * @throws CorruptCacheException naming the first field that is wrong.
     */
    public static CacheLayout open(final PersistentMemory pm, final long base, final int expectedBlockSize)
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
        final int crc = superblockCrc(pm, base, magic);
        if (storedCrc != crc) {
            throw new CorruptCacheException(String.format(
                "superblock checksum mismatch at offset %d: stored 0x%08x, computed 0x%08x",
                base + SUPERBLOCK_CRC_OFFSET, storedCrc, crc));
        }
        final int version = pm.getInt(base + VERSION_OFFSET);
        if (version != VERSION) {
            throw new CorruptCacheException("unsupported format version " + version + " (this build reads "
                + VERSION + ")");
        }
        final int blockSize = pm.getInt(base + BLOCK_SIZE_OFFSET);
        try {
            checkBlockSize(blockSize);
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
        if (dataOffset != dataOffset(blockCount, blockSize)) {
            throw new CorruptCacheException("superblock data offset " + dataOffset + " does not match "
                + blockCount + " blocks of " + blockSize + " bytes (expected " + dataOffset(blockCount, blockSize)
                + ")");
        }
        final long needed = regionSize(blockCount, blockSize);
        if (needed > available) {
            throw new CorruptCacheException("cache region of " + available + " bytes is smaller than the "
                + needed + " bytes its superblock describes (" + blockCount + " blocks of " + blockSize
                + "): the file was truncated");
        }
        final long deviceSize = pm.getLong(base + DEVICE_SIZE_OFFSET);
        final CacheLayout layout = new CacheLayout(pm, base, blockSize, (int) blockCount, deviceSize);
        layout.seqCount(); // validates the commit word
        return layout;
    }

    private static int superblockCrc(final PersistentMemory pm, final long base, final int magic) {
        return Crc32c.of(
            (magic & 0xFFFFFFFFL) | ((long) pm.getInt(base + VERSION_OFFSET) << 32),
            (pm.getInt(base + BLOCK_SIZE_OFFSET) & 0xFFFFFFFFL) | ((long) pm.getInt(base + FLAGS_OFFSET) << 32),
            pm.getLong(base + BLOCK_COUNT_OFFSET),
            pm.getLong(base + DATA_OFFSET_OFFSET),
            pm.getLong(base + DEVICE_SIZE_OFFSET));
    }

    static long commitWord(final long seq) {
        return seq | ((long) Crc16.of48(seq) << 48);
    }

    /** @return the block size in bytes. */
    public int blockSize() {
        return blockSize;
    }

    /** @return log2 of the block size. */
    public int blockShift() {
        return blockShift;
    }

    /** @return the number of cache blocks. */
    public int blockCount() {
        return blockCount;
    }

    /** @return the backing device size recorded at format time. */
    public long deviceSize() {
        return deviceSize;
    }

    /** @return the persistent memory this layout lives in. */
    public PersistentMemory memory() {
        return pm;
    }

    /**
     * @return the committed sequence count.
     * @throws CorruptCacheException if the commit word fails its CRC-16.
     */
    public long seqCount() throws CorruptCacheException {
        final long word = pm.getLongAtomic(base + COMMIT_WORD_OFFSET);
        final long seq = word & 0xFFFF_FFFF_FFFFL;
        if ((int) (word >>> 48) != Crc16.of48(seq)) {
            throw new CorruptCacheException(String.format(
                "commit word at offset %d fails its check: 0x%016x", base + COMMIT_WORD_OFFSET, word));
        }
        return seq;
    }

    /** Stores {@code seq} in the commit word with one atomic 8-byte store and makes it durable. */
    public void commit(final long seq) {
        if (seq > MAX_SEQ) {
            throw new IllegalStateException("sequence count exhausted: " + seq);
        }
        pm.putLongAtomic(base + COMMIT_WORD_OFFSET, commitWord(seq));
        pm.persist(base + COMMIT_WORD_OFFSET, 8);
    }

    /** @return the byte offset of entry {@code block} in the region. */
    public long entryOffset(final int block) {
        return base + ENTRIES_OFFSET + (long) ENTRY_SIZE * block;
    }

    /** @return the byte offset of data block {@code block} in the region. */
    public long blockOffset(final int block) {
        return dataStart + ((long) block << blockShift);
    }

    /** Writes entry {@code block} as used by {@code deviceBlock} at {@code seq} (not flushed). */
    public void writeEntry(final int block, final long deviceBlock, final long seq) {
        final long off = entryOffset(block);
        final long crc = Crc32c.of(((long) block << 32) | deviceBlock, seq) & 0xFFFFFFFFL;
        pm.putLong(off, deviceBlock | (crc << 32));
        pm.putLong(off + 8, seq);
    }

    /** Writes entry {@code block} as free (not flushed). */
    public void freeEntry(final int block) {
        final long off = entryOffset(block);
        pm.putLong(off + 8, FREE);
        pm.putLong(off, FREE);
    }

    /** Flushes entry {@code block}'s line (no fence). */
    public void flushEntry(final int block) {
        pm.flush(entryOffset(block), ENTRY_SIZE);
    }

    /** Flushes data block {@code block} (no fence). */
    public void flushBlock(final int block) {
        pm.flush(blockOffset(block), blockSize);
    }

    /** Decodes entry {@code block} into {@code out}. */
    public void readEntry(final int block, final Entry out) {
        final long off = entryOffset(block);
        final long w0 = pm.getLong(off);
        final long seq = pm.getLong(off + 8);
        out.deviceBlock = w0 & 0xFFFFFFFFL;
        out.seq = seq;
        if (w0 == FREE || seq == FREE) {
            out.state = Entry.State.FREE;
        } else if ((int) (w0 >>> 32) != Crc32c.of(((long) block << 32) | out.deviceBlock, seq)) {
            out.state = Entry.State.CORRUPT;
        } else {
            out.state = Entry.State.USED;
        }
    }

    /** A decoded entry; reused to avoid allocation while scanning. */
    public static final class Entry {
        /** What an entry holds. */
        public enum State {
            /** The entry describes no data. */
            FREE,
            /** The entry describes data and its checksum matches. */
            USED,
            /** The entry is neither free nor matches its checksum. */
            CORRUPT
        }

        /** The decoded state. */
        public State state;
        /** The device block, valid when USED. */
        public long deviceBlock;
        /** The sequence count, valid when USED. */
        public long seq;
    }
}
