package org.writecache.pmem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The {@link PersistentMemory} contract, run against every implementation by a concrete subclass.
 *
 * <p>The region size is three pages and 200 bytes: not a multiple of the page size, and its last cache line is only
 * 8 bytes long, so that edge handling at the end of a mapping is exercised.
 */
abstract class PersistentMemoryContractTest {
    /** Three pages and 200 bytes: the last cache line is cut short. */
    static final long SIZE = 3 * 4096 + 200;

    /** The region under test, fresh and zero-filled for every test. */
    PersistentMemory memory;

    /** @return a new zero-filled region of {@code size} bytes. */
    abstract PersistentMemory create(long size) throws IOException;

    /** Removes whatever {@link #create} left behind (files); runs after the region is closed. */
    void cleanUp() throws IOException {
        // Nothing by default.
    }

    @BeforeEach
    final void createRegion() throws IOException {
        memory = create(SIZE);
    }

    @AfterEach
    final void closeRegion() throws IOException {
        try {
            memory.close();
        } finally {
            cleanUp();
        }
    }

    private byte[] contents() {
        final byte[] all = new byte[(int) SIZE];
        memory.copyTo(0, all, 0, all.length);
        return all;
    }

    private byte[] bytesAt(final long offset, final int length) {
        final byte[] bytes = new byte[length];
        memory.copyTo(offset, bytes, 0, length);
        return bytes;
    }

