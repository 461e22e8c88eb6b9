package org.writecache.format;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.writecache.CorruptCacheException;
import org.writecache.pmem.FlushPolicy;
import org.writecache.pmem.MappedPersistentMemory;

class CacheLayoutTest {
    private Path file;
    private MappedPersistentMemory pm;

    @BeforeEach
    void map() throws IOException {
        file = Path.of("/dev/shm", "layout-test-" + System.nanoTime() + ".wc");
        pm = MappedPersistentMemory.create(file, 1 << 20, FlushPolicy.AUTO, false);
    }

    @AfterEach
    void unmap() throws IOException {
        pm.close();
        Files.deleteIfExists(file);
    }

    @Test
    void geometryFitsMetadataAndData() {
        assertEquals(4096, CacheLayout.dataOffset(1, 4096));
        assertEquals(8192, CacheLayout.dataOffset(253, 4096), "64 + 16 * 253 = 4112 rounds up to 8192");
        final long n = CacheLayout.blocksThatFit(1 << 20, 4096);
        assertEquals(254, n);
        assertTrue(CacheLayout.regionSize(n, 4096) <= 1 << 20);
        assertTrue(CacheLayout.regionSize(n + 1, 4096) > 1 << 20);
        assertEquals(0, CacheLayout.blocksThatFit(4096, 4096), "a block needs room for its metadata too");
    }

