package org.writecache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Byte-granular reads and writes over a block cache, against a byte-array model of the device. */
class UnalignedAccessTest {
    private static final int BS = 4096;
    private static final int REGION = 64 * BS;

    @RegisterExtension
    final TestFiles files = new TestFiles();

    private WriteCache cache() throws IOException {
        return WriteCache.format(WriteCacheConfig.builder()
            .cacheFile(files.cacheFile()).cacheSize(2L << 20)
            .backingFile(files.backingFile()).backingSize(REGION)
            .background(false).build());
    }

    private static byte[] pattern(final int seed, final int length) {
        final byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] read(final UnalignedAccess io, final long offset, final int length) throws IOException {
        final ByteBuffer dst = ByteBuffer.allocate(length);
        io.read(offset, dst);
        assertEquals(length, dst.position(), "the read fills dst");
        return dst.array();
    }

    /** Writes {@code data} at {@code offset} through io and into the model, then checks the whole region. */
    private static void writeAndCheck(final UnalignedAccess io, final byte[] model, final int offset,
                                      final byte[] data, final String what) throws IOException {
        final ByteBuffer src = ByteBuffer.wrap(data);
        io.write(offset, src, false);
        assertEquals(data.length, src.position(), what + ": the write consumes src");
        System.arraycopy(data, 0, model, offset, data.length);
        assertArrayEquals(model, read(io, 0, REGION), what);
    }

    @Test
    void partialBlocksAreReadModifiedAndWrittenWithoutTouchingTheirNeighbours() throws IOException {
        try (WriteCache c = cache()) {
            final UnalignedAccess io = new UnalignedAccess(c);
            final byte[] model = pattern(1, REGION);
            c.write(0, ByteBuffer.wrap(model.clone()), false);
            writeAndCheck(io, model, 3 * BS + 100, pattern(2, 500), "inside one block");
            writeAndCheck(io, model, 5 * BS + 4000, pattern(3, 200), "across two partial blocks");
            writeAndCheck(io, model, 7 * BS + 1, pattern(4, 3 * BS), "unaligned head and tail around whole blocks");
            writeAndCheck(io, model, 12 * BS, pattern(5, 2 * BS + 7), "aligned head, partial tail");
            writeAndCheck(io, model, 16 * BS - 9, pattern(6, 9 + 2 * BS), "partial head, aligned tail");
            writeAndCheck(io, model, 20 * BS, pattern(7, 3 * BS), "whole blocks");
            writeAndCheck(io, model, REGION - 1, pattern(8, 1), "the last byte of the device");
            writeAndCheck(io, model, 30 * BS + 5, new byte[0], "nothing");
            assertArrayEquals(Arrays.copyOfRange(model, 7 * BS + 3, 7 * BS + 3 + 10), read(io, 7 * BS + 3, 10));
            assertArrayEquals(Arrays.copyOfRange(model, BS - 1, 3 * BS + 1), read(io, BS - 1, 2 * BS + 2));
        }
    }

    @Test
    void randomReadsWritesAndZeroesMatchAModel() throws IOException {
        final long seed = System.nanoTime();
        final Random rnd = new Random(seed);
        final byte[] model = new byte[REGION];
        try (WriteCache c = cache()) {
            final UnalignedAccess io = new UnalignedAccess(c);
            for (int i = 0; i < 400; i++) {
                final int off = rnd.nextInt(REGION - 1);
                final int len = 1 + rnd.nextInt(Math.min(REGION - off, 3 * BS + 100));
                switch (rnd.nextInt(3)) {
                    case 0 -> {
                        final byte[] data = pattern(rnd.nextInt(), len);
                        io.write(off, ByteBuffer.wrap(data), rnd.nextBoolean());
                        System.arraycopy(data, 0, model, off, len);
                    }
                    case 1 -> {
                        io.writeZeroes(off, len, rnd.nextBoolean());
                        Arrays.fill(model, off, off + len, (byte) 0);
                    }
                    default -> assertArrayEquals(Arrays.copyOfRange(model, off, off + len), read(io, off, len),
                        "seed " + seed + " op " + i + " read " + off + "+" + len);
                }
            }
            assertArrayEquals(model, read(io, 0, REGION), "seed " + seed + ": the whole region at the end");
        }
    }

