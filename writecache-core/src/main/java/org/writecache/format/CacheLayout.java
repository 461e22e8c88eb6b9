package org.writecache.format;

import org.writecache.CorruptCacheException;
import org.writecache.pmem.PersistentMemory;

/**
 * The on-media format of a cache, versions 1 and 2: the one place that knows where every field lives.
 *
 * <p>Based on dm-writecache's version 1 layout (superblock, entries, data blocks, one sequence count as the commit
 * word) with checksums where the kernel has none, and a block number instead of a sector in each entry. Version 2 adds
 * a CRC-32C of every data block to its entry. Every multi-byte field is little-endian. {@code base} is the configured
 * start offset of the cache in its file.
 *
 * <pre>
 *  base + 0    superblock, one 64-byte cache line
 *              +0   u32 magic          0x31434357, the bytes "WCC1"
 *              +4   u32 version        1 (no data checksums) or 2 (data checksums)
 *              +8   u32 block size     power of two, 512 .. 65536
 *              +12  u32 flags          version 1: 0; version 2: 0x1 (data CRC-32C), no other bit
 *              +16  u64 block count    n, the number of cache blocks
 *              +24  u64 data offset    where data block 0 starts, relative to base: 64 + entry size * n rounded up
 *                                      to the block size
 *              +32  u64 device size    size in bytes of the backing device at format time
 *              +40  u32 reserved       0
 *              +44  u32 superblock crc CRC-32C of bytes +0 .. +39 (as five u64 words)
 *              +48  u64 commit word    bits 0..47 sequence count, bits 48..63 CRC-16 of the sequence count;
 *                                      written with one aligned 8-byte store: the commit point
 *              +56  u64 reserved       0
 *  base + 64   entries[n], 16 bytes each (version 1) or 24 (version 2); entry i describes data block i
 *              +0   u32 device block   block number on the backing device
 *              +4   u32 entry crc      CRC-32C of (i, device block, seq)
 *              +8   u64 seq            the sequence count current when the block was written
 *    version 2 +16  u32 data crc       CRC-32C of the data block's bytes
 *              +20  u32 data check     CRC-32C of (i, device block, seq, data crc)
 *              A free entry has its first two words all ones. If either is all ones the entry is free: a torn
 *              update between free and used can only leave one word changed. The third word of a free entry is
 *              whatever it last held.
 *  base + data offset   data blocks[n], block size bytes each
 * </pre>
 *
 * <p>An entry is committed iff its seq is below the commit word's sequence count. Format writes every entry free,
 * then the superblock, and the magic last, each made durable before the next. The data crc and its check share one
 * aligned 8-byte word, so rewriting the checksum of a block overwritten in place is one untorn store; the check binds
 * the checksum to its entry (index, device block, seq), so a stale or misplaced checksum word never verifies.
 */
public final class CacheLayout {
    /** "WCC1" read as a little-endian u32. */
    public static final int MAGIC = 0x31434357;
    /** Format version without data checksums: 16-byte entries. */
    public static final int VERSION_1 = 1;
    /** Format version with a data checksum in every entry: 24-byte entries. */
    public static final int VERSION_2 = 2;
    /** The newest format version this code reads and writes. */
    public static final int VERSION = VERSION_2;
    /** Superblock flag of version 2: every entry holds a CRC-32C of its data block. */
    public static final int FLAG_DATA_CRC32C = 0x1;
    /** Bytes of the superblock. */
    public static final int SUPERBLOCK_SIZE = 64;
    /** Bytes of one entry of version 1. */
    public static final int ENTRY_SIZE_V1 = 16;
    /** Bytes of one entry of version 2. */
    public static final int ENTRY_SIZE_V2 = 24;
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
    static final int RESERVED_2_OFFSET = 56;
    static final int ENTRIES_OFFSET = SUPERBLOCK_SIZE;
    /** Offset of the data crc word (crc and check) inside a version 2 entry. */
    static final int DATA_CRC_WORD = 16;

    private final PersistentMemory pm;
    private final long base;
    private final int blockSize;
    private final int blockShift;
    private final int blockCount;
    private final long dataStart;
    private final long deviceSize;
    private final DataChecksum dataChecksum;
    private final int entrySize;

