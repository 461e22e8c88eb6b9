package org.writecache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.writecache.WriteCacheTest.block;
import static org.writecache.WriteCacheTest.read;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.writecache.fault.DelayingBlockDevice;
import org.writecache.fault.DeviceOperation;
import org.writecache.fault.FaultTrigger;
import org.writecache.fault.FaultyBlockDevice;
import org.writecache.format.CacheLayout;
import org.writecache.pmem.MappedPersistentMemory;

/** The engine in front of a failing or slow backing device: sticky errors, nothing acknowledged lost. */
class BackingFaultTest {
    @RegisterExtension
    final TestFiles files = new TestFiles();

    private static final int BS = 4096;
    private static final int CACHE_BLOCKS = 32;

    private WriteCacheConfig config() {
        return WriteCacheConfig.builder()
            .cacheFile(files.cacheFile()).cacheSize(CacheLayout.regionSize(CACHE_BLOCKS, BS))
            .backingFile(files.backingFile()).backingSize(1L << 20)
            .background(false).prefault(false).autocommitBlocks(1000).build();
    }

    private static WriteCache format(final WriteCacheConfig cfg, final BlockDevice device) throws IOException {
        return WriteCache.format(cfg,
            MappedPersistentMemory.create(cfg.cacheFile(), cfg.cacheSize(), cfg.flushPolicy(), false), device);
    }

    private static FaultyBlockDevice faulty(final WriteCacheConfig cfg) throws IOException {
        return new FaultyBlockDevice(FileBlockDevice.create(cfg.backingFile(), cfg.backingSize(), null));
    }

