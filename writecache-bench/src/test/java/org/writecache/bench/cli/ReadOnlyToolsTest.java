package org.writecache.bench.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.writecache.WriteCache;
import org.writecache.WriteCacheConfig;
import org.writecache.pmem.Unwritable;
import org.writecache.stats.CountersFile;

/**
 * {@code check}, {@code status} and {@code dump} read a cache file at rest without writing it (read permission is
 * enough), and {@code status} tells a running cache from a counters file left behind.
 */
class ReadOnlyToolsTest {
    private static final int BS = 4096;
    private final Path cache = Path.of("/dev/shm", "writecache-ro-" + ProcessHandle.current().pid() + "-"
        + System.nanoTime() + ".wc");
    private final Path backing = Path.of("target", "ro-" + System.nanoTime() + ".img").toAbsolutePath();
    private final List<Path> made = new ArrayList<>(List.of(cache, backing, CountersFile.pathFor(cache)));

    private Cli.Run run(final String command) {
        return Cli.run(command, "--cache-file", cache.toString(), "--backing-file", backing.toString(),
            "--backing-size", "4m");
    }

    private void formatWithDirtyBlocks() throws IOException {
        final WriteCacheConfig cfg = WriteCacheConfig.builder().cacheFile(cache).cacheSize(1 << 20)
            .backingFile(backing).backingSize(4L << 20).background(false).build();
        try (WriteCache c = WriteCache.format(cfg)) {
            for (int i = 0; i < 3; i++) {
                c.write((long) i * BS, ByteBuffer.allocate(BS).put(0, (byte) (i + 1)), true);
            }
        }
    }

    @AfterEach
    void clean() throws IOException, InterruptedException {
        Unwritable.undo(cache);
        for (final Path p : made) {
            Files.deleteIfExists(p);
        }
    }

    @Test
    void checkStatusAndDumpReadAFileTheUserCanOnlyRead() throws IOException, InterruptedException {
        formatWithDirtyBlocks();
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("r--r--r--"));
        assumeTrue(!Files.isWritable(cache) || Unwritable.make(cache),
            "cannot make a file unwritable for this user (root without chattr)");
        final byte[] before = Files.readAllBytes(cache);

        final Cli.Run check = run("check");
        assertEquals(0, check.exit(), check.out() + check.err());
        assertTrue(check.out().contains("3 dirty blocks") && check.out().endsWith("OK\n"), check.out());
        final Cli.Run dump = run("dump");
        assertEquals(0, dump.exit(), dump.out() + dump.err());
        assertEquals(3, dump.out().lines().filter(l -> l.contains(" committed ")).count(), dump.out());
        final Cli.Run status = run("status");
        assertEquals(0, status.exit(), status.out() + status.err());
        assertTrue(status.out().contains("at rest") && status.out().contains("dirty blocks: 3"), status.out());

        assertArrayEquals(before, Files.readAllBytes(cache), "a read-only tool changed the cache file");
    }

    @Test
    void statusSaysNotRunningWhenTheCountersFileOutlivesTheCache() throws IOException {
        formatWithDirtyBlocks();
        // a counters file naming a live process with the right start time (this one) that does not hold the cache
        try (CountersFile leftOver = CountersFile.create(cache)) {
            final Cli.Run status = run("status");
            assertEquals(0, status.exit(), status.out() + status.err());
            assertTrue(status.out().contains("not running") && status.out().contains("at rest"), status.out());
            assertFalse(status.out().contains("running in process"), status.out());
            assertTrue(Files.exists(leftOver.path()));
        }
    }

    @Test
    void statusExplainsAGarbageCountersFileAndReadsTheCache() throws IOException {
        formatWithDirtyBlocks();
        Files.writeString(CountersFile.pathFor(cache), "this is not a counters file, it only has the name of one\n");
        final Cli.Run status = run("status");
        assertEquals(0, status.exit(), status.out() + status.err());
        assertTrue(status.out().contains("not a writecache counters file"), status.out());
        assertTrue(status.out().contains("at rest") && status.out().contains("dirty blocks: 3"), status.out());
    }
}
