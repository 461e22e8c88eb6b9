package org.writecache.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.writecache.WriteCache;
import org.writecache.WriteCacheConfig;
import org.writecache.bench.cli.Cli;

/**
 * The benchmark commands create, overwrite and delete only files they created: an existing file is refused unless
 * {@code --overwrite}, and never deleted.
 */
class ScratchFilesTest {
    private static final long PID = ProcessHandle.current().pid();
    private final Path cache = Path.of("/dev/shm", "writecache-scratch-" + PID + "-" + System.nanoTime() + ".wc");
    private final Path backing = Path.of("target", "scratch-" + System.nanoTime() + ".img").toAbsolutePath();
    private final Path dir = Path.of("target", "scratch-dir-" + System.nanoTime()).toAbsolutePath();
    private final List<Path> made = new ArrayList<>(List.of(cache, backing));

    private static Cli.Run run(final String... args) {
        return Cli.run(args);
    }

    @AfterEach
    void clean() throws IOException {
        for (final Path p : made) {
            Files.deleteIfExists(p);
        }
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (final Path p : s.sorted((a, b) -> b.compareTo(a)).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** A cache with one dirty block in front of an image whose first block is all 7s. */
    private byte[][] existingCacheAndImage() throws IOException {
        final byte[] image = new byte[4 << 20];
        Arrays.fill(image, 0, 4096, (byte) 7);
        Files.write(backing, image);
        final WriteCacheConfig cfg = WriteCacheConfig.builder().cacheFile(cache).cacheSize(1 << 20)
            .backingFile(backing).background(false).build();
        try (WriteCache c = WriteCache.format(cfg)) {
            c.write(8192, ByteBuffer.allocate(4096).put(0, (byte) 9), true);
        }
        return new byte[][] {Files.readAllBytes(cache), Files.readAllBytes(backing)};
    }

    private String[] bench(final String... more) {
        final List<String> a = new ArrayList<>(List.of("bench", "--cache-file", cache.toString(), "--backing-file",
            backing.toString(), "--cache-size", "2m", "--backing-size", "4m", "--workloads", "seq-write-fua",
            "--no-baselines", "--open-blocks", "0", "--runs", "1", "--warmup", "1ms", "--duration", "10ms",
            "--threads", "1", "--flush-policies", "FENCE_ONLY", "--backends", "FFM", "--out", dir.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void benchRefusesAnExistingCacheAndImageAndLeavesThemAlone() throws IOException {
        final byte[][] before = existingCacheAndImage();
        final Cli.Run r = run(bench());
        assertNotEquals(0, r.exit());
        assertTrue(r.err().contains(cache.toString()) && r.err().contains("--overwrite"), r.err());
        assertArrayEquals(before[0], Files.readAllBytes(cache), "the cache file was changed");
        assertArrayEquals(before[1], Files.readAllBytes(backing), "the image was changed");
    }

    @Test
    void benchWithOverwriteUsesExistingFilesButNeverDeletesThem() throws IOException {
        existingCacheAndImage();
        final Cli.Run r = run(bench("--overwrite"));
        assertEquals(0, r.exit(), r.err());
        assertTrue(Files.exists(cache) && Files.exists(backing), "a file that existed was deleted");
    }

    @Test
    void writebackBenchRefusesItsScratchNamesWhenTheyExist() throws IOException {
        final Path taken = Path.of("/dev/shm", "writecache-bench-" + PID + ".wc");
        made.add(taken);
        Files.writeString(taken, "someone else's");
        final Cli.Run r = run("writeback-bench", "--blocks", "16", "--rounds", "1", "--dir", "target",
            "--out", dir.resolve("wb.txt").toString());
        assertNotEquals(0, r.exit());
        assertTrue(r.err().contains(taken.toString()), r.err());
        assertEquals("someone else's", Files.readString(taken));
    }

    @Test
    void h2benchTouchesNoFileOfAnEarlierRunAndRefusesAnExistingResultsFile() throws IOException {
        Files.createDirectories(dir);
        final Path earlier = dir.resolve("h2bench-plain.mv.db");
        Files.writeString(earlier, "an earlier run's database");
        final Path results = dir.resolve("results.md");
        Files.writeString(results, "earlier results");
        final String[] args = {"h2bench", "--dir", dir.toString(), "--seconds", "1", "--warmup", "0", "--rounds", "1",
            "--accounts", "100", "--cache-size", "8m", "--backing-size", "1g", "--out", results.toString()};
        final Cli.Run refused = run(args);
        assertNotEquals(0, refused.exit());
        assertTrue(refused.err().contains(results.toString()), refused.err());
        assertEquals("earlier results", Files.readString(results));

        final List<String> overwriting = new ArrayList<>(List.of(args));
        overwriting.add("--overwrite");
        final Cli.Run r = run(overwriting.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        assertEquals("an earlier run's database", Files.readString(earlier));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("h2bench-plain.mv.db", "results.md"),
                s.map(p -> p.getFileName().toString()).sorted().toList(), "the run's own files are gone");
        }
        assertFalse(Files.readString(results).contains("earlier results"));
    }

    @Test
    void wakeupRefusesToWriteOverEarlierResults() throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("wakeup.md"), "earlier results");
        final Cli.Run r = run("wakeup", "--writers", "1", "--pools", "direct", "--warmup-ms", "0", "--measure-ms", "1",
            "--out", dir.toString());
        assertNotEquals(0, r.exit());
        assertTrue(r.err().contains(dir.resolve("wakeup.md").toString()), r.err());
        assertEquals("earlier results", Files.readString(dir.resolve("wakeup.md")));
    }
}
