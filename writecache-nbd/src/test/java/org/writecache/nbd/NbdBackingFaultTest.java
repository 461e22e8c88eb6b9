package org.writecache.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.writecache.BlockDevice;
import org.writecache.CacheStatus;
import org.writecache.TestBacking;
import org.writecache.WriteCache;
import org.writecache.WriteCacheConfig;
import org.writecache.WriteCacheException;
import org.writecache.format.CacheLayout;
import org.writecache.nbd.client.NbdBlockDevice;
import org.writecache.nbd.client.NbdClientSettings;
import org.writecache.nbd.client.NbdUri;
import org.writecache.pmem.MappedPersistentMemory;

/**
 * A cache in front of nbdkit when the server fails, as dm-writecache treats a failing disk: errors injected by nbdkit's
 * error filter and by a plugin whose FLUSH fails put the cache in its sticky error state naming the export and the
 * range, free nothing, and the cache reopens in front of a healthy server with everything in it. A killed server loses
 * no acknowledged write. A slow server (delay filter) slows writeback, not durable writes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NbdBackingFaultTest {
    private static final int BS = 4096;
    private static final long DEVICE = 16L << 20;
    private static final int CACHE_BLOCKS = 256;

    @TempDir
    Path dir;

    @BeforeEach
    void requireNbdkit() {
        ExternalTool.require("nbdkit", "nbdkit");
    }
    private final Path cacheFile = NbdFixture.SHM.resolve("writecache-nbd-fault-" + System.nanoTime() + ".wc");

    @AfterEach
    void deleteCacheFile() throws IOException {
        Files.deleteIfExists(cacheFile);
    }

    private WriteCacheConfig.Builder config() {
        return WriteCacheConfig.builder().cacheFile(cacheFile).cacheSize(CacheLayout.regionSize(CACHE_BLOCKS, BS))
            .backingSize(DEVICE).background(false).prefault(false).autocommitBlocks(1000).writebackJobs(64);
    }

    private static BlockDevice device(final NbdkitProcess s, final WriteCacheConfig c, final int attempts)
        throws IOException {
        return NbdBlockDevice.open(NbdUri.parse(s.uri()), NbdClientSettings.of(c.blockSize(), c.writebackJobs())
            .withReconnect(attempts, Duration.ofMillis(20)), c.backingSize());
    }

    private static WriteCache format(final WriteCacheConfig c, final BlockDevice d) throws IOException {
        return WriteCache.format(c, MappedPersistentMemory.create(c.cacheFile(), c.cacheSize(), c.flushPolicy(),
            false), d);
    }

    private static WriteCache open(final WriteCacheConfig c, final BlockDevice d) throws IOException {
        return WriteCache.open(c, MappedPersistentMemory.open(c.cacheFile(), c.flushPolicy(), false), d);
    }

    private Path image() throws IOException {
        final Path img = dir.resolve("disk.img");
        try (var ch = java.nio.channels.FileChannel.open(img, java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(1), DEVICE - 1);
        }
        return img;
    }

    private static byte[] block(final int seed) {
        final byte[] b = new byte[BS];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Writes blocks 0, 3, 6, ... durably; returns their count. */
    private static int fill(final WriteCache c, final int n) throws IOException {
        for (int i = 0; i < n; i++) {
            c.write(3L * i * BS, ByteBuffer.wrap(block(i)), i == n - 1);
        }
        return n;
    }

    /** The cache is in its error state, names the export, and has freed nothing. */
    private static void assertStickyError(final WriteCache c, final String uri, final int dirty, final String what) {
        final CacheStatus s = c.status();
        assertEquals(5, s.error(), what);
        assertTrue(s.errorMessage().contains(uri) && s.errorMessage().matches(".*bytes (in )?\\[\\d+, \\d+\\).*"),
            s.errorMessage());
        assertEquals(dirty, s.dirtyBlocks(), "nothing was freed: " + what);
        assertThrows(WriteCacheException.class, () -> c.write(0, ByteBuffer.allocate(BS), true), "errors are sticky");
    }

    /** Reopens the cache in front of a healthy server on {@code img}, writes everything back, checks the file. */
    private void reopenWriteBackAndCheck(final WriteCacheConfig c, final Path img, final int n) throws IOException {
        try (NbdkitProcess healthy = NbdkitProcess.unix(dir, "file", "file=" + img);
             WriteCache reopened = open(c, device(healthy, c, 0))) {
            assertEquals(n, reopened.status().dirtyBlocks(), "every acknowledged block is still in the cache");
            assertEquals(n, reopened.writeback());
        }
        for (int i = 0; i < n; i++) {
            assertArrayEquals(block(i), TestBacking.readFile(img, 3L * i * BS, BS), "block " + i + " on the export");
        }
    }

    @Test
    void writeErrorsAtARatePutTheCacheInItsStickyErrorStateAndReopenFindsEverything() throws IOException {
        final Path img = image();
        final WriteCacheConfig c = config().build();
        final int n;
        try (NbdkitProcess s = NbdkitProcess.unix(dir, "--filter=error", "file", "file=" + img, "error-pwrite=EIO",
                 "error-pwrite-rate=30%");
             WriteCache cache = format(c, device(s, c, 0))) {
            n = fill(cache, 100);
            final WriteCacheException e = assertThrows(WriteCacheException.class, cache::writeback);
            assertTrue(e.getMessage().contains("EIO (5)"), e.getMessage());
            assertStickyError(cache, s.uri(), n, "error filter on writes");
        }
        reopenWriteBackAndCheck(c, img, n);
    }

    @Test
    void aFailingFlushPutsTheCacheInItsErrorStateAndReopenFindsEverything() throws IOException {
        final Path img = image();
        final Path failFlush = dir.resolve("fail-flush");
        final Path script = dir.resolve("plugin.sh");
        Files.writeString(script, String.join("\n", "#!/bin/sh",
            "case \"$1\" in",
            "  get_size) stat -c %s '" + img + "' ;;",
            "  pread) dd if='" + img + "' skip=\"$4\" count=\"$3\" iflag=skip_bytes,count_bytes status=none ;;",
            "  pwrite) dd of='" + img + "' seek=\"$4\" conv=notrunc oflag=seek_bytes status=none ;;",
            "  can_write|can_flush) exit 0 ;;",
            "  flush) if [ -e '" + failFlush + "' ]; then echo 'EIO injected flush failure' >&2; exit 1; fi ;;",
            "  *) exit 2 ;;",
            "esac", ""));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        final WriteCacheConfig c = config().build();
        final int n;
        try (NbdkitProcess s = NbdkitProcess.unix(dir, "sh", script.toString());
             WriteCache cache = format(c, device(s, c, 0))) {
            n = fill(cache, 10);
            Files.createFile(failFlush);
            final WriteCacheException e = assertThrows(WriteCacheException.class, cache::writeback);
            assertTrue(e.getMessage().contains("FLUSH failed") && e.getMessage().contains("EIO"), e.getMessage());
            assertStickyError(cache, s.uri(), n, "a failing flush");
        }
        reopenWriteBackAndCheck(c, img, n);
    }

    /**
     * The server is killed while writeback runs in the background and writers keep writing FUA; it comes back on the
     * same file; the cache, reopened in front of it and written back, holds every acknowledged block.
     */
    @Test
    void killingTheServerDuringWritebackLosesNoAcknowledgedWrite() throws Exception {
        final Path img = image();
        final WriteCacheConfig c = config().background(true).highWatermark(10).lowWatermark(5).build();
        final Map<Integer, Integer> acknowledged = new ConcurrentHashMap<>();
        final Random rnd = new Random(42);
        try (NbdkitProcess s = NbdkitProcess.unix(dir, "file", "file=" + img);
             WriteCache cache = format(c, device(s, c, 2))) {
            int seq = 0;
            try {
                while (true) {
                    final int b = rnd.nextInt((int) (DEVICE / BS));
                    seq++;
                    cache.write((long) b * BS, ByteBuffer.wrap(block(seq)), true);
                    acknowledged.put(b, seq);
                    if (s.isAlive() && cache.status().blocksWrittenBack() > 3 * CACHE_BLOCKS) {
                        s.kill();
                    }
                }
            } catch (final WriteCacheException e) {
                assertTrue(!s.isAlive(), "the writes fail only after the server is gone: " + e.getMessage());
            }
            assertEquals(5, cache.status().error(), "writeback hit the dead server: " + cache.status().errorMessage());
            s.start();
        }
        try (NbdkitProcess healthy = NbdkitProcess.unix(dir, "file", "file=" + img);
             WriteCache reopened = open(c.toBuilder().background(false).build(), device(healthy, c, 0))) {
            reopened.writeback();
        }
        for (final Map.Entry<Integer, Integer> e : acknowledged.entrySet()) {
            assertArrayEquals(block(e.getValue()), TestBacking.readFile(img, (long) e.getKey() * BS, BS),
                "device block " + e.getKey() + " holds its last acknowledged write " + e.getValue());
        }
        assertTrue(acknowledged.size() > CACHE_BLOCKS, acknowledged.size() + " blocks acknowledged");
    }

    /**
     * Behind a server that takes 50 ms per write, a durable (FUA) write through the cache still takes a local commit,
     * and writeback keeps up to writeback.jobs requests in flight instead of paying the delay once per block.
     */
    @Test
    void aSlowServerSlowsWritebackNotDurableWrites() throws IOException {
        final WriteCacheConfig c = config().build();
        try (NbdkitProcess s = NbdkitProcess.unix(dir, "--filter=delay", "memory", "size=" + DEVICE,
                 "delay-write=50ms");
             WriteCache cache = format(c, device(s, c, 0))) {
            final int n = 64;
            long slowest = 0;
            for (int i = 0; i < n; i++) {
                final long t = System.nanoTime();
                cache.write(3L * i * BS, ByteBuffer.wrap(block(i)), true);
                slowest = Math.max(slowest, System.nanoTime() - t);
            }
            assertTrue(slowest < TimeUnit.MILLISECONDS.toNanos(50), "the slowest durable write took "
                + TimeUnit.NANOSECONDS.toMillis(slowest) + " ms: a local commit, not a server round trip");
            final long start = System.nanoTime();
            assertEquals(n, cache.writeback());
            final long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis < n * 50 / 4, "writing back " + n + " scattered blocks took " + millis + " ms; one at a"
                + " time would take " + n * 50 + " ms");
        }
    }
}