    @Test
    void blockSizeMustBeAPowerOfTwoInRange() {
        for (final long bad : new long[] {0, 256, 1000, 4097, 131072}) {
            final IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> CacheLayout.checkBlockSize(bad));
            assertTrue(e.getMessage().contains(Long.toString(bad)), e.getMessage());
        }
        assertEquals(512, CacheLayout.checkBlockSize(512));
        assertEquals(65536, CacheLayout.checkBlockSize(65536));
    }

    @Test
    void formatThenOpenRoundTrips() throws CorruptCacheException {
        assertFalse(CacheLayout.isFormatted(pm, 0));
        final CacheLayout f = CacheLayout.format(pm, 0, 4096, 254, 123 * 4096L);
        assertTrue(CacheLayout.isFormatted(pm, 0));
        final CacheLayout o = CacheLayout.open(pm, 0, 4096);
        assertEquals(254, o.blockCount());
        assertEquals(123 * 4096L, o.deviceSize());
        assertEquals(0, o.seqCount());
        assertEquals(f.blockOffset(0), o.blockOffset(0));
        final CacheLayout.Entry e = new CacheLayout.Entry();
        for (int i = 0; i < 254; i++) {
            o.readEntry(i, e);
            assertEquals(CacheLayout.Entry.State.FREE, e.state, "entry " + i);
        }
        o.commit(41);
        assertEquals(41, CacheLayout.open(pm, 0, 0).seqCount());
    }

    @Test
    void openRejectsAMismatchedBlockSizeNamingBoth() {
        CacheLayout.format(pm, 0, 4096, 254, 1 << 20);
        final CorruptCacheException e =
            assertThrows(CorruptCacheException.class, () -> CacheLayout.open(pm, 0, 512));
        assertTrue(e.getMessage().contains("4096") && e.getMessage().contains("512"), e.getMessage());
    }

    @Test
    void everySingleBitFlipOfAnEntryIsDetectedOrReadsAsFree() {
        final CacheLayout l = CacheLayout.format(pm, 0, 4096, 254, 1 << 20);
        l.writeEntry(7, 123456, 99);
        final CacheLayout.Entry e = new CacheLayout.Entry();
        l.readEntry(7, e);
        assertEquals(CacheLayout.Entry.State.USED, e.state);
        assertEquals(123456, e.deviceBlock);
        assertEquals(99, e.seq);
        final long off = l.entryOffset(7);
        for (int bit = 0; bit < 128; bit++) {
            final long word = off + (bit / 64) * 8;
            final long original = pm.getLong(word);
            pm.putLong(word, original ^ (1L << (bit % 64)));
            l.readEntry(7, e);
            assertEquals(CacheLayout.Entry.State.CORRUPT, e.state, "bit " + bit + " flipped went unnoticed");
            pm.putLong(word, original);
        }
    }

    @Test
    void anEntryWithEitherWordFreeIsFree() {
        final CacheLayout l = CacheLayout.format(pm, 0, 4096, 254, 1 << 20);
        final CacheLayout.Entry e = new CacheLayout.Entry();
        l.writeEntry(3, 5, 6);
        pm.putLong(l.entryOffset(3), CacheLayout.FREE);
        l.readEntry(3, e);
        assertEquals(CacheLayout.Entry.State.FREE, e.state, "torn: block word written free first");
        l.writeEntry(3, 5, 6);
        pm.putLong(l.entryOffset(3) + 8, CacheLayout.FREE);
        l.readEntry(3, e);
        assertEquals(CacheLayout.Entry.State.FREE, e.state, "torn: seq word written free first");
    }

    @Test
    void theEntryChecksumCoversTheEntryIndex() {
        final CacheLayout l = CacheLayout.format(pm, 0, 4096, 254, 1 << 20);
        l.writeEntry(10, 77, 3);
        pm.putLong(l.entryOffset(11), pm.getLong(l.entryOffset(10)));
        pm.putLong(l.entryOffset(11) + 8, pm.getLong(l.entryOffset(10) + 8));
        final CacheLayout.Entry e = new CacheLayout.Entry();
        l.readEntry(11, e);
        assertEquals(CacheLayout.Entry.State.CORRUPT, e.state, "an entry copied to the wrong slot must not verify");
    }

    @Test
    void everySingleBitFlipOfTheCommitWordIsDetected() {
        final CacheLayout l = CacheLayout.format(pm, 0, 4096, 254, 1 << 20);
        l.commit(0x1234_5678_9ABL);
        final long off = CacheLayout.COMMIT_WORD_OFFSET;
        final long word = pm.getLong(off);
        for (int bit = 0; bit < 64; bit++) {
            pm.putLong(off, word ^ (1L << bit));
            final int b = bit;
            assertThrows(CorruptCacheException.class, l::seqCount, () -> "bit " + b);
        }
        pm.putLong(off, word);
    }

    @Test
    void everySingleBitFlipOfTheSuperblockFieldsOrItsChecksumIsDetected() {
        CacheLayout.format(pm, 0, 4096, 254, 1 << 20);
        for (int bit = 0; bit < 48 * 8; bit++) {
            final int offset = bit / 8;
            if (offset >= CacheLayout.RESERVED_OFFSET && offset < CacheLayout.SUPERBLOCK_CRC_OFFSET) {
                continue; // reserved bytes, never read
            }
            final long word = offset & ~7;
            final long original = pm.getLong(word);
            pm.putLong(word, original ^ (1L << (bit - word * 8)));
            final int b = bit;
            assertThrows(CorruptCacheException.class, () -> CacheLayout.open(pm, 0, 0), () -> "bit " + b);
            pm.putLong(word, original);
        }
        assertEquals(254, assertDoesNotThrow(() -> CacheLayout.open(pm, 0, 0)).blockCount());
    }

    @Test
    void superblockDamageIsNamed() {
        CacheLayout.format(pm, 0, 4096, 254, 1 << 20);
        pm.putLong(CacheLayout.BLOCK_COUNT_OFFSET, 255);
        final CorruptCacheException crc = assertThrows(CorruptCacheException.class, () -> CacheLayout.open(pm, 0, 0));
        assertTrue(crc.getMessage().contains("superblock checksum"), crc.getMessage());
        pm.putInt(CacheLayout.MAGIC_OFFSET, 0x12345678);
        final CorruptCacheException magic =
            assertThrows(CorruptCacheException.class, () -> CacheLayout.open(pm, 0, 0));
        assertTrue(magic.getMessage().contains("magic"), magic.getMessage());
    }

    @Test
    void crcsAreTheStandardOnes() {
        // CRC-32C of the 16 little-endian bytes 00..0f, and CRC-16/CCITT-FALSE of "123456" read as 48 bits
        // (the same reference algorithm gives the catalogue check value 0x29B1 for "123456789").
        assertEquals(0xD9C908EB, Crc32c.of(0x0706050403020100L, 0x0F0E0D0C0B0A0908L));
        assertEquals(0x2EF4, Crc16.of48(0x313233343536L));
        assertNotEquals(Crc32c.of(1, 2), Crc32c.of(2, 1));
    }
}