    private static byte[] backing(final WriteCacheConfig cfg, final long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(cfg.backingFile(), StandardOpenOption.READ)) {
            final ByteBuffer dst = ByteBuffer.allocate(BS);
            ch.read(dst, offset);
            return dst.array();
        }
    }

    /**
     * Writes 20 blocks (FUA, flushed, overwritten after commit, and one last write without FUA or flush), fails
     * writeback with {@code op}/{@code trigger}, and checks the sticky error state; then reopens the cache file in
     * front of a healthy device and checks every acknowledged block and a complete writeback.
     */
    private void writebackFailureKeepsEverything(final DeviceOperation op, final FaultTrigger trigger,
                                                 final String expectedRange) throws IOException {
        final WriteCacheConfig cfg = config();
        final Map<Integer, Integer> latest = new HashMap<>();
        final FaultyBlockDevice device = faulty(cfg);
        try (WriteCache c = format(cfg, device)) {
            for (int i = 0; i < 20; i++) {
                c.write((long) i * BS, ByteBuffer.wrap(block(i)), i % 3 == 0);
                latest.put(i, i);
            }
            c.flush();
            for (int i = 0; i < 20; i += 4) {
                c.write((long) i * BS, ByteBuffer.wrap(block(100 + i)), false);
                latest.put(i, 100 + i);
            }
            c.flush();
            c.write(5L * BS, ByteBuffer.wrap(block(205)), false);
            latest.put(5, 205);
            final long freeBefore = c.status().freeBlocks();
            device.failing(op, trigger);

            final WriteCacheException e = assertThrows(WriteCacheException.class, c::writeback);
            final CacheStatus s = c.status();
            assertEquals(5, s.error(), "EIO in the status error field");
            assertTrue(s.errorMessage().contains(cfg.backingFile().toString()), s.errorMessage());
            assertTrue(s.errorMessage().contains(expectedRange), s.errorMessage());
            assertTrue(e.getMessage().contains(cfg.backingFile().toString()), e.getMessage());
            assertEquals(20, s.dirtyBlocks(), "every acknowledged block stays in the cache");
            assertEquals(0, s.writebackBlocks());
            assertEquals(0, s.blocksWrittenBack());
            assertEquals(freeBefore + 1, s.freeBlocks(),
                "only the old copy of block 5, superseded by the commit writeback() starts with, is freed");

            device.heal();
            final WriteCacheException w = assertThrows(WriteCacheException.class,
                () -> c.write(30L * BS, ByteBuffer.wrap(block(30)), true));
            assertTrue(w.getMessage().contains("error state") && w.getMessage().contains(expectedRange),
                w.getMessage());
            assertThrows(WriteCacheException.class, () -> read(c, 0, BS));
            assertThrows(WriteCacheException.class, c::flush);
            assertThrows(WriteCacheException.class, c::writeback, "the error is sticky after the device heals");
            assertEquals(0, c.doWork());
        }

        try (WriteCache c = WriteCache.open(cfg)) {
            assertNull(c.status().errorMessage());
            for (final Map.Entry<Integer, Integer> en : latest.entrySet()) {
                assertArrayEquals(block(en.getValue()), read(c, (long) en.getKey() * BS, BS),
                    "block " + en.getKey() + " after reopen");
            }
            assertEquals(20, c.writeback());
            assertEquals(0, c.status().dirtyBlocks());
        }
        for (final Map.Entry<Integer, Integer> en : latest.entrySet()) {
            assertArrayEquals(block(en.getValue()), backing(cfg, (long) en.getKey() * BS),
                "backing block " + en.getKey());
        }
    }

    @Test
    void failedWritebackWriteIsStickyAndLosesNothing() throws IOException {
        writebackFailureKeepsEverything(DeviceOperation.WRITE, FaultTrigger.always().inRange(8L * BS, 9L * BS),
            "bytes [0, " + 20 * BS + ")");
    }

    @Test
    void failedWritebackSyncIsStickyAndLosesNothing() throws IOException {
        writebackFailureKeepsEverything(DeviceOperation.SYNC, FaultTrigger.once(), "bytes in [0, " + 20 * BS + ")");
    }

    @Test
    void writesAcknowledgedBeforeABackingErrorAreCommittedAtClose() throws IOException {
        final WriteCacheConfig cfg = config().toBuilder().highWatermark(10).lowWatermark(0).writebackJobs(2).build();
        final FaultyBlockDevice device = faulty(cfg);
        try (WriteCache c = format(cfg, device)) {
            for (int i = 0; i < 10; i++) {
                c.write((long) i * BS, ByteBuffer.wrap(block(i)), true);
            }
            c.write(20L * BS, ByteBuffer.wrap(block(20)), false);
            device.failing(DeviceOperation.WRITE, FaultTrigger.always());
            assertThrows(WriteCacheException.class, c::doWork);
            assertEquals(1, c.status().uncommittedBlocks(), "the batch of the two oldest blocks did not commit");
        }
        try (WriteCache c = WriteCache.open(cfg)) {
            assertArrayEquals(block(20), read(c, 20L * BS, BS), "the cache media are sound: close commits");
            assertEquals(11, c.writeback());
        }
    }

    @Test
    void writersWaitingForAFreeBlockFailWhenWritebackFails() throws Exception {
        final WriteCacheConfig cfg = config();
        final FaultyBlockDevice device = faulty(cfg);
        try (WriteCache c = format(cfg, device)) {
            final int blocks = c.cacheBlocks();
            for (int i = 0; i < blocks; i++) {
                c.write((long) i * BS, ByteBuffer.wrap(block(i)), i == blocks - 1);
            }
            final AtomicReference<Throwable> writerFailure = new AtomicReference<>();
            final Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    c.write((long) blocks * BS, ByteBuffer.wrap(block(blocks)), true);
                } catch (final IOException e) {
                    writerFailure.set(e);
                }
            });
            final long deadline = System.nanoTime() + 30_000_000_000L;
            while (c.status().writesBlockedOnFreelist() == 0) {
                assertTrue(System.nanoTime() < deadline, "the writer never waited on the freelist");
                Thread.onSpinWait();
            }
            device.failing(DeviceOperation.SYNC, FaultTrigger.always());
            assertThrows(WriteCacheException.class, c::doWork);
            writer.join(30_000);
            assertFalse(writer.isAlive(), "the waiting writer was woken by the error");
            assertTrue(writerFailure.get() instanceof WriteCacheException, String.valueOf(writerFailure.get()));
            assertTrue(writerFailure.get().getMessage().contains("error state"), writerFailure.get().getMessage());
        }
        try (WriteCache c = WriteCache.open(cfg)) {
            for (int i = 0; i < c.cacheBlocks(); i++) {
                assertArrayEquals(block(i), read(c, (long) i * BS, BS), "block " + i);
            }
        }
    }

    @Test
    void seededRateWriteFaultsDuringBackgroundWorkLoseNothing() throws IOException {
        final long seed = System.nanoTime();
        final WriteCacheConfig cfg = config().toBuilder().highWatermark(25).lowWatermark(10).writebackJobs(4).build();
        final Map<Integer, Integer> latest = new HashMap<>();
        final FaultyBlockDevice device = faulty(cfg);
        device.failing(DeviceOperation.WRITE, FaultTrigger.atRate(0.2, seed));
        int v = 0;
        try (WriteCache c = format(cfg, device)) {
            try {
                while (true) {
                    final int b = v % 64;
                    c.write((long) b * BS, ByteBuffer.wrap(block(v)), v % 2 == 0);
                    latest.put(b, v++);
                    c.doWork();
                }
            } catch (final WriteCacheException expected) {
                assertEquals(5, c.status().error(), "seed " + seed);
            }
        }
        try (WriteCache c = WriteCache.open(cfg)) {
            for (final Map.Entry<Integer, Integer> en : latest.entrySet()) {
                assertArrayEquals(block(en.getValue()), read(c, (long) en.getKey() * BS, BS),
                    "seed " + seed + ": block " + en.getKey() + " after reopen, " + v + " writes");
            }
            c.writeback();
        }
        for (final Map.Entry<Integer, Integer> en : latest.entrySet()) {
            assertArrayEquals(block(en.getValue()), backing(cfg, (long) en.getKey() * BS),
                "seed " + seed + ": backing block " + en.getKey());
        }
    }

    @Test
    void readErrorOnAMissFailsThatReadOnlyAndNamesTheRange() throws IOException {
        final WriteCacheConfig cfg = config();
        final FaultyBlockDevice device = faulty(cfg);
        try (WriteCache c = format(cfg, device)) {
            c.write(6L * BS, ByteBuffer.wrap(block(6)), true);
            device.failing(DeviceOperation.READ, FaultTrigger.always().inRange(7L * BS, 8L * BS));
            final IOException e = assertThrows(IOException.class, () -> read(c, 6L * BS, 3 * BS));
            assertFalse(e instanceof WriteCacheException, "a read error is not sticky: " + e);
            assertTrue(e.getMessage().contains("bytes [" + 7 * BS + ", " + 9 * BS + ")"), e.getMessage());
            assertTrue(e.getMessage().contains(cfg.backingFile().toString()), e.getMessage());
            assertEquals(0, c.status().error());
            assertArrayEquals(block(6), read(c, 6L * BS, BS), "a hit in front of the failing range");
            assertArrayEquals(new byte[BS], read(c, 9L * BS, BS), "a miss outside the failing range");
            c.write(7L * BS, ByteBuffer.wrap(block(7)), true);
            assertArrayEquals(block(7), read(c, 7L * BS, BS), "now a hit: the device is not asked");
            device.heal();
            assertArrayEquals(new byte[BS], read(c, 8L * BS, BS));
        }
    }

    /** A device whose writes and syncs are delayed through a sleeper that records and runs a hook on its first call. */
    private static final class RecordingSleeper implements org.writecache.fault.Sleeper {
        final AtomicLong calls = new AtomicLong();
        final AtomicLong nanos = new AtomicLong();
        final AtomicReference<Throwable> hookFailure = new AtomicReference<>();
        volatile IoAction firstCall;

        @Override
        public void sleep(final long n) {
            if (calls.incrementAndGet() == 1 && firstCall != null) {
                try {
                    firstCall.run();
                } catch (final IOException | RuntimeException e) {
                    hookFailure.set(e);
                }
            }
            nanos.addAndGet(n);
        }
    }

    /** An action that may throw an I/O error. */
    private interface IoAction {
        void run() throws IOException;
    }

    private static DelayingBlockDevice delayed(final WriteCacheConfig cfg, final RecordingSleeper sleeper,
                                               final Duration delay) throws IOException {
        return new DelayingBlockDevice(FileBlockDevice.create(cfg.backingFile(), cfg.backingSize(), null), sleeper)
            .delaying(DeviceOperation.WRITE, delay).delaying(DeviceOperation.SYNC, delay);
    }

    @Test
    void overwriteWhileItsOlderVersionIsInFlightToASlowDeviceKeepsTheNewest() throws IOException {
        final WriteCacheConfig cfg = config().toBuilder().highWatermark(25).lowWatermark(0).writebackJobs(4).build();
        final Duration delay = Duration.ofMillis(20);
        final RecordingSleeper sleeper = new RecordingSleeper();
        final Map<Integer, Integer> latest = new HashMap<>();
        try (WriteCache c = format(cfg, delayed(cfg, sleeper, delay))) {
            for (int i = 0; i < 10; i++) {
                c.write((long) i * BS, ByteBuffer.wrap(block(i)), true);
                latest.put(i, i);
            }
            // While the first batch (the four oldest blocks, 0 to 3) is in flight, overwrite block 0 and discard 1.
            sleeper.firstCall = () -> {
                c.write(0, ByteBuffer.wrap(block(500)), true);
                c.discard(BS, BS);
            };
            assertEquals(4, c.doWork());
            assertNull(sleeper.hookFailure.get());
            latest.put(0, 500);
            assertArrayEquals(block(0), backing(cfg, 0), "the batch wrote the version it took");
            assertArrayEquals(block(1), backing(cfg, BS), "the discarded block's batch still completed");
            for (final Map.Entry<Integer, Integer> en : latest.entrySet()) {
                assertArrayEquals(block(en.getValue()), read(c, (long) en.getKey() * BS, BS), "block " + en.getKey());
            }
            assertEquals(7, c.status().dirtyBlocks(), "blocks 4 to 9 and the new version of block 0");
            c.writeback();
            assertEquals(0, c.status().dirtyBlocks());
            assertEquals(sleeper.calls.get() * delay.toNanos(), sleeper.nanos.get(), "each operation delayed once");
        }
        for (final Map.Entry<Integer, Integer> en : latest.entrySet()) {
            assertArrayEquals(block(en.getValue()), backing(cfg, (long) en.getKey() * BS),
                "backing block " + en.getKey() + ": the newest version must be written back last");
        }
    }

    @Test
    void slowDeviceMakesWritersWaitOnTheFreelistAndLosesNothing() throws Exception {
        final WriteCacheConfig cfg = config().toBuilder().highWatermark(50).lowWatermark(25).writebackJobs(8).build();
        final Duration delay = Duration.ofMillis(20);
        final RecordingSleeper sleeper = new RecordingSleeper();
        final Map<Integer, Integer> latest = new HashMap<>();
        try (WriteCache c = format(cfg, delayed(cfg, sleeper, delay))) {
            final int blocks = c.cacheBlocks();
            for (int i = 0; i < blocks; i++) {
                c.write((long) i * BS, ByteBuffer.wrap(block(i)), i == blocks - 1);
                latest.put(i, i);
            }
            assertEquals(0, c.status().freeBlocks());
            final AtomicReference<Throwable> writerFailure = new AtomicReference<>();
            final Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    c.write((long) blocks * BS, ByteBuffer.wrap(block(1000)), true);
                } catch (final IOException e) {
                    writerFailure.set(e);
                }
            });
            final long deadline = System.nanoTime() + 30_000_000_000L;
            while (c.status().writesBlockedOnFreelist() == 0) {
                assertTrue(System.nanoTime() < deadline, "the writer never waited on the freelist");
                Thread.onSpinWait();
            }
            assertTrue(writer.isAlive(), "a writer of a full cache waits");
            assertEquals(8, c.doWork(), "one batch of writeback.jobs blocks");
            writer.join();
            assertNull(writerFailure.get());
            latest.put(blocks, 1000);
            assertEquals(2, sleeper.calls.get(), "one coalesced write and one sync, each delayed");
            assertEquals(2 * delay.toNanos(), sleeper.nanos.get());
            for (final Map.Entry<Integer, Integer> en : latest.entrySet()) {
                assertArrayEquals(block(en.getValue()), read(c, (long) en.getKey() * BS, BS), "block " + en.getKey());
            }
            c.writeback();
            assertEquals(0, c.status().dirtyBlocks());
        }
        for (final Map.Entry<Integer, Integer> en : latest.entrySet()) {
            assertArrayEquals(block(en.getValue()), backing(cfg, (long) en.getKey() * BS), "backing block " + en.getKey());
        }
    }
}
