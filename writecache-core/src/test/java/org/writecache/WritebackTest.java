package org.writecache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.writecache.WriteCacheTest.block;
import static org.writecache.WriteCacheTest.read;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.writecache.pmem.FlushPolicy;
import org.writecache.pmem.MappedPersistentMemory;

/**
 * Writeback: watermarks, sorting and coalescing, the jobs bound, a cache smaller than the writes. On a backing file
 * here; writecache-nbd runs the same tests on NBD exports by overriding {@link #newBacking}.
 */
class WritebackTest {
    private static final int BS = 4096;

    @RegisterExtension
    final TestFiles files = new TestFiles();
    @RegisterExtension
    final TestBackings backings = new TestBackings(this::newBacking);

    /** The storage behind this test's caches: a file here. */
    TestBacking newBacking(final Path file, final long size) throws IOException {
        return TestBacking.file(file);
    }

    private WriteCacheConfig.Builder config() {
        return WriteCacheConfig.builder()
            .cacheFile(files.cacheFile()).cacheSize(1 << 20)
            .backingFile(files.backingFile()).backingSize(4L << 20)
            .background(false);
    }

    private RecordingDevice device(final WriteCacheConfig cfg) throws IOException {
        return new RecordingDevice(backings.device(cfg));
    }

    private static WriteCache format(final WriteCacheConfig cfg, final BlockDevice dev) throws IOException {
        return WriteCache.format(cfg, MappedPersistentMemory.create(cfg.cacheFile(), cfg.cacheSize(),
            FlushPolicy.AUTO, false), dev);
    }

    @Test
    void writebackRunsFromTheHighWatermarkDownToTheLowOne() throws IOException {
        final WriteCacheConfig cfg = config().build();
        final RecordingDevice dev = device(cfg);
        try (WriteCache c = format(cfg, dev)) {
            final int n = c.cacheBlocks();
            final int high = n / 2;
            for (int i = 0; i < high; i++) {
                c.write((long) i * BS, ByteBuffer.wrap(block(i)), false);
            }
            c.flush();
            assertEquals(0, c.doWork(), "at exactly 50% nothing is due");
            c.write((long) high * BS, ByteBuffer.wrap(block(high)), true);
            final int low = 45 * n / 100;
            assertEquals(high + 1 - low, c.doWork(), "down to the low watermark in one batch");
            assertEquals(n - low, c.status().freeBlocks());
            assertEquals(0, c.doWork(), "below the low watermark writeback stops");
            assertEquals(1, dev.writes.size(), "contiguous oldest blocks coalesce into one write");
            assertEquals(1, dev.syncs, "one sync for the batch before any block is freed");
            for (int i = 0; i <= high; i++) {
                assertArrayEquals(block(i), read(c, (long) i * BS, BS), "block " + i);
            }
        }
    }

    @Test
    void writebackIsSortedByDeviceBlockAndCoalesced() throws IOException {
        final WriteCacheConfig cfg = config().build();
        final RecordingDevice dev = device(cfg);
        final List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            order.add(i < 20 ? i : 100 + i);
        }
        Collections.shuffle(order, new Random(7));
        try (WriteCache c = format(cfg, dev)) {
            for (final int b : order) {
                c.write((long) b * BS, ByteBuffer.wrap(block(b)), false);
            }
            assertEquals(40, c.writeback());
            assertEquals(0, c.status().dirtyBlocks());
            assertEquals(2, dev.writes.size(), "two contiguous runs: 0..19 and 120..139");
            assertEquals(0, dev.writes.get(0)[0]);
            assertEquals(20L * BS, dev.writes.get(0)[1]);
            assertEquals(120L * BS, dev.writes.get(1)[0]);
            for (final int b : order) {
                assertArrayEquals(block(b), read(c, (long) b * BS, BS));
            }
        }
    }

    @Test
    void writebackOfACleanCacheTouchesNothing() throws IOException {
        final WriteCacheConfig cfg = config().build();
        final RecordingDevice dev = device(cfg);
        try (WriteCache c = format(cfg, dev)) {
            assertEquals(0, c.writeback());
            assertEquals(0, dev.writes.size());
            assertEquals(0, dev.syncs);
        }
    }

    @Test
    void batchesNeverHoldMoreThanTheConfiguredJobs() throws IOException {
        final WriteCacheConfig cfg = config().writebackJobs(8).build();
        final RecordingDevice dev = device(cfg);
        try (WriteCache c = format(cfg, dev)) {
            for (int i = 0; i < 50; i++) {
                c.write((long) i * BS, ByteBuffer.wrap(block(i)), false);
            }
            assertEquals(50, c.writeback());
            for (final long[] w : dev.writes) {
                assertTrue(w[1] <= 8L * BS, "a write of " + w[1] + " bytes exceeds 8 jobs");
            }
            assertEquals(7, dev.syncs, "ceil(50 / 8) batches, each synced");
        }
    }

    @Test
    void aCacheSmallerThanTheWritesKeepsEveryWriteThroughWriteback() throws IOException {
        final WriteCacheConfig cfg = config().background(true).build();
        try (WriteCache c = format(cfg, backings.device(cfg))) {
            final int blocks = 3 * c.cacheBlocks();
            for (int i = 0; i < blocks; i++) {
                c.write((long) i * BS, ByteBuffer.wrap(block(i)), i % 10 == 0);
            }
            for (int i = 0; i < blocks; i++) {
                assertArrayEquals(block(i), read(c, (long) i * BS, BS), "block " + i);
            }
            assertTrue(c.status().blocksWrittenBack() >= blocks - c.cacheBlocks());
        }
    }
}
