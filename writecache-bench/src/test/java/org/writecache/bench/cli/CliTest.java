package org.writecache.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.writecache.WriteCache;
import org.writecache.WriteCacheConfig;
import org.writecache.format.CacheLayout;
import org.writecache.format.DataChecksum;
import org.writecache.stats.CountersFile;

/** Every subcommand run on a real cache file through picocli, output captured. */
class CliTest {
    private static final int BS = 4096;
    private final Path cache = Path.of("/dev/shm", "writecache-cli-" + ProcessHandle.current().pid() + "-"
        + System.nanoTime() + ".wc");
    private final Path backing = Path.of("target", "cli-" + System.nanoTime() + ".img").toAbsolutePath();
    private final List<Path> made = new ArrayList<>(List.of(cache, backing, CountersFile.pathFor(cache)));

    private static Cli.Run run(final String... args) {
        return Cli.run(args);
    }

    private String[] with(final String command, final String... more) {
        final List<String> a = new ArrayList<>(List.of(command, "--cache-file", cache.toString(), "--cache-size", "1m",
            "--backing-file", backing.toString(), "--backing-size", "4m"));
        a.addAll(Arrays.asList(more));
        return a.toArray(String[]::new);
    }

    private WriteCacheConfig config() {
        return WriteCacheConfig.builder().cacheFile(cache).cacheSize(1 << 20).backingFile(backing)
            .backingSize(4L << 20).background(false).build();
    }

    @AfterEach
    void clean() throws IOException {
        for (final Path p : made) {
            Files.deleteIfExists(p);
        }
    }

    @Test
    void everySubcommandHasHelp() {
        for (final String c : List.of("format", "check", "status", "flush", "dump", "table")) {
            final Cli.Run r = run(c, "--help");
            assertEquals(0, r.exit(), c);
            assertTrue(r.out().contains("--config") && r.out().contains("Usage: writecache " + c), r.out());
        }
    }

    @Test
    void formatCheckDumpFlushStatusOnARealCacheFile() throws IOException {
        final Cli.Run format = run(with("format"));
        assertEquals(0, format.exit(), format.err());
        assertTrue(format.out().contains("formatted " + cache), format.out());
        assertTrue(format.err().contains("100%"), "progress bar: " + format.err());
        assertEquals(Errors.FAILURE, run(with("format")).exit(), "a second format without --force refuses");

        try (WriteCache c = WriteCache.open(config())) {
            for (int i = 0; i < 5; i++) {
                final byte[] b = new byte[BS];
                Arrays.fill(b, (byte) (i + 1));
                c.write((long) i * BS, ByteBuffer.wrap(b), false);
            }
            final Cli.Run running = run(with("status"));
            assertEquals(0, running.exit(), running.err());
            final String[] dm = running.out().lines().findFirst().orElseThrow().split(" ");
            assertEquals(14, dm.length, running.out());
            assertEquals(Long.toString(c.status().blocks()), dm[1]);
            assertEquals("5", dm[6], "writes: " + running.out());
            assertTrue(running.out().contains("running in process " + ProcessHandle.current().pid()));
        }

        final Cli.Run check = run(with("check"));
        assertEquals(0, check.exit(), check.out());
        assertTrue(check.out().contains("5 dirty blocks") && check.out().endsWith("OK\n"), check.out());
        assertTrue(check.err().contains("100%"), check.err());

        final Cli.Run dump = run(with("dump"));
        assertEquals(0, dump.exit());
        assertEquals(5, dump.out().lines().filter(l -> l.contains(" committed ")).count(), dump.out());
        assertTrue(dump.out().contains(" committed 4 16384 "), dump.out());

        final Cli.Run atRest = run(with("status"));
        assertTrue(atRest.out().contains("at rest") && atRest.out().contains("dirty blocks: 5"), atRest.out());

        final Cli.Run flush = run(with("flush"));
        assertEquals(0, flush.exit(), flush.err());
        assertTrue(flush.out().contains("5 of 5 dirty blocks written back") && flush.out().contains("0 dirty now"),
            flush.out());
        assertTrue(flush.err().contains("100%"), flush.err());
        try (FileChannel ch = FileChannel.open(backing, StandardOpenOption.READ)) {
            final ByteBuffer b = ByteBuffer.allocate(BS);
            ch.read(b, 4L * BS);
            assertEquals(5, b.get(100), "block 4 is on the backing file");
        }
        assertTrue(run(with("check")).out().contains("0 dirty blocks"));
    }

