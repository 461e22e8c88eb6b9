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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
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
        assertEquals(4096, CacheLayout.dataOffset(1, 4096, DataChecksum.NONE));
        assertEquals(8192, CacheLayout.dataOffset(253, 4096, DataChecksum.NONE), "64 + 16 * 253 = 4112 -> 8192");
        assertEquals(8192, CacheLayout.dataOffset(169, 4096, DataChecksum.CRC32C), "64 + 24 * 169 = 4120 -> 8192");
        assertEquals(4096, CacheLayout.dataOffset(168, 4096, DataChecksum.CRC32C), "64 + 24 * 168 = 4096 exactly");
        final long n = CacheLayout.blocksThatFit(1 << 20, 4096, DataChecksum.NONE);
        assertEquals(254, n);
        assertTrue(CacheLayout.regionSize(n, 4096, DataChecksum.NONE) <= 1 << 20);
        assertTrue(CacheLayout.regionSize(n + 1, 4096, DataChecksum.NONE) > 1 << 20);
        assertEquals(254, CacheLayout.blocksThatFit(1 << 20, 4096, DataChecksum.CRC32C), "24-byte entries fit too");
        assertEquals(1985, CacheLayout.blocksThatFit(1 << 20, 512, DataChecksum.NONE), "63 blocks of metadata");
        assertEquals(1956, CacheLayout.blocksThatFit(1 << 20, 512, DataChecksum.CRC32C), "92 blocks of metadata");
        for (final DataChecksum c : DataChecksum.values()) {
            final long fit = CacheLayout.blocksThatFit(1 << 20, 512, c);
            assertTrue(CacheLayout.regionSize(fit, 512, c) <= 1 << 20 && CacheLayout.regionSize(fit + 1, 512, c) > 1 << 20);
            assertEquals(0, CacheLayout.blocksThatFit(4096, 4096, c), "a block needs room for its metadata too");
        }
        assertEquals(CacheLayout.regionSize(10, 512, DataChecksum.DEFAULT), CacheLayout.regionSize(10, 512));
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

    @ParameterizedTest
    @EnumSource(DataChecksum.class)
    void formatThenOpenRoundTripsAndRecordsTheVersion(final DataChecksum c) throws CorruptCacheException {
        assertFalse(CacheLayout.isFormatted(pm, 0));
        final int n = (int) CacheLayout.blocksThatFit(1 << 20, 4096, c);
        final CacheLayout f = CacheLayout.format(pm, 0, 4096, n, 123 * 4096L, c);
        assertTrue(CacheLayout.isFormatted(pm, 0));
        final CacheLayout o = CacheLayout.open(pm, 0, 4096);
        assertEquals(n, o.blockCount());
        assertEquals(c, o.dataChecksum());
        assertEquals(c == DataChecksum.NONE ? 1 : 2, o.version());
        assertEquals(c.flags(), pm.getInt(CacheLayout.FLAGS_OFFSET));
        assertEquals(c.entrySize(), o.entrySize());
        assertEquals(123 * 4096L, o.deviceSize());
        assertEquals(0, o.seqCount());
        assertEquals(f.blockOffset(0), o.blockOffset(0));
        final CacheLayout.Entry e = new CacheLayout.Entry();
        for (int i = 0; i < n; i++) {
            o.readEntry(i, e);
            assertEquals(CacheLayout.Entry.State.FREE, e.state, "entry " + i);
        }
        o.commit(41);
        assertEquals(41, CacheLayout.open(pm, 0, 0).seqCount());
    }

    @Test
    void openRejectsAMismatchedBlockSizeNamingBoth() {
        CacheLayout.format(pm, 0, 4096, 254, 1 << 20, DataChecksum.DEFAULT);
        final CorruptCacheException e =
            assertThrows(CorruptCacheException.class, () -> CacheLayout.open(pm, 0, 512));
        assertTrue(e.getMessage().contains("4096") && e.getMessage().contains("512"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(DataChecksum.class)
    void everySingleBitFlipOfAnEntryIsDetectedOrReadsAsFree(final DataChecksum c) {
        final CacheLayout l = CacheLayout.format(pm, 0, 4096, 200, 1 << 20, c);
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
    void everySingleBitFlipOfTheDataChecksumWordIsDetected() {
        final CacheLayout l = CacheLayout.format(pm, 0, 4096, 200, 1 << 20, DataChecksum.CRC32C);
        pm.fill(l.blockOffset(7), 4096, (byte) 0x5A);
        l.writeEntry(7, 123456, 99);
        l.writeDataCrc(7, 123456, 99, l.dataCrc(7));
        assertEquals(l.dataCrc(7) & 0xFFFFFFFFL, l.storedDataCrc(7));
        final long word = l.entryOffset(7) + CacheLayout.DATA_CRC_WORD;
        final long original = pm.getLong(word);
        for (int bit = 0; bit < 64; bit++) {
            pm.putLong(word, original ^ (1L << bit));
            assertEquals(-1, l.storedDataCrc(7), "bit " + bit + " of the data checksum word flipped went unnoticed");
        }
        pm.putLong(word, original);
        pm.putLong(l.entryOffset(7), CacheLayout.FREE);
        assertEquals(-1, l.storedDataCrc(7), "a free entry has no data checksum");
    }

    @Test
    void theDataChecksumWordIsBoundToItsEntry() {
        final CacheLayout l = CacheLayout.format(pm, 0, 4096, 200, 1 << 20, DataChecksum.CRC32C);
        l.writeEntry(3, 50, 7);
        l.writeDataCrc(3, 50, 7, 0x1234_5678);
        assertEquals(0x1234_5678, l.storedDataCrc(3));
        l.writeEntry(4, 50, 7);
        pm.putLong(l.entryOffset(4) + CacheLayout.DATA_CRC_WORD, pm.getLong(l.entryOffset(3) + CacheLayout.DATA_CRC_WORD));
        assertEquals(-1, l.storedDataCrc(4), "another entry's checksum word must not verify");
        l.writeEntry(3, 50, 8);
        assertEquals(-1, l.storedDataCrc(3), "a checksum word left from an earlier seq must not verify");
        l.writeEntry(3, 51, 7);
        assertEquals(-1, l.storedDataCrc(3), "nor one of another device block");
    }

    @ParameterizedTest
    @EnumSource(DataChecksum.class)
    void anEntryWithEitherWordFreeIsFree(final DataChecksum c) {
        final CacheLayout l = CacheLayout.format(pm, 0, 4096, 200, 1 << 20, c);
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

    @ParameterizedTest
    @EnumSource(DataChecksum.class)
    void theEntryChecksumCoversTheEntryIndex(final DataChecksum c) {
        final CacheLayout l = CacheLayout.format(pm, 0, 4096, 200, 1 << 20, c);
        l.writeEntry(10, 77, 3);
        pm.putLong(l.entryOffset(11), pm.getLong(l.entryOffset(10)));
        pm.putLong(l.entryOffset(11) + 8, pm.getLong(l.entryOffset(10) + 8));
        final CacheLayout.Entry e = new CacheLayout.Entry();
        l.readEntry(11, e);
        assertEquals(CacheLayout.Entry.State.CORRUPT, e.state, "an entry copied to the wrong slot must not verify");
    }

    @Test
    void everySingleBitFlipOfTheCommitWordIsDetected() {
        final CacheLayout l = CacheLayout.format(pm, 0, 4096, 200, 1 << 20, DataChecksum.DEFAULT);
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

    /** Every bit of the superblock, reserved words included, is either checked or covered by a checksum. */
    @ParameterizedTest
    @EnumSource(DataChecksum.class)
    void everySingleBitFlipOfTheSuperblockIsDetected(final DataChecksum c) {
        CacheLayout.format(pm, 0, 4096, 200, 1 << 20, c);
        for (int bit = 0; bit < CacheLayout.SUPERBLOCK_SIZE * 8; bit++) {
            final long word = (bit / 8) & ~7;
            final long original = pm.getLong(word);
            pm.putLong(word, original ^ (1L << (bit - word * 8)));
            final int b = bit;
            assertThrows(CorruptCacheException.class, () -> CacheLayout.open(pm, 0, 0), () -> "bit " + b);
            pm.putLong(word, original);
        }
        assertEquals(200, assertDoesNotThrow(() -> CacheLayout.open(pm, 0, 0)).blockCount());
    }

    /** Rewrites the superblock checksum, so that only the field changed is wrong. */
    private void reseal() {
        pm.putInt(CacheLayout.SUPERBLOCK_CRC_OFFSET, CacheLayout.superblockCrc(pm, 0, CacheLayout.MAGIC));
    }

    private void assertRefused(final String... expected) {
        final CorruptCacheException e = assertThrows(CorruptCacheException.class, () -> CacheLayout.open(pm, 0, 0));
        for (final String s : expected) {
            assertTrue(e.getMessage().contains(s), "expected '" + s + "' in: " + e.getMessage());
        }
    }

    @Test
    void unknownFlagsAndNonZeroReservedWordsAreRefusedByName() {
        CacheLayout.format(pm, 0, 4096, 200, 1 << 20, DataChecksum.CRC32C);
        pm.putInt(CacheLayout.FLAGS_OFFSET, 0x81);
        reseal();
        assertRefused("flags", "offset 12", "0x00000080", "unknown");
        pm.putInt(CacheLayout.FLAGS_OFFSET, 0);
        reseal();
        assertRefused("flags", "offset 12", "version 2 requires 0x00000001");
        pm.putInt(CacheLayout.FLAGS_OFFSET, 1);
        reseal();
        pm.putInt(CacheLayout.RESERVED_OFFSET, 0x100);
        assertRefused("reserved word at offset 40", "0x00000100");
        pm.putInt(CacheLayout.RESERVED_OFFSET, 0);
        pm.putLong(CacheLayout.RESERVED_2_OFFSET, 1L << 60);
        assertRefused("reserved word at offset 56", "0x1000000000000000");
        pm.putLong(CacheLayout.RESERVED_2_OFFSET, 0);
        assertDoesNotThrow(() -> CacheLayout.open(pm, 0, 0));

        CacheLayout.format(pm, 0, 4096, 200, 1 << 20, DataChecksum.NONE);
        pm.putInt(CacheLayout.FLAGS_OFFSET, CacheLayout.FLAG_DATA_CRC32C);
        reseal();
        assertRefused("flags", "0x00000001", "unknown to format version 1");
        pm.putInt(CacheLayout.FLAGS_OFFSET, 0);
        pm.putInt(CacheLayout.VERSION_OFFSET, 3);
        reseal();
        assertRefused("unsupported format version 3", "versions 1 to 2");
    }

    @Test
    void superblockDamageIsNamed() {
        CacheLayout.format(pm, 0, 4096, 254, 1 << 20, DataChecksum.DEFAULT);
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
        assertEquals(Crc32c.of(new long[] {1, 2, 3}), Crc32c.of(1, 2, 3));
    }
}
