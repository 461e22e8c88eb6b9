package org.writecache.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

/** Byte-granular reads and writes over a block cache, against a byte-array model of the device. */
class NbdExportTest {
    private static final int REGION = 256 << 10;

    @Test
    void unalignedReadsWritesAndZeroesMatchAModel() throws IOException {
        final long seed = System.nanoTime();
        final Random rnd = new Random(seed);
        final byte[] model = new byte[REGION];
        try (NbdFixture fx = NbdFixture.unix()) {
            final NbdExport export = fx.export;
            for (int i = 0; i < 400; i++) {
                final int off = rnd.nextInt(REGION - 1);
                final int len = 1 + rnd.nextInt(Math.min(REGION - off, 3 * 4096 + 100));
                switch (rnd.nextInt(3)) {
                    case 0 -> {
                        final byte[] data = new byte[len];
                        rnd.nextBytes(data);
                        export.write(off, ByteBuffer.wrap(data), rnd.nextBoolean());
                        System.arraycopy(data, 0, model, off, len);
                    }
                    case 1 -> {
                        export.writeZeroes(off, len, rnd.nextBoolean());
                        java.util.Arrays.fill(model, off, off + len, (byte) 0);
                    }
                    default -> {
                        final ByteBuffer dst = ByteBuffer.allocate(len);
                        export.read(off, dst);
                        final byte[] expected = java.util.Arrays.copyOfRange(model, off, off + len);
                        assertArrayEquals(expected, dst.array(), "seed " + seed + " op " + i + " read " + off + "+"
                            + len);
                    }
                }
            }
            final ByteBuffer all = ByteBuffer.allocate(REGION);
            export.read(0, all);
            assertArrayEquals(model, all.array(), "seed " + seed + ": the whole region at the end");
        }
    }

    /**
     * Writers of disjoint 512-byte sectors that share 4 KiB blocks: each partial write is a read-modify-write of
     * its block, so without mutual exclusion one writer's sector is lost when another rewrites the block.
     */
    @Test
    void concurrentPartialWritesToOneBlockKeepEverySector() throws Exception {
        final int writers = 4;
        final int blocks = 64;
        try (NbdFixture fx = NbdFixture.unix()) {
            final CountDownLatch go = new CountDownLatch(1);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                final int writer = w;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                        for (int round = 1; round <= 20; round++) {
                            for (int b = 0; b < blocks; b++) {
                                final byte[] sector = new byte[512];
                                java.util.Arrays.fill(sector, (byte) (round * 8 + writer));
                                fx.export.write((long) b * 4096 + writer * 1024L, ByteBuffer.wrap(sector), false);
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
            final byte[] expected = new byte[4096];
            for (int w = 0; w < writers; w++) {
                java.util.Arrays.fill(expected, w * 1024, w * 1024 + 512, (byte) (20 * 8 + w));
            }
            for (int b = 0; b < blocks; b++) {
                final ByteBuffer dst = ByteBuffer.allocate(4096);
                fx.export.read((long) b * 4096, dst);
                assertArrayEquals(expected, dst.array(), "block " + b);
            }
        }
    }
}