    private static byte[] pattern(final int length, final int seed) {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed + 31 * i + 1);
        }
        return bytes;
    }

    @Test
    void sizeIsTheRequestedSizeAndANewRegionIsZero() {
        assertEquals(SIZE, memory.size());
        assertArrayEquals(new byte[(int) SIZE], contents());
        assertFalse(memory.describe().isBlank());
    }

    @Test
    void putLongIsLittleEndianAtAnyOffset() {
        for (final long offset : new long[] {0, 3, 64 - 4, SIZE - 8}) {
            memory.putLong(offset, 0x0102030405060708L);
            assertArrayEquals(new byte[] {8, 7, 6, 5, 4, 3, 2, 1}, bytesAt(offset, 8), "offset " + offset);
            assertEquals(0x0102030405060708L, memory.getLong(offset), "offset " + offset);
        }
    }

    @Test
    void getLongAndGetIntReadLittleEndian() {
        memory.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, (byte) 0x88}, 0, 61, 8);
        assertEquals(0x8807060504030201L, memory.getLong(61));
        assertEquals(0x04030201, memory.getInt(61));
        assertEquals(0x88070605, memory.getInt(65));
    }

    @Test
    void putIntIsLittleEndian() {
        memory.putInt(SIZE - 4, 0xA1B2C3D4);
        assertArrayEquals(new byte[] {(byte) 0xD4, (byte) 0xC3, (byte) 0xB2, (byte) 0xA1}, bytesAt(SIZE - 4, 4));
        assertEquals(0xA1B2C3D4, memory.getInt(SIZE - 4));
        assertEquals(0, memory.getInt(SIZE - 8), "neighbouring bytes untouched");
    }

    @Test
    void atomicLongIsLittleEndianAndSeenByPlainLoads() {
        memory.putLongAtomic(SIZE - 8, 0x1122334455667788L);
        assertEquals(0x1122334455667788L, memory.getLongAtomic(SIZE - 8));
        assertEquals(0x1122334455667788L, memory.getLong(SIZE - 8));
        assertArrayEquals(new byte[] {(byte) 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11}, bytesAt(SIZE - 8, 8));
        memory.putLong(64, -2L);
        assertEquals(-2L, memory.getLongAtomic(64));
    }

    @Test
    void atomicAccessRejectsAMisalignedOffsetAndNamesIt() {
        for (final long offset : new long[] {1, 4, 12, 4099, SIZE - 12}) {
            final IllegalArgumentException put =
                assertThrows(IllegalArgumentException.class, () -> memory.putLongAtomic(offset, 1));
            assertTrue(put.getMessage().contains(Long.toString(offset)), put.getMessage());
            final IllegalArgumentException get =
                assertThrows(IllegalArgumentException.class, () -> memory.getLongAtomic(offset));
            assertTrue(get.getMessage().contains(Long.toString(offset)), get.getMessage());
        }
        assertArrayEquals(new byte[(int) SIZE], contents());
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void copyFromBufferUsesAbsoluteIndexesAndLeavesTheBufferAlone(final BufferKind kind) {
        final byte[] content = pattern(64, 5);
        final ByteBuffer src = kind.holding(content).position(10).limit(60);

        memory.copyFrom(src, 2, 100, 30);
        assertArrayEquals(Arrays.copyOfRange(content, 2, 32), bytesAt(100, 30), "index below the position");
        memory.copyFrom(src, 40, SIZE - 20, 20);
        assertArrayEquals(Arrays.copyOfRange(content, 40, 60), bytesAt(SIZE - 20, 20), "range ending at the limit");

        assertEquals(10, src.position());
        assertEquals(60, src.limit());
        assertEquals(0, memory.getLong(92), "bytes before the copy untouched");
        assertEquals(0, memory.getLong(130), "bytes after the copy untouched");
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void copyToBufferUsesAbsoluteIndexesAndLeavesTheBufferAlone(final BufferKind kind) {
        final byte[] content = pattern(40, 9);
        memory.copyFrom(content, 0, SIZE - 40, 40);
        final ByteBuffer dst = kind.holding(new byte[64]).position(30).limit(50);
        if (kind.readOnly()) {
            assertThrows(ReadOnlyBufferException.class, () -> memory.copyTo(SIZE - 40, dst, 3, 20));
            return;
        }
        memory.copyTo(SIZE - 40, dst, 3, 20);
        memory.copyTo(SIZE - 20, dst, 30, 20);

        final byte[] seen = new byte[64];
        dst.get(0, seen, 0, 50);
        final byte[] expected = new byte[64];
        System.arraycopy(content, 0, expected, 3, 20);
        System.arraycopy(content, 20, expected, 30, 20);
        assertArrayEquals(expected, seen);
        assertEquals(30, dst.position());
        assertEquals(50, dst.limit());
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void bufferRangesAreCheckedAgainstTheLimit(final BufferKind kind) {
        final ByteBuffer buffer = kind.holding(pattern(64, 3)).position(8).limit(48);
        assertThrows(IndexOutOfBoundsException.class, () -> memory.copyFrom(buffer, 40, 0, 9));
        assertThrows(IndexOutOfBoundsException.class, () -> memory.copyFrom(buffer, -1, 0, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> memory.copyFrom(buffer, 0, SIZE - 4, 8));
        assertThrows(IndexOutOfBoundsException.class, () -> memory.copyFrom(buffer, 0, 0, -1));
        if (!kind.readOnly()) {
            assertThrows(IndexOutOfBoundsException.class, () -> memory.copyTo(0, buffer, 41, 8));
            assertThrows(IndexOutOfBoundsException.class, () -> memory.copyTo(SIZE - 4, buffer, 0, 8));
        }
        assertArrayEquals(new byte[(int) SIZE], contents());
        assertEquals(8, buffer.position());
        assertEquals(48, buffer.limit());
    }

    @Test
    void byteArrayCopiesHonourBothIndexes() {
        final byte[] src = pattern(100, 1);
        memory.copyFrom(src, 17, 4093, 50);
        final byte[] dst = new byte[80];
        memory.copyTo(4093, dst, 9, 50);
        assertArrayEquals(Arrays.copyOfRange(src, 17, 67), Arrays.copyOfRange(dst, 9, 59));
        assertArrayEquals(new byte[9], Arrays.copyOfRange(dst, 0, 9));
        assertEquals(0, memory.getLong(4085));
        assertEquals(0, memory.getLong(4143));
    }

    @Test
    void fillSetsExactlyTheRange() {
        memory.fill(100, 300, (byte) 0x5A);
        memory.fill(SIZE - 1, 1, (byte) 7);
        memory.fill(50, 0, (byte) 1);
        final byte[] all = contents();
        for (int i = 0; i < all.length; i++) {
            final byte expected = i >= 100 && i < 400 ? (byte) 0x5A : i == SIZE - 1 ? (byte) 7 : 0;
            assertEquals(expected, all[i], "byte " + i);
        }
    }

    @Test
    void flushFenceAndPersistTakeAnyRangeInsideTheRegion() {
        final byte[] data = pattern((int) SIZE, 77);
        memory.copyFrom(data, 0, 0, data.length);
        final long[][] ranges = {
            {0, SIZE}, {SIZE - 1, 1}, {SIZE - 8, 8}, {SIZE - 100, 100}, {37, 100}, {4090, 10}, {63, 2},
            {0, 0}, {SIZE, 0}, {4096, 4096},
        };
        for (final long[] range : ranges) {
            assertDoesNotThrow(() -> memory.flush(range[0], range[1]), () -> Arrays.toString(range));
            assertDoesNotThrow(() -> memory.persist(range[0], range[1]), () -> Arrays.toString(range));
        }
        memory.fence();
        assertArrayEquals(data, contents());
    }

    @Test
    void crc32cIsTheJdksOfTheBytesInTheRange() {
        final byte[] data = pattern(9000, 5);
        memory.copyFrom(data, 0, 100, data.length);
        for (final int[] range : new int[][] {{100, 9000}, {101, 4096}, {3000, 1}, {0, 0}, {(int) SIZE - 8, 8}}) {
            final java.util.zip.CRC32C expected = new java.util.zip.CRC32C();
            expected.update(contents(), range[0], range[1]);
            assertEquals((int) expected.getValue(), memory.crc32c(range[0], range[1]), Arrays.toString(range));
        }
        memory.copyFrom("123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, 5000, 9);
        assertEquals(0xE3069283, memory.crc32c(5000, 9), "the catalogue check value of CRC-32C");
    }

    @Test
    void everyAccessOutsideTheRegionThrowsIndexOutOfBoundsAndWritesNothing() {
        final byte[] eight = pattern(8, 2);
        final List<Executable> outside = List.of(
            () -> memory.getLong(SIZE - 7), () -> memory.getLong(-1), () -> memory.putLong(SIZE - 4, 1),
            () -> memory.putLong(Long.MAX_VALUE, 1), () -> memory.getInt(SIZE - 3), () -> memory.putInt(-1, 1),
            () -> memory.getLongAtomic(SIZE), () -> memory.putLongAtomic(-8, 1), () -> memory.putLongAtomic(SIZE, 1),
            () -> memory.copyFrom(eight, 0, SIZE - 4, 8), () -> memory.copyFrom(eight, 4, 0, 8),
            () -> memory.copyFrom(eight, -1, 0, 4), () -> memory.copyFrom(eight, 0, 0, -1),
            () -> memory.copyTo(SIZE - 4, new byte[8], 0, 8), () -> memory.copyTo(0, new byte[8], 1, 8),
            () -> memory.fill(SIZE - 1, 2, (byte) 1), () -> memory.fill(0, -1, (byte) 1),
            () -> memory.fill(-1, 2, (byte) 1), () -> memory.flush(SIZE - 1, 2), () -> memory.flush(-1, 1),
            () -> memory.flush(0, -1), () -> memory.flush(SIZE + 64, 1), () -> memory.persist(SIZE, 1),
            () -> memory.crc32c(SIZE - 4, 8), () -> memory.crc32c(-1, 4), () -> memory.crc32c(0, -1));
        for (int i = 0; i < outside.size(); i++) {
            assertThrows(IndexOutOfBoundsException.class, outside.get(i), "case " + i);
        }
        assertArrayEquals(new byte[(int) SIZE], contents());
    }

    @Test
    void closeIsIdempotentAndLaterAccessFailsCleanly() {
        memory.putLong(0, 5);
        memory.close();
        memory.close();
        assertEquals(SIZE, memory.size());
        assertFalse(memory.describe().isBlank());
        memory.fence();
        final List<Executable> accesses = List.of(
            () -> memory.getLong(0), () -> memory.putLong(0, 1), () -> memory.getInt(0), () -> memory.putInt(0, 1),
            () -> memory.getLongAtomic(0), () -> memory.putLongAtomic(0, 1),
            () -> memory.copyFrom(new byte[8], 0, 0, 8), () -> memory.copyTo(0, new byte[8], 0, 8),
            () -> memory.copyFrom(ByteBuffer.allocate(8), 0, 0, 8), () -> memory.copyTo(0, ByteBuffer.allocate(8), 0, 8),
            () -> memory.fill(0, 8, (byte) 1), () -> memory.flush(0, 8), () -> memory.crc32c(0, 8));
        for (int i = 0; i < accesses.size(); i++) {
            assertThrows(IllegalStateException.class, accesses.get(i), "case " + i);
        }
    }

    @Test
    void threadsWritingDisjointRangesDoNotDisturbEachOther() throws Exception {
        final int threads = 2;
        final long slice = (SIZE / threads) & -8;
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            final CountDownLatch start = new CountDownLatch(1);
            final Future<?>[] done = new Future<?>[threads];
            for (int t = 0; t < threads; t++) {
                final long base = t * slice;
                final long tag = (t + 1L) << 56;
                done[t] = pool.submit(() -> {
                    start.await();
                    for (int round = 0; round < 200; round++) {
                        for (long o = base; o < base + slice; o += 8) {
                            memory.putLongAtomic(o, tag | (long) round << 32 | o);
                        }
                    }
                    return null;
                });
            }
            start.countDown();
            for (final Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        for (int t = 0; t < threads; t++) {
            for (long o = t * slice; o < (t + 1) * slice; o += 8) {
                assertEquals((t + 1L) << 56 | 199L << 32 | o, memory.getLong(o), "offset " + o);
            }
        }
    }
}
