package org.writecache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.writecache.WriteCacheTest.block;
import static org.writecache.WriteCacheTest.read;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.writecache.format.CacheLayout;
import org.writecache.format.DataChecksum;
import org.writecache.crash.UnclosableMemory;
import org.writecache.pmem.HeapPersistentMemory;
import org.writecache.pmem.PersistentMemory;

/**
 * Data checksums on a live cache: a bit flipped in a block's data in each state it can be in (uncommitted, committed
 * and dirty, under writeback, written back) is refused on read and kept out of writeback, never returned; what an
 * overwrite and a discard of a bad block do; read verification off; a scrub at open.
 */
class DataChecksumTest {
    @RegisterExtension
    final TestFiles files = new TestFiles();

    private static final int BS = 4096;
    private static final int BLOCKS = 32;

    /** The cache's memory: it survives a close, so the same media can be reopened and damaged from outside. */
    private final PersistentMemory memory = new UnclosableMemory(new HeapPersistentMemory(
        CacheLayout.regionSize(BLOCKS, BS, DataChecksum.CRC32C)));
    private Path backing;

    private WriteCacheConfig.Builder config() {
        backing = files.backingFile();
        return WriteCacheConfig.builder().cacheFile(files.cacheFile()).backingFile(backing).blockSize(BS)
            .backingSize(1L << 20).dataChecksum(DataChecksum.CRC32C).background(false).prefault(false);
    }

    private WriteCache format(final WriteCacheConfig cfg, final BlockDevice device) throws IOException {
        return WriteCache.format(cfg, memory, device);
    }

    private WriteCache format(final WriteCacheConfig cfg) throws IOException {
        return format(cfg, FileBlockDevice.create(backing, cfg.backingSize(), null));
    }

    /** @return the cache block holding the newest copy of {@code deviceBlock}, read from the media. */
    static int cacheBlockOf(final PersistentMemory pm, final long deviceBlock) throws CorruptCacheException {
        final CacheLayout layout = CacheLayout.open(pm, 0, 0);
        final CacheLayout.Entry e = new CacheLayout.Entry();
        int found = -1;
        long seq = -1;
        for (int i = 0; i < layout.blockCount(); i++) {
            layout.readEntry(i, e);
            if (e.state == CacheLayout.Entry.State.USED && e.deviceBlock == deviceBlock && e.seq > seq) {
                found = i;
                seq = e.seq;
            }
        }
        assertTrue(found >= 0, "device block " + deviceBlock + " is cached");
        return found;
    }

    /** Flips one bit in the data of the cache block holding {@code deviceBlock}; @return that cache block. */
    static int flip(final PersistentMemory pm, final long deviceBlock, final int byteInBlock) throws IOException {
        final int b = cacheBlockOf(pm, deviceBlock);
        final long at = CacheLayout.open(pm, 0, 0).blockOffset(b) + byteInBlock;
        pm.putInt(at, pm.getInt(at) ^ 0x100);
        return b;
    }

    private byte[] onBacking(final long deviceBlock) throws IOException {
        try (FileChannel ch = FileChannel.open(backing, StandardOpenOption.READ)) {
            final ByteBuffer b = ByteBuffer.allocate(BS);
            ch.read(b, deviceBlock * BS);
            return b.array();
        }
    }

    private static DataChecksumException refused(final WriteCache c, final long deviceBlock, final int cacheBlock) {
        final byte[] marker = new byte[BS];
        java.util.Arrays.fill(marker, (byte) 0x77);
        final ByteBuffer dst = ByteBuffer.allocate(2 * BS);
        dst.put(BS, marker).clear();
        final DataChecksumException e = assertThrows(DataChecksumException.class,
            () -> c.read((deviceBlock - 1) * BS, dst));
        assertEquals(deviceBlock, e.deviceBlock());
        assertEquals(cacheBlock, e.cacheBlock());
        assertTrue(e.getMessage().contains("device block " + deviceBlock) && e.getMessage().contains("cache block "
            + cacheBlock), e.getMessage());
        assertArrayEquals(marker, java.util.Arrays.copyOfRange(dst.array(), BS, 2 * BS),
            "not one byte of the damaged block reaches the caller's buffer");
        return e;
    }