    CacheLayout(final PersistentMemory pm, final long base, final int blockSize, final int blockCount,
                final long deviceSize, final DataChecksum dataChecksum) {
        this.pm = pm;
        this.base = base;
        this.blockSize = blockSize;
        this.blockShift = Integer.numberOfTrailingZeros(blockSize);
        this.blockCount = blockCount;
        this.dataStart = base + dataOffset(blockCount, blockSize, dataChecksum);
        this.deviceSize = deviceSize;
        this.dataChecksum = dataChecksum;
        this.entrySize = dataChecksum.entrySize();
    }

    /**
     * @return bytes from base to data block 0 for {@code blockCount} blocks with entries for {@code checksum}:
     *     metadata rounded up to the block size.
     */
    public static long dataOffset(final long blockCount, final int blockSize, final DataChecksum checksum) {
        final long metadata = ENTRIES_OFFSET + (long) checksum.entrySize() * blockCount;
        return (metadata + blockSize - 1) & -(long) blockSize;
    }

    /** @return {@link #dataOffset(long, int, DataChecksum)} for {@link DataChecksum#DEFAULT}. */
    public static long dataOffset(final long blockCount, final int blockSize) {
        return dataOffset(blockCount, blockSize, DataChecksum.DEFAULT);
    }

    /** @return bytes a cache of {@code blockCount} blocks with entries for {@code checksum} occupies from its base. */
    public static long regionSize(final long blockCount, final int blockSize, final DataChecksum checksum) {
        return dataOffset(blockCount, blockSize, checksum) + blockCount * blockSize;
    }

    /** @return {@link #regionSize(long, int, DataChecksum)} for {@link DataChecksum#DEFAULT}. */
    public static long regionSize(final long blockCount, final int blockSize) {
        return regionSize(blockCount, blockSize, DataChecksum.DEFAULT);
    }

    /** @return the largest block count whose metadata and data fit in {@code regionBytes}; 0 if not even one. */
    public static long blocksThatFit(final long regionBytes, final int blockSize, final DataChecksum checksum) {
        long n = Math.max(0, (regionBytes - ENTRIES_OFFSET) / (blockSize + checksum.entrySize()));
        while (n > 0 && regionSize(n, blockSize, checksum) > regionBytes) {
            n--;
        }
        return n;
    }

