package org.writecache.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.writecache.WriteCache;
import org.writecache.WriteCacheConfig;
import org.writecache.format.CacheLayout;
import org.writecache.nbd.client.NbdBlockDevice;
import org.writecache.nbd.client.NbdClientSettings;
import org.writecache.nbd.client.NbdUri;
import org.writecache.pmem.MappedPersistentMemory;

/**
 * What the cache sends to an NBD export during writeback, read from nbdkit's log filter: runs as WRITEs several in
 * flight at once and one FLUSH per batch; with {@code writeback.fua} every WRITE carries FUA and no FLUSH is sent; a
 * discard of the cache becomes a TRIM.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NbdWritebackWireTest {
    private static final int BS = 4096;
    private static final long DEVICE = 16L << 20;
    private static final Pattern REQUEST = Pattern.compile("(\\.\\.\\.)?(Write|Flush|Trim) id=(\\d+)(.*)");

    @TempDir
    Path dir;
    private final Path cacheFile = NbdFixture.SHM.resolve("writecache-nbd-wire-" + System.nanoTime() + ".wc");

    @BeforeEach
    void requireNbdkit() {
        ExternalTool.require("nbdkit", "nbdkit");
    }

    @AfterEach
    void deleteCacheFile() throws IOException {
        Files.deleteIfExists(cacheFile);
    }

    /** The requests nbdkit saw, in order: type, fua flag, and the most WRITEs ever outstanding at once. */
    private record Wire(List<String> requests, int maxWritesInFlight) {
        long count(final String request) {
            return requests.stream().filter(request::equals).count();
        }
    }

    /** Formats a cache in front of nbdkit (log filter over a 5 ms write delay), runs {@code work}, reads the log. */
    private Wire run(final boolean fua, final Work work) throws IOException {
        final Path log = dir.resolve("requests.log");
        final WriteCacheConfig c = WriteCacheConfig.builder().cacheFile(cacheFile)
            .cacheSize(CacheLayout.regionSize(256, BS)).backingSize(DEVICE).background(false).prefault(false)
            .writebackJobs(32).writebackFua(fua).build();
        try (NbdkitProcess s = NbdkitProcess.unix(dir, "--filter=log", "--filter=delay", "memory", "size=" + DEVICE,
                 "logfile=" + log, "delay-write=5ms");
             WriteCache cache = WriteCache.format(c, MappedPersistentMemory.create(cacheFile, c.cacheSize(),
                 c.flushPolicy(), false), NbdBlockDevice.open(NbdUri.parse(s.uri()), NbdClientSettings.of(BS, 32),
                 DEVICE))) {
            work.run(cache);
        }
        final List<String> requests = new java.util.ArrayList<>();
        final Set<String> open = new HashSet<>();
        int max = 0;
        for (final String line : Files.readAllLines(log)) {
            final Matcher m = REQUEST.matcher(line.substring(line.indexOf("connection=") + 1));
            if (!m.find()) {
                continue;
            }
            if (m.group(1) == null) {
                requests.add(m.group(2) + (m.group(4).contains("fua=1") ? " fua" : ""));
                if (m.group(2).equals("Write")) {
                    open.add(m.group(3));
                    max = Math.max(max, open.size());
                }
            } else {
                open.remove(m.group(3));
            }
        }
        return new Wire(requests, max);
    }

    /** What the test does with the cache. */
    @FunctionalInterface
    private interface Work {
        void run(WriteCache cache) throws IOException;
    }

    /** Writes 64 scattered blocks (64 runs of one block: two batches of 32) and writes them back. */
    private static void scatteredWriteback(final WriteCache cache) throws IOException {
        for (int i = 0; i < 64; i++) {
            cache.write(3L * i * BS, ByteBuffer.allocate(BS), false);
        }
        assertEquals(64, cache.writeback());
    }

    @Test
    void writebackKeepsSeveralWritesInFlightAndFlushesOncePerBatch() throws IOException {
        final Wire wire = run(false, NbdWritebackWireTest::scatteredWriteback);
        assertEquals(64, wire.count("Write"), wire.requests().toString());
        assertEquals(0, wire.count("Write fua"));
        assertEquals(2, wire.count("Flush"), "one FLUSH per batch of 32 blocks: " + wire.requests());
        assertTrue(wire.maxWritesInFlight() > 4, "most WRITEs outstanding at once: " + wire.maxWritesInFlight());
    }

    @Test
    void withWritebackFuaEveryRunIsAFuaWriteAndNoFlushIsSent() throws IOException {
        final Wire wire = run(true, NbdWritebackWireTest::scatteredWriteback);
        assertEquals(64, wire.count("Write fua"), wire.requests().toString());
        assertEquals(0, wire.count("Write") + wire.count("Flush"), wire.requests().toString());
    }

    @Test
    void aDiscardOfTheCacheBecomesATrim() throws IOException {
        final Wire wire = run(false, cache -> cache.discard(8L * BS, 16L * BS));
        assertEquals(List.of("Trim"), wire.requests());
    }
}