    @Test
    void anUncommittedBlockIsRefusedOnReadAndHealedByAnOverwriteInPlace() throws IOException {
        try (WriteCache c = format(config().build())) {
            c.write(3L * BS, ByteBuffer.wrap(block(3)), false);
            final int b = flip(memory, 3, 100);
            refused(c, 3, b);
            assertEquals(1, c.status().checksumErrors());
            c.write(3L * BS, ByteBuffer.wrap(block(33)), false);
            assertEquals(1, c.status().writeHitsUncommitted(), "overwritten in place");
            assertArrayEquals(block(33), read(c, 3L * BS, BS));
            c.writeback();
            assertArrayEquals(block(33), onBacking(3));
        }
    }

    @Test
    void aCommittedBlockIsRefusedOnReadAndKeptOutOfWritebackWhileTheRestIsWrittenBack() throws IOException {
        final WriteCacheConfig cfg = config().build();
        try (WriteCache c = format(cfg)) {
            for (int d = 0; d < 4; d++) {
                c.write((long) d * BS, ByteBuffer.wrap(block(d + 1)), true);
            }
            final int b = flip(memory, 2, 4000);
            refused(c, 2, b);
            assertArrayEquals(block(2), read(c, BS, BS));
            final DataChecksumException e = assertThrows(DataChecksumException.class, c::writeback);
            assertTrue(e.getMessage().contains("3 blocks written back") && e.getMessage().contains("device block 2"),
                e.getMessage());
            for (final int d : new int[] {0, 1, 3}) {
                assertArrayEquals(block(d + 1), onBacking(d), "device block " + d + " was written back");
            }
            assertArrayEquals(new byte[BS], onBacking(2), "the damaged block never reached the backing device");
            final CacheStatus s = c.status();
            assertEquals(1, s.badBlocks());
            assertEquals(1, s.dirtyBlocks(), "the bad block is kept");
            assertEquals(2, s.checksumErrors(), "one read, one writeback");
            assertEquals(0, s.error(), "a bad block is not the cache's error state");
            assertArrayEquals(new long[] {2}, c.badBlocks());
            assertTrue(s.toReport().contains("bad blocks: 1"), s.toReport());
            refused(c, 2, b);
            assertThrows(DataChecksumException.class, c::writeback, "still bad, still not written back");
            assertArrayEquals(new byte[BS], onBacking(2));
        }
        try (WriteCache c = WriteCache.open(cfg, memory, FileBlockDevice.open(backing, cfg.backingSize()))) {
            assertEquals(0, c.status().badBlocks(), "bad marks are not on media");
            assertThrows(DataChecksumException.class, c::writeback, "writeback finds it again after a reopen");
            assertEquals(1, c.status().badBlocks());
        }
    }

    @Test
    void anOverwriteOfABadBlockHealsIt() throws IOException {
        try (WriteCache c = format(config().build())) {
            c.write(5L * BS, ByteBuffer.wrap(block(5)), true);
            final int b = flip(memory, 5, 0);
            assertThrows(DataChecksumException.class, c::writeback);
            assertEquals(1, c.status().badBlocks());
            c.write(5L * BS, ByteBuffer.wrap(block(55)), false);
            assertEquals(0, c.status().badBlocks(), "the bad copy is superseded");
            assertTrue(cacheBlockOf(memory, 5) != b, "the new copy lives in another block");
            assertArrayEquals(block(55), read(c, 5L * BS, BS));
            assertEquals(1, c.writeback());
            assertArrayEquals(block(55), onBacking(5));
            assertEquals(0, c.status().dirtyBlocks());
        }
    }

    @Test
    void aDiscardOfABadBlockDropsItAndTheBackingDeviceShowsThrough() throws IOException {
        try (WriteCache c = format(config().build())) {
            c.write(6L * BS, ByteBuffer.wrap(block(6)), true);
            c.writeback();
            c.write(6L * BS, ByteBuffer.wrap(block(66)), true);
            flip(memory, 6, 10);
            assertThrows(DataChecksumException.class, c::writeback);
            c.discard(6L * BS, BS);
            final CacheStatus s = c.status();
            assertEquals(0, s.badBlocks());
            assertEquals(0, s.dirtyBlocks());
            assertEquals(BLOCKS, s.freeBlocks(), "the bad block went back to the freelist");
            assertArrayEquals(block(6), read(c, 6L * BS, BS), "the backing device's older copy, as after any discard");
            assertEquals(0, c.writeback());
        }
    }

