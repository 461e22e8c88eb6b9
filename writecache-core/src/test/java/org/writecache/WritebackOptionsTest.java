package org.writecache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.management.ObjectName;

import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.writecache.format.CacheLayout;
import org.writecache.pmem.FlushPolicy;
import org.writecache.pmem.MappedPersistentMemory;
import org.writecache.stats.Counter;
import org.writecache.stats.CountersFile;
import org.writecache.stats.Gauge;
import org.writecache.writeback.WritebackPipeline;

/**
 * Writeback options and messages: flush, jobs bound, errors, max age, cleaner, pause, flush on close, status. On a
 * backing file here; writecache-nbd runs the same tests on NBD exports by overriding {@link #newBacking}.
 */
class WritebackOptionsTest {
    private static final int BS = 4096;

    @RegisterExtension
    final TestFiles files = new TestFiles();
    @RegisterExtension
    final TestBackings backings = new TestBackings(this::newBacking);
    private final CachedNanoClock clock = new CachedNanoClock();
    private CountingDevice device;

    private WriteCacheConfig.Builder config() {
        return WriteCacheConfig.builder()
            .cacheFile(files.cacheFile()).cacheSize(1 << 20)
            .backingFile(files.backingFile()).backingSize(4L << 20)
            .background(false).clock(clock);
    }

    private WriteCache format(final WriteCacheConfig c) throws IOException {
        device = new CountingDevice(backings.device(c));
        return WriteCache.format(c, MappedPersistentMemory.create(c.cacheFile(), c.cacheSize(), FlushPolicy.AUTO,
            false), device);
    }

    private static void write(final WriteCache c, final int block, final int seed) throws IOException {
        c.write((long) block * BS, ByteBuffer.wrap(WriteCacheTest.block(seed)), false);
    }

    /** The storage behind this test's caches: a file here. */
    TestBacking newBacking(final Path file, final long size) throws IOException {
        return TestBacking.file(file);
    }

    private WriteCache open(final WriteCacheConfig c) throws IOException {
        device = new CountingDevice(backings.device(c));
        return WriteCache.open(c, MappedPersistentMemory.open(c.cacheFile(), FlushPolicy.AUTO, false), device);
    }

    private byte[] backing(final WriteCacheConfig c, final int block) throws IOException {
        return backings.of(c).read((long) block * BS, BS);
    }

    private void advanceMillis(final long ms) {
        clock.advance(TimeUnit.MILLISECONDS.toNanos(ms));
    }

    @ParameterizedTest
    @MethodSource("org.writecache.Pipelines#available")
    void flushOfACleanCacheTouchesNothingAndReportsProgressOtherwise(final WritebackPipeline.Kind kind)
        throws IOException {
        try (WriteCache c = format(config().writebackPipeline(kind).build())) {
            final List<long[]> reports = new ArrayList<>();
            assertEquals(0, c.writeback((left, bytes, done, rate) -> reports.add(new long[] {left, bytes, done})));
            assertEquals(0, device.calls(), "a clean flush must not touch the backing device");
            assertTrue(reports.isEmpty());
            for (int i = 0; i < 20; i++) {
                write(c, i, i);
            }
            assertEquals(20, c.writeback((left, bytes, done, rate) -> reports.add(new long[] {left, bytes, done})));
            final long[] last = reports.getLast();
            assertArrayEquals(new long[] {0, 0, 20}, last);
            final int calls = device.calls();
            assertEquals(0, c.writeback());
            assertEquals(calls, device.calls(), "a second flush finds the cache clean");
        }
    }