    /** @return {@link #blocksThatFit(long, int, DataChecksum)} for {@link DataChecksum#DEFAULT}. */
    public static long blocksThatFit(final long regionBytes, final int blockSize) {
        return blocksThatFit(regionBytes, blockSize, DataChecksum.DEFAULT);
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
     * Writes a new, empty cache of {@code blockCount} blocks at {@code base}, in the format version {@code checksum}
     * needs. Every entry is made free and durable before the superblock, and the magic is written and made durable
     * last, so a format cut short leaves a region that does not open as a cache.
     */
    public static CacheLayout format(final PersistentMemory pm, final long base, final int blockSize,
                                     final int blockCount, final long deviceSize, final DataChecksum checksum) {
        checkBlockSize(blockSize);
        if (regionSize(blockCount, blockSize, checksum) > pm.size() - base) {
            throw new IllegalArgumentException("region of " + (pm.size() - base) + " bytes cannot hold " + blockCount
                + " blocks of " + blockSize + " bytes and their metadata");
        }
        final long entries = (long) checksum.entrySize() * blockCount;
        pm.putInt(base + MAGIC_OFFSET, 0);
        pm.persist(base + MAGIC_OFFSET, 4);
        pm.fill(base + ENTRIES_OFFSET, entries, (byte) 0xFF);
        pm.flush(base + ENTRIES_OFFSET, entries);
        pm.putInt(base + VERSION_OFFSET, checksum.formatVersion());
        pm.putInt(base + BLOCK_SIZE_OFFSET, blockSize);
        pm.putInt(base + FLAGS_OFFSET, checksum.flags());
        pm.putLong(base + BLOCK_COUNT_OFFSET, blockCount);
        pm.putLong(base + DATA_OFFSET_OFFSET, dataOffset(blockCount, blockSize, checksum));
        pm.putLong(base + DEVICE_SIZE_OFFSET, deviceSize);
        pm.putInt(base + RESERVED_OFFSET, 0);
        pm.putInt(base + SUPERBLOCK_CRC_OFFSET, superblockCrc(pm, base, MAGIC));
        pm.putLongAtomic(base + COMMIT_WORD_OFFSET, commitWord(0));
        pm.putLong(base + RESERVED_2_OFFSET, 0);
        pm.persist(base, SUPERBLOCK_SIZE);
        pm.putInt(base + MAGIC_OFFSET, MAGIC);
        pm.persist(base + MAGIC_OFFSET, 4);
        return new CacheLayout(pm, base, blockSize, blockCount, deviceSize, checksum);
    }

    /** @return true if {@code base} holds a superblock with the magic and a valid checksum. */
    public static boolean isFormatted(final PersistentMemory pm, final long base) {
        return pm.size() - base >= SUPERBLOCK_SIZE
            && pm.getInt(base + MAGIC_OFFSET) == MAGIC
            && pm.getInt(base + SUPERBLOCK_CRC_OFFSET) == superblockCrc(pm, base, MAGIC);
    }

    /**
     * Reads and checks the superblock at {@code base}: every field, the flags and the reserved words.
     *
     * @param expectedBlockSize the configured block size, or 0 to accept the formatted one.
     * @throws CorruptCacheException naming the first field that is wrong.
     */
    public static CacheLayout open(final PersistentMemory pm, final long base, final int expectedBlockSize)
        throws CorruptCacheException {
        return Superblock.open(pm, base, expectedBlockSize);
    }

    static int superblockCrc(final PersistentMemory pm, final long base, final int magic) {
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

    /** @return whether and how data blocks are checksummed. */
    public DataChecksum dataChecksum() {
        return dataChecksum;
    }

    /** @return the format version: 1 or 2. */
    public int version() {
        return dataChecksum.formatVersion();
    }

    /** @return bytes of one entry. */
    public int entrySize() {
        return entrySize;
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
        return base + ENTRIES_OFFSET + (long) entrySize * block;
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
        pm.flush(entryOffset(block), entrySize);
    }

    /** Flushes data block {@code block} (no fence). */
    public void flushBlock(final int block) {
        pm.flush(blockOffset(block), blockSize);
    }

    /**
     * Stores the data checksum of entry {@code block}, which holds {@code deviceBlock} at {@code seq}, with its check,
     * in one aligned 8-byte store (not flushed). Version 2 only.
     */
    public void writeDataCrc(final int block, final long deviceBlock, final long seq, final int crc) {
        final long check = dataCheck(block, deviceBlock, seq, crc) & 0xFFFFFFFFL;
        pm.putLong(entryOffset(block) + DATA_CRC_WORD, (crc & 0xFFFFFFFFL) | (check << 32));
    }

    /**
     * @return the data checksum entry {@code block} holds, as an unsigned 32-bit value, or -1 if the entry is free or
     *     its checksum word fails its check (the data cannot be verified). Version 2 only.
     */
    public long storedDataCrc(final int block) {
        final long off = entryOffset(block);
        final long w0 = pm.getLong(off);
        final long seq = pm.getLong(off + 8);
        final long word = pm.getLong(off + DATA_CRC_WORD);
        if (w0 == FREE || seq == FREE) {
            return -1;
        }
        final int crc = (int) word;
        return (int) (word >>> 32) == dataCheck(block, w0 & 0xFFFFFFFFL, seq, crc) ? crc & 0xFFFFFFFFL : -1;
    }

    private static int dataCheck(final int block, final long deviceBlock, final long seq, final int crc) {
        return Crc32c.of(((long) block << 32) | deviceBlock, seq, crc & 0xFFFFFFFFL);
    }

    /** @return the CRC-32C of data block {@code block} as it is now. */
    public int dataCrc(final int block) {
        return pm.crc32c(blockOffset(block), blockSize);
    }

    /** @return the seq word of entry {@code block} as stored, unchecked: for an entry already read and classified. */
    public long seqOf(final int block) {
        return pm.getLong(entryOffset(block) + 8);
    }

    /** Decodes entry {@code block} into {@code out}. */
    public void readEntry(final int block, final Entry out) {
        final long off = entryOffset(block);
        decode(block, pm.getLong(off), pm.getLong(off + 8), out);
    }

    /** Decodes entry {@code block} from its first two words into {@code out}. */
    static void decode(final int block, final long w0, final long seq, final Entry out) {
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