    @Test
    void aBlockDamagedWhileUnderWritebackIsCaughtBeforeItReachesTheDevice() throws IOException {
        final WriteCacheConfig cfg = config().build();
        final int[] victim = {-1};
        final RecordingDevice device = new RecordingDevice(FileBlockDevice.create(backing, cfg.backingSize(), null));
        device.hook = offset -> {
            if (victim[0] < 0) {
                victim[0] = flip(memory, 10, 2000); // device block 10 is in flight, in the batch's second run
            }
        };
        try (WriteCache c = format(cfg, device)) {
            c.write(0, ByteBuffer.wrap(block(1)), true);
            c.write(10L * BS, ByteBuffer.wrap(block(11)), true);
            assertThrows(DataChecksumException.class, c::writeback);
            assertArrayEquals(block(1), onBacking(0));
            assertArrayEquals(new byte[BS], onBacking(10));
            assertArrayEquals(new long[] {10}, c.badBlocks());
            refused(c, 10, victim[0]);
        }
    }

    @Test
    void aBlockWrittenBackAndFreedIsNoLongerRead() throws IOException {
        try (WriteCache c = format(config().build())) {
            c.write(7L * BS, ByteBuffer.wrap(block(7)), true);
            final int b = cacheBlockOf(memory, 7);
            assertEquals(1, c.writeback());
            final long at = CacheLayout.open(memory, 0, 0).blockOffset(b);
            memory.putInt(at, memory.getInt(at) ^ 1);
            assertArrayEquals(block(7), read(c, 7L * BS, BS), "read from the backing device");
            assertEquals(0, c.status().checksumErrors());
        }
    }

    @Test
    void withReadVerificationOffReadsAreNotCheckedButWritebackStillIs() throws IOException {
        try (WriteCache c = format(config().verifyReads(false).build())) {
            c.write(8L * BS, ByteBuffer.wrap(block(8)), true);
            flip(memory, 8, 300);
            final byte[] got = read(c, 8L * BS, BS);
            assertTrue(!java.util.Arrays.equals(block(8), got), "unverified: the damaged bytes are returned");
            assertThrows(DataChecksumException.class, c::writeback);
            assertThrows(DataChecksumException.class, () -> read(c, 8L * BS, BS), "a known bad block is refused");
            assertArrayEquals(new byte[BS], onBacking(8));
        }
    }

    @Test
    void aScrubAtOpenFindsBadBlocksBeforeAnyReadOrWriteback() throws IOException {
        final WriteCacheConfig cfg = config().build();
        try (WriteCache c = format(cfg)) {
            for (int d = 0; d < 5; d++) {
                c.write((long) d * BS, ByteBuffer.wrap(block(d)), true);
            }
        }
        flip(memory, 4, 1);
        try (WriteCache c = WriteCache.open(cfg, memory, FileBlockDevice.open(backing, cfg.backingSize()))) {
            assertEquals(0, c.status().badBlocks(), "no scrub unless asked");
        }
        try (WriteCache c = WriteCache.open(cfg.toBuilder().scrubOnOpen(true).build(), memory,
            FileBlockDevice.open(backing, cfg.backingSize()))) {
            assertArrayEquals(new long[] {4}, c.badBlocks());
            assertEquals(1, c.status().checksumErrors());
            assertThrows(DataChecksumException.class, c::writeback);
            assertEquals(4, c.status().blocksWrittenBack());
        }
    }

    @Test
    void formatVersionOneHasNoDataChecksumsAndServesADamagedBlockAsDmWritecacheDoes() throws IOException {
        final WriteCacheConfig cfg = config().dataChecksum(DataChecksum.NONE).build();
        try (WriteCache c = format(cfg)) {
            assertEquals(1, CacheLayout.open(memory, 0, 0).version());
            c.write(9L * BS, ByteBuffer.wrap(block(9)), true);
            flip(memory, 9, 50);
            final byte[] damaged = read(c, 9L * BS, BS);
            assertTrue(!java.util.Arrays.equals(block(9), damaged), "version 1 cannot tell");
            assertEquals(1, c.writeback());
            assertArrayEquals(damaged, onBacking(9), "and writes the damage back");
            assertEquals(0, c.status().checksumErrors());
        }
    }
}