    @Test
    void checkFailsOnACorruptEntryAndANonCache() throws IOException {
        assertEquals(0, run(with("format", "-q")).exit());
        try (WriteCache c = WriteCache.open(config())) {
            c.write(0, ByteBuffer.allocate(BS), true);
        }
        try (FileChannel ch = FileChannel.open(cache, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            // flip one bit of every entry's seq: free entries stay free (their other word is all ones), the one
            // committed entry fails its checksum
            for (int i = 0; i < 254; i++) {
                final long at = CacheLayout.SUPERBLOCK_SIZE + (long) i * DataChecksum.DEFAULT.entrySize() + 8;
                final ByteBuffer seq = ByteBuffer.allocate(1);
                ch.read(seq, at);
                ch.write(ByteBuffer.wrap(new byte[] {(byte) (seq.get(0) ^ 0x40)}), at);
            }
        }
        final Cli.Run bad = run(with("check", "-q"));
        assertEquals(CheckCommand.PROBLEMS, bad.exit(), bad.out());
        assertTrue(bad.out().contains("problem: entry ") && bad.out().contains("fails its checksum"), bad.out());

        Files.write(cache, new byte[8192]);
        final Cli.Run notCache = run(with("check", "-q"));
        assertEquals(CheckCommand.PROBLEMS, notCache.exit());
        assertTrue(notCache.out().contains("not a writecache cache"), notCache.out());
    }

    @Test
    void checkDataAndDumpBadFindADamagedDataBlockThatPlainCheckCannotSee() throws IOException {
        assertEquals(0, run(with("format", "-q")).exit());
        try (WriteCache c = WriteCache.open(config())) {
            for (int i = 0; i < 3; i++) {
                c.write((long) i * BS, ByteBuffer.wrap(new byte[BS]), true);
            }
        }
        final Cli.Run dump = run(with("dump"));
        final int victim = dump.out().lines().filter(l -> l.contains(" committed 1 ")).findFirst()
            .map(l -> Integer.parseInt(l.split(" ")[0])).orElseThrow(() -> new AssertionError(dump.out()));
        try (FileChannel ch = FileChannel.open(cache, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {0x10}), CacheLayout.dataOffset(254, BS) + (long) victim * BS + 77);
        }
        final Cli.Run check = run(with("check", "-q"));
        assertEquals(0, check.exit(), "the entries are sound: " + check.out());
        assertTrue(check.out().contains("format version 2, data checksum crc32c"), check.out());
        final Cli.Run data = run(with("check", "--data"));
        assertEquals(CheckCommand.PROBLEMS, data.exit(), data.out());
        assertTrue(data.out().contains("bad block: cache block " + victim + " holds device block 1 (bytes 4096 to 8191)")
            && data.out().contains("3 dirty blocks verified against their checksums, 1 bad"), data.out());
        assertTrue(data.err().contains("check data blocks") && data.err().contains("100%"), data.err());
        final Cli.Run bad = run(with("dump", "--bad"));
        assertEquals(CheckCommand.PROBLEMS, bad.exit(), bad.out());
        assertTrue(bad.out().contains("\n" + victim + " 1 4096 ") && bad.out().contains("# 1 bad of 3 dirty blocks"),
            bad.out());
    }

    @Test
    void checkSaysWhichFormatVersionAFileHas() {
        assertEquals(0, run(with("format", "-q", "-D", "data.checksum=none")).exit());
        final Cli.Run check = run(with("check", "-q", "--data"));
        assertEquals(0, check.exit(), check.out());
        assertTrue(check.out().contains("format version 1, data checksum none")
            && check.out().contains("data: not verified"), check.out());
        final Cli.Run bad = run(with("dump", "--bad"));
        assertTrue(bad.out().contains("# 0 bad of 0 dirty blocks (data not verified"), bad.out());
    }

    @Test
    void tableRoundTripsThroughOptionsAndProperties() throws IOException {
        final Path props = Path.of("target", "cli-" + System.nanoTime() + ".properties");
        made.add(props);
        Files.writeString(props, "cache.file=/dev/shm/x.wc\nbacking.file=/var/x.img\nwriteback.jobs=64\n");
        final Cli.Run r = run("table", "--config", props.toString(), "-D", "writeback.max.age=2s", "--block-size", "512");
        assertEquals(0, r.exit(), r.err());
        final String line = r.out().trim();
        assertEquals("writecache p /var/x.img /dev/shm/x.wc 512 13 high_watermark 50 low_watermark 45 writeback_jobs"
            + " 64 autocommit_blocks 64 autocommit_time 1000 max_age 2000 nofua", line);
        assertEquals(line, run("table", "--table", line).out().trim());
        final Cli.Run bad = run("table", "--config", props.toString(), "-D", "writeback.max.age=5ms");
        assertFalse(bad.exit() == 0);
        assertTrue(bad.err().contains("writeback.max.age"), bad.err());
    }
}
