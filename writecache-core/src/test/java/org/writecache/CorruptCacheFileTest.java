package org.writecache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.writecache.WriteCacheTest.block;
import static org.writecache.WriteCacheTest.read;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.writecache.format.CacheLayout;
import org.writecache.format.Crc32c;
import org.writecache.format.DataChecksum;

/**
 * Opening a damaged or foreign cache file fails with a {@link CorruptCacheException} that names the problem; in both
 * format versions.
 */
@ParameterizedClass
@EnumSource(DataChecksum.class)
class CorruptCacheFileTest {
    @RegisterExtension
    final TestFiles files = new TestFiles();

    private static final int BS = 4096;
    private static final int BLOCKS = 16;

    @Parameter
    DataChecksum checksum;

    private long dataOffset() {
        return CacheLayout.dataOffset(BLOCKS, BS, checksum);
    }

    private long entryOffset(final int entry) {
        return CacheLayout.SUPERBLOCK_SIZE + (long) checksum.entrySize() * entry;
    }

    /** A closed cache of 16 blocks holding device blocks 0 to 4, all committed. */
    private WriteCacheConfig cacheWithData() throws IOException {
        final WriteCacheConfig cfg = WriteCacheConfig.builder()
            .cacheFile(files.cacheFile()).cacheSize(CacheLayout.regionSize(BLOCKS, BS, checksum))
            .backingFile(files.backingFile()).backingSize(1L << 20).dataChecksum(checksum)
            .background(false).prefault(false).build();
        try (WriteCache c = WriteCache.format(cfg)) {
            for (int i = 0; i < 5; i++) {
                c.write((long) i * BS, ByteBuffer.wrap(block(i)), true);
            }
        }
        return cfg;
    }

    private static FileChannel channel(final WriteCacheConfig cfg) throws IOException {
        return FileChannel.open(cfg.cacheFile(), StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    private static void flipBit(final WriteCacheConfig cfg, final long offset, final int bit) throws IOException {
        try (FileChannel ch = channel(cfg)) {
            final ByteBuffer b = ByteBuffer.allocate(1);
            ch.read(b, offset);
            b.put(0, (byte) (b.get(0) ^ (1 << bit))).rewind();
            ch.write(b, offset);
        }
    }

    private static void putInt(final WriteCacheConfig cfg, final long offset, final int value) throws IOException {
        try (FileChannel ch = channel(cfg)) {
            ch.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, value), offset);
        }
    }

    private static long getLong(final FileChannel ch, final long offset) throws IOException {
        final ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        ch.read(b, offset);
        return b.getLong(0);
    }