    @Test
    void zeroesOverManyChunksAndFuaCommits() throws IOException {
        try (WriteCache c = cache()) {
            final UnalignedAccess io = new UnalignedAccess(c);
            final byte[] model = pattern(9, REGION);
            c.write(0, ByteBuffer.wrap(model.clone()), false);
            io.writeZeroes(100, REGION - 200, true);
            Arrays.fill(model, 100, REGION - 100, (byte) 0);
            assertArrayEquals(model, read(io, 0, REGION));
            assertEquals(0, c.status().uncommittedBlocks(), "fua commits");
            io.write(BS + 3, ByteBuffer.wrap(pattern(10, 5)), true);
            assertEquals(0, c.status().uncommittedBlocks(), "a fua partial write commits");
        }
    }

    @Test
    void rangesOutsideTheDeviceAreRefusedAndWriteNothing() throws IOException {
        try (WriteCache c = cache()) {
            final UnalignedAccess io = new UnalignedAccess(c);
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> io.write(REGION - 10, ByteBuffer.allocate(11), false));
            assertTrue(e.getMessage().contains("outside the device of " + REGION), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> io.read(-1, ByteBuffer.allocate(1)));
            assertThrows(IllegalArgumentException.class, () -> io.writeZeroes(10, REGION, false));
            assertEquals(0, c.status().writes(), "nothing was written");
        }
    }

    /**
     * Writers of disjoint 512-byte sectors that share 4 KiB blocks: each partial write is a read-modify-write of
     * its block, so without mutual exclusion one writer's sector is lost when another rewrites the block. An aligned
     * writer of other blocks runs beside them.
     */
    @Test
    void concurrentPartialWritesToOneBlockKeepEverySector() throws Exception {
        final int writers = 4;
        final int blocks = 32;
        final int rounds = 20;
        try (WriteCache c = cache()) {
            final UnalignedAccess io = new UnalignedAccess(c);
            final CountDownLatch go = new CountDownLatch(1);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final List<Thread> threads = new ArrayList<>();
            for (int w = 0; w <= writers; w++) {
                final int writer = w;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                        for (int round = 1; round <= rounds; round++) {
                            for (int b = 0; b < blocks; b++) {
                                if (writer == writers) {
                                    final byte[] whole = new byte[BS];
                                    Arrays.fill(whole, (byte) round);
                                    io.write((long) (blocks + b) * BS, ByteBuffer.wrap(whole), false);
                                    continue;
                                }
                                final byte[] sector = new byte[512];
                                Arrays.fill(sector, (byte) (round * 8 + writer));
                                io.write((long) b * BS + writer * 1024L, ByteBuffer.wrap(sector), false);
                            }
                        }
                    } catch (final Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                }));
            }
            go.countDown();
            for (final Thread t : threads) {
                t.join();
            }
            if (failure.get() != null) {
                throw new AssertionError("writer failed", failure.get());
            }
            final byte[] expected = new byte[BS];
            for (int w = 0; w < writers; w++) {
                Arrays.fill(expected, w * 1024, w * 1024 + 512, (byte) (rounds * 8 + w));
            }
            final byte[] whole = new byte[BS];
            Arrays.fill(whole, (byte) rounds);
            for (int b = 0; b < blocks; b++) {
                assertArrayEquals(expected, read(io, (long) b * BS, BS), "block " + b);
                assertArrayEquals(whole, read(io, (long) (blocks + b) * BS, BS), "aligned block " + (blocks + b));
            }
        }
    }
}