    @ParameterizedTest
    @MethodSource("org.writecache.Pipelines#available")
    void writebackNeverHasMoreThanJobsBlocksInFlight(final WritebackPipeline.Kind kind) throws IOException {
        final WriteCacheConfig cfg = config().writebackJobs(8).writebackPipeline(kind).build();
        try (WriteCache c = format(cfg)) {
            for (int i = 0; i < 50; i++) {
                write(c, i == 20 ? 70 : i, i + 1);
            }
            assertEquals(50, c.writeback());
            assertTrue(device.maxUnsynced.get() <= 8L * BS, "bytes written before a sync: " + device.maxUnsynced);
            assertTrue(device.maxWrite.get() <= 8L * BS, "largest write: " + device.maxWrite);
            assertTrue(device.syncs.get() >= 7, "syncs: " + device.syncs);
            for (int i = 0; i < 50; i++) {
                final int at = i == 20 ? 70 : i;
                assertArrayEquals(WriteCacheTest.block(i + 1), backing(cfg, at), kind + " block " + at);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("org.writecache.Pipelines#available")
    void aFailingBackingWriteEndsTheFlushNamingTheRange(final WritebackPipeline.Kind kind) throws IOException {
        try (WriteCache c = format(config().writebackPipeline(kind).build())) {
            for (int i = 10; i < 13; i++) {
                write(c, i, i);
            }
            device.failAtOrAbove = 11L * BS;
            final WriteCacheException e = assertThrows(WriteCacheException.class, c::writeback);
            assertTrue(e.getMessage().contains("bytes [40960, 53248)") && e.getMessage().contains("sectors 80 to 103"),
                e.getMessage());
            assertEquals(5, c.status().error());
            assertEquals(3, c.status().dirtyBlocks(), "nothing was freed");
        }
    }

    @Test
    void maxAgeWritesBackOnlyBlocksOlderThanIt() throws IOException {
        final WriteCacheConfig cfg = config().maxAge(Duration.ofMillis(1600)).build();
        try (WriteCache c = format(cfg)) {
            for (int i = 0; i < 3; i++) {
                write(c, i, i);
            }
            c.flush();
            assertEquals(0, c.doWork(), "young blocks below the watermark stay");
            advanceMillis(1000);
            write(c, 3, 3);
            c.flush();
            assertEquals(0, c.doWork());
            advanceMillis(700);
            assertEquals(3, c.doWork(), "the three blocks written 1.7 s ago are older than 1.6 s");
            assertEquals(1, c.status().dirtyBlocks());
            assertEquals(0, c.doWork());
            advanceMillis(1000);
            assertEquals(1, c.doWork());
            final double withAges = c.metadataBytesPerBlock();
            try (WriteCache plain = format(config().build())) {
                assertEquals(4.0, withAges - plain.metadataBytesPerBlock(), 1e-9, "max age costs 4 bytes a block");
            }
        }
    }

    @Test
    void cleanerWritesAroundAndLeavesNoStaleCachedCopy() throws IOException {
        final WriteCacheConfig cfg = config().build();
        try (WriteCache c = format(cfg)) {
            write(c, 5, 50);
            c.flush();
            write(c, 6, 60);
            write(c, 9, 90);
            c.cleaner(true);
            assertTrue(c.status().cleaner());
            write(c, 5, 51);
            write(c, 6, 61);
            write(c, 7, 71);
            assertEquals(3, c.status().writesAround());
            assertEquals(1, c.status().dirtyBlocks(), "only block 9 is still cached");
            for (final int b : new int[] {5, 6, 7}) {
                assertArrayEquals(WriteCacheTest.block(b * 10 + 1), WriteCacheTest.read(c, (long) b * BS, BS));
                assertArrayEquals(WriteCacheTest.block(b * 10 + 1), backing(cfg, b));
            }
            assertEquals(1, c.doWork(), "cleaner writes everything back");
            assertEquals(0, c.status().dirtyBlocks());
        }
        try (WriteCache c = open(cfg)) {
            assertEquals(0, c.status().dirtyBlocks());
            assertArrayEquals(WriteCacheTest.block(51), WriteCacheTest.read(c, 5L * BS, BS), "no stale copy returns");
            assertArrayEquals(WriteCacheTest.block(90), WriteCacheTest.read(c, 9L * BS, BS));
        }
    }

    @Test
    void pauseHoldsWritebackOffWhileWritesComeIn() throws IOException {
        final WriteCacheConfig cfg = config().highWatermark(10).lowWatermark(5).pause(Duration.ofSeconds(3)).build();
        try (WriteCache c = format(cfg)) {
            final int n = (int) (c.status().blocks() / 5);
            for (int i = 0; i < n; i++) {
                write(c, i, i);
            }
            c.flush();
            assertEquals(0, c.doWork(), "paused: the last write was just now");
            advanceMillis(2999);
            assertEquals(0, c.doWork());
            advanceMillis(1);
            assertTrue(c.doWork() > 0, "pause over: above the high watermark, writeback runs");
        }
    }

    @Test
    void reopenReportsTheExactDirtyCountOrNoneAfterFlushOnClose() throws IOException {
        final WriteCacheConfig cfg = config().build();
        try (WriteCache c = format(cfg)) {
            for (int i = 0; i < 7; i++) {
                write(c, i, i);
            }
            write(c, 2, 22);
        }
        try (WriteCache c = open(cfg.toBuilder().flushOnClose(true).build())) {
            assertEquals(7, c.status().dirtyBlocks());
            assertEquals(7, c.status().recoveredCommitted());
            assertEquals(0, c.status().recoveredUncommitted());
        }
        try (WriteCache c = open(cfg)) {
            assertEquals(0, c.status().dirtyBlocks(), "flush on close wrote everything back");
            assertArrayEquals(WriteCacheTest.block(22), backing(cfg, 2));
        }
    }

    @Test
    void statusIsReadableThroughTheCountersFileAndJmx() throws Exception {
        final WriteCacheConfig cfg = config().build();
        final Path countersPath = CountersFile.pathFor(cfg.cacheFile());
        final ObjectName name = new ObjectName("org.writecache:type=WriteCache,name=" + cfg.cacheFile());
        try (WriteCache c = format(cfg)) {
            for (int i = 0; i < 3; i++) {
                write(c, i, i);
            }
            WriteCacheTest.read(c, 0, BS);
            c.doWork(); // the background tick that publishes the gauges (no background thread in this test)
            final CountersFile.Snapshot s = CountersFile.read(countersPath);
            assertTrue(s.alive());
            assertEquals(ProcessHandle.current().pid(), s.pid());
            assertEquals(3, s.get(Counter.WRITES));
            assertEquals(1, s.get(Counter.READ_HITS));
            assertEquals(c.status().blocks(), s.get(Gauge.BLOCKS));
            assertEquals(c.status().freeBlocks(), s.get(Gauge.FREE_BLOCKS));
            assertEquals(3, s.get(Gauge.DIRTY_BLOCKS));
            final var server = ManagementFactory.getPlatformMBeanServer();
            assertEquals(3L, server.getAttribute(name, "Writes"));
            assertEquals(c.status().toDmString(), server.getAttribute(name, "DmStatus"));
            assertEquals(3L, server.invoke(name, "flush", null, null));
            assertEquals(0L, server.getAttribute(name, "DirtyBlocks"));
            server.invoke(name, "clearStats", null, null);
            assertEquals(0, c.status().writes());
            assertEquals(0, CountersFile.read(countersPath).get(Counter.WRITES));
            assertNull(c.status().errorMessage());
        }
        assertFalse(Files.exists(countersPath), "the counters file goes with the cache");
        assertFalse(ManagementFactory.getPlatformMBeanServer().isRegistered(name));
    }

    @Test
    void afterACrashStatusSaysWhatRecoveryFound() throws IOException {
        final WriteCacheConfig cfg = config().build();
        final Path image = files.cacheFile();
        try (WriteCache c = format(cfg)) {
            for (int i = 0; i < 3; i++) {
                c.write((long) i * BS, ByteBuffer.wrap(WriteCacheTest.block(i)), true);
            }
            write(c, 7, 7);
            write(c, 8, 8);
            Files.copy(cfg.cacheFile(), image);
        }
        try (MappedPersistentMemory pm = MappedPersistentMemory.open(image, FlushPolicy.AUTO, false)) {
            final CacheLayout layout = CacheLayout.open(pm, 0, BS);
            final CacheLayout.Entry e = new CacheLayout.Entry();
            int free = 0;
            do {
                layout.readEntry(free, e);
            } while (e.state != CacheLayout.Entry.State.FREE && ++free < layout.blockCount());
            layout.writeEntry(free, 2, 0);
            layout.flushEntry(free);
            pm.fence();
        }
        try (WriteCache c = open(cfg.toBuilder().cacheFile(image).build())) {
            final CacheStatus s = c.status();
            assertEquals(2, s.recoveredUncommitted(), "the two writes never committed are dropped");
            assertEquals(1, s.recoveredDuplicates(), "the older copy of device block 2 is freed");
            assertEquals(3, s.recoveredCommitted());
            assertEquals(3, s.dirtyBlocks());
            assertTrue(s.toReport().contains("2 uncommitted entries dropped, 1 duplicates resolved"), s.toReport());
            assertArrayEquals(WriteCacheTest.block(2), WriteCacheTest.read(c, 2L * BS, BS), "the newest copy wins");
            assertArrayEquals(new byte[BS], WriteCacheTest.read(c, 7L * BS, BS), "uncommitted data is gone");
        }
    }
}