    /** Rewrites the superblock checksum so that only the field change itself is wrong. */
    private static void resealSuperblock(final WriteCacheConfig cfg) throws IOException {
        try (FileChannel ch = channel(cfg)) {
            final int crc = Crc32c.of(getLong(ch, 0), getLong(ch, 8), getLong(ch, 16), getLong(ch, 24),
                getLong(ch, 32));
            ch.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, crc), 44);
        }
    }

    private static void truncate(final WriteCacheConfig cfg, final long size) throws IOException {
        try (FileChannel ch = channel(cfg)) {
            ch.truncate(size);
        }
    }

    private static void assertCorrupt(final WriteCacheConfig cfg, final String... expected) {
        final CorruptCacheException e = assertThrows(CorruptCacheException.class, () -> WriteCache.open(cfg).close());
        for (final String s : expected) {
            assertTrue(e.getMessage().contains(s), "expected '" + s + "' in: " + e.getMessage());
        }
    }

    @Test
    void intactFileOpensWithItsData() throws IOException {
        final WriteCacheConfig cfg = cacheWithData();
        try (WriteCache c = WriteCache.open(cfg)) {
            for (int i = 0; i < 5; i++) {
                assertArrayEquals(block(i), read(c, (long) i * BS, BS));
            }
        }
    }

    @Test
    void truncatedDataRegion() throws IOException {
        final WriteCacheConfig cfg = cacheWithData();
        truncate(cfg, dataOffset() + 3L * BS);
        assertCorrupt(cfg, "truncated", String.valueOf(dataOffset() + 3L * BS));
    }

    @Test
    void smallerThanItsMetadata() throws IOException {
        final WriteCacheConfig cfg = cacheWithData();
        truncate(cfg, 100);
        assertCorrupt(cfg, "truncated", "100 bytes");
    }

    @Test
    void smallerThanTheSuperblockOrEmpty() throws IOException {
        final WriteCacheConfig cfg = cacheWithData();
        truncate(cfg, 10);
        assertCorrupt(cfg, "10 bytes", "superblock");
        truncate(cfg, 0);
        assertCorrupt(cfg, "0 bytes", "superblock");
    }

    @Test
    void flippedBitInTheSuperblock() throws IOException {
        final WriteCacheConfig cfg = cacheWithData();
        flipBit(cfg, 17, 3);
        assertCorrupt(cfg, "superblock checksum mismatch");
    }

    @Test
    void flippedBitInTheCommitWord() throws IOException {
        final WriteCacheConfig cfg = cacheWithData();
        flipBit(cfg, 48, 0);
        assertCorrupt(cfg, "commit word", "offset 48");
    }

    @Test
    void flippedBitInAnEntry() throws IOException {
        final WriteCacheConfig cfg = cacheWithData();
        int entry = 0;
        try (FileChannel ch = channel(cfg)) {
            while (getLong(ch, entryOffset(entry)) == -1L) {
                entry++;
            }
        }
        assertTrue(entry < BLOCKS, "a used entry exists");
        flipBit(cfg, entryOffset(entry) + 9, 5);
        assertCorrupt(cfg, "entry " + entry, "checksum");
    }

    @Test
    void flippedBitInAFreeEntryLeavesItFree() throws IOException {
        final WriteCacheConfig cfg = cacheWithData();
        int entry = 0;
        try (FileChannel ch = channel(cfg)) {
            while (getLong(ch, entryOffset(entry)) != -1L) {
                entry++;
            }
        }
        flipBit(cfg, entryOffset(entry) + 9, 5);
        try (WriteCache c = WriteCache.open(cfg)) {
            assertEquals(5, c.status().dirtyBlocks());
            assertEquals(BLOCKS - 5, c.status().freeBlocks(), "entry " + entry + " (one word still all ones) is free");
            for (int i = 0; i < 5; i++) {
                assertArrayEquals(block(i), read(c, (long) i * BS, BS));
            }
        }
    }

    @Test
    void wrongMagic() throws IOException {
        final WriteCacheConfig cfg = cacheWithData();
        putInt(cfg, 0, 0x12345678);
        assertCorrupt(cfg, "magic", "0x12345678");
    }

    @Test
    void wrongVersion() throws IOException {
        final WriteCacheConfig cfg = cacheWithData();
        putInt(cfg, 4, 3);
        resealSuperblock(cfg);
        assertCorrupt(cfg, "version 3");
    }

    @Test
    void theOtherVersionsLayoutIsRefusedByItsFlags() throws IOException {
        final WriteCacheConfig cfg = cacheWithData();
        putInt(cfg, 4, checksum == DataChecksum.NONE ? 2 : 1);
        resealSuperblock(cfg);
        assertCorrupt(cfg, "flags");
    }

    @Test
    void aFlippedReservedBitIsRefused() throws IOException {
        final WriteCacheConfig cfg = cacheWithData();
        flipBit(cfg, 41, 2);
        assertCorrupt(cfg, "reserved word at offset 40");
        flipBit(cfg, 41, 2);
        flipBit(cfg, 63, 7);
        assertCorrupt(cfg, "reserved word at offset 56");
    }

    @Test
    void theVersionAndChecksumChoiceAreRecorded() throws IOException {
        final WriteCacheConfig cfg = cacheWithData();
        final CacheInspector.Report r = CacheInspector.inspect(cfg.cacheFile(), 0, e -> { }, (w, d, t) -> { });
        assertEquals(checksum, r.dataChecksum());
        assertEquals(checksum.formatVersion(), r.version());
        final WriteCacheConfig other = cfg.toBuilder()
            .dataChecksum(checksum == DataChecksum.NONE ? DataChecksum.CRC32C : DataChecksum.NONE).build();
        try (WriteCache c = WriteCache.open(other)) {
            assertEquals(5, c.status().dirtyBlocks(), "an open uses what the file records, not the configuration");
            assertArrayEquals(block(4), read(c, 4L * BS, BS));
        }
    }

    @Test
    void invalidBlockSizeInTheSuperblock() throws IOException {
        final WriteCacheConfig cfg = cacheWithData();
        putInt(cfg, 8, 1000);
        resealSuperblock(cfg);
        assertCorrupt(cfg, "block size", "1000");
    }

    @Test
    void blockSizeOtherThanConfigured() throws IOException {
        final WriteCacheConfig cfg = cacheWithData();
        assertCorrupt(cfg.toBuilder().blockSize(8192).build(), "formatted with block size 4096", "8192");
    }

    @Test
    void formattingOverAValidCacheNeedsForce() throws IOException {
        final WriteCacheConfig cfg = cacheWithData();
        final IOException e = assertThrows(IOException.class, () -> WriteCache.format(cfg).close());
        assertTrue(e.getMessage().contains(Settings.FORCE_FORMAT.name()), e.getMessage());
        try (WriteCache c = WriteCache.open(cfg)) {
            assertEquals(5, c.status().dirtyBlocks(), "the refused format left the cache alone");
        }
        try (WriteCache c = WriteCache.format(cfg.toBuilder().forceFormat(true).build())) {
            assertEquals(0, c.status().dirtyBlocks());
            assertArrayEquals(new byte[BS], read(c, 0, BS), "the old cache is gone, its data was never written back");
        }
    }
}
