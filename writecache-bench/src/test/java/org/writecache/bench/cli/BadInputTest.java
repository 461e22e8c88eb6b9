package org.writecache.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.writecache.Units;
import org.writecache.stats.CountersFile;

/**
 * Bad input on the command line: each case exits with the documented status, prints exactly one line naming what is
 * wrong (the operation and the file where there is one), never a stack trace, and leaves no file behind.
 */
class BadInputTest {
    @TempDir
    Path dir;

    private final Path cache = Path.of("/dev/shm", "writecache-badinput-" + ProcessHandle.current().pid() + "-"
        + System.nanoTime() + ".wc");

    @AfterEach
    void clean() throws IOException {
        Files.deleteIfExists(cache);
        Files.deleteIfExists(CountersFile.pathFor(cache));
    }

    private Path backing() {
        return dir.resolve("backing.img");
    }

    /** {@code serve} with its settings given as {@code -s name=value}. */
    private String[] serve(final String... more) {
        final List<String> a = new ArrayList<>(List.of("serve", "-s", "cache.file=" + cache, "-s", "cache.size=1m",
            "-s", "backing.file=" + backing(), "-s", "backing.size=4m"));
        a.addAll(Arrays.asList(more));
        return a.toArray(String[]::new);
    }

    private String[] cacheCommand(final String command, final String... more) {
        final List<String> a = new ArrayList<>(List.of(command, "--cache-file", cache.toString(), "--cache-size",
            "1m", "--backing-file", backing().toString(), "--backing-size", "4m"));
        a.addAll(Arrays.asList(more));
        return a.toArray(String[]::new);
    }

    /** Runs {@code args}, expects {@code exit} and one line on the error stream holding each of {@code mention}. */
    private static Cli.Run fails(final int exit, final String[] args, final String... mention) {
        final Cli.Run r = Cli.run(args);
        assertEquals(exit, r.exit(), r.toString());
        assertEquals(1, r.errLines().size(), "one line, no stack trace:\n" + r);
        final String line = r.errLines().get(0);
        assertTrue(line.startsWith("writecache " + args[0] + ": "), line);
        for (final String m : mention) {
            assertTrue(line.contains(m), "'" + line + "' should mention '" + m + "'");
        }
        return r;
    }

    private void nothingCreated() {
        assertFalse(Files.exists(cache), "cache file left behind");
        assertFalse(Files.exists(backing()), "backing file left behind");
        assertFalse(Files.exists(CountersFile.pathFor(cache)), "counters file left behind");
    }

    @Test
    void aTableStartSectorThatOverflowsIsOneLine() {
        fails(Errors.USAGE, new String[] {"table", "--table",
            "writecache p /var/b /dev/shm/c 4096 2 start_sector 99999999999999999"}, "--table", "start_sector",
            "99999999999999999");
        fails(Errors.USAGE, new String[] {"serve", "--table",
            "writecache p /var/b /dev/shm/c 4096 2 start_sector 99999999999999999"}, "start_sector");
    }

    @Test
    void durationsThatWouldOverflowTheEngineAreRefusedBeforeAnythingIsCreated() {
        for (final String setting : List.of("writeback.pause", "autocommit.time", "writeback.max.age",
            "freelist.wait.timeout")) {
            fails(Errors.USAGE, cacheCommand("format", "-s", setting + "=" + Long.MAX_VALUE), setting,
                Units.MAX_DURATION_TEXT);
            fails(Errors.USAGE, cacheCommand("format", "-s", setting + "=106751d"), setting, Units.MAX_DURATION_TEXT);
            nothingCreated();
        }
    }

    @Test
    void formatWithoutABackingFileDrawsNoProgressAndCreatesNothing() {
        final Cli.Run r = fails(Errors.USAGE, new String[] {"format", "--cache-file", cache.toString()},
            "backing.file is required");
        assertFalse(r.err().contains("format ["), r.err());
        nothingCreated();
    }

    @Test
    void aFailedFormatNamesOperationAndFileAndDeletesWhatItCreated() throws IOException {
        fails(Errors.FAILURE, new String[] {"format", "-q", "--cache-file", "/dev/null", "--cache-size", "1m",
            "--backing-file", backing().toString(), "--backing-size", "4m"}, "format cache file /dev/null",
            backing().toString(), "not a regular file");
        assertFalse(Files.exists(backing()), "no backing file is left behind");
        assertFalse(Files.isRegularFile(Path.of("/dev/null")), "/dev/null is still a device");

        final Path existing = dir.resolve("existing.img");
        Files.write(existing, new byte[8192]);
        fails(Errors.FAILURE, new String[] {"format", "-q", "--cache-file", dir.toString(), "--cache-size", "1m",
            "--backing-file", existing.toString()}, "format cache file " + dir, "is a directory");
        assertEquals(8192, Files.size(existing), "a file that existed before is never deleted");
    }

    @Test
    void aConfigFileThatIsNotOneIsNamed() throws IOException {
        final Path jar = dir.resolve("tool.jar");
        Files.write(jar, new byte[] {'P', 'K', 3, 4, '\\', 'u', 'q', '\n'});
        fails(Errors.USAGE, new String[] {"check", "--config", jar.toString()}, jar.toString(),
            "not a properties file");
        fails(Errors.USAGE, new String[] {"check", "--config", dir.resolve("none").toString()},
            dir.resolve("none").toString(), "no such file");
    }

    @Test
    void checkOfAMissingFileIsAnErrorNotAProblemFound() {
        fails(Errors.FAILURE, new String[] {"check", "--cache-file", cache.toString()},
            "check cache file " + cache, "does not exist");
    }

    @Test
    void benchRejectsItsOptionsBeforeWritingAnything() {
        final Path benchBacking = dir.resolve("bench.backing");
        for (final String[] bad : List.of(new String[] {"--duration", "-5s"}, new String[] {"--duration", "0"},
            new String[] {"--cache-size", "1k"}, new String[] {"-s", "writeback.jobs=0"})) {
            final List<String> a = new ArrayList<>(List.of("bench", "--cache-file", cache.toString(), "--backing-file",
                benchBacking.toString(), "--backing-size", "64m", "--out", dir.resolve("report").toString(),
                "--keep-files"));
            a.addAll(List.of(bad));
            fails(Errors.USAGE, a.toArray(String[]::new), bad[0].equals("-s") ? "writeback.jobs"
                : bad[0].equals("--cache-size") ? "cache.size" : bad[1]);
            assertFalse(Files.exists(benchBacking), "bench wrote its backing file before rejecting " + a);
            assertFalse(Files.exists(dir.resolve("report")));
        }
    }

    @Test
    void writebackBenchRejectsANegativeBlockCount() {
        fails(Errors.USAGE, new String[] {"writeback-bench", "--blocks", "-5", "--dir", dir.toString()}, "--blocks",
            "-5");
        fails(Errors.USAGE, new String[] {"writeback-bench", "--jobs", "0", "--dir", dir.toString()},
            "writeback.jobs");
    }

    @Test
    void h2benchRejectsItsOptionsBeforeCreatingFolders() {
        final Path h2 = dir.resolve("h2");
        fails(Errors.USAGE, new String[] {"h2bench", "--dir", h2.toString(), "-s", "writeback.jobs=0"},
            "writeback.jobs");
        fails(Errors.USAGE, new String[] {"h2bench", "--dir", h2.toString(), "--cache-size", "12q"}, "--cache-size",
            "12q");
        fails(Errors.USAGE, new String[] {"h2bench", "--dir", h2.toString(), "--cache-dir",
            dir.resolve("none").toString()}, "--cache-dir");
        fails(Errors.USAGE, new String[] {"h2bench", "--dir", h2.toString(), "--out",
            dir.resolve("none").resolve("results.md").toString()}, "--out");
        assertFalse(Files.exists(h2), "h2bench created its folder before rejecting an option");
    }

    @Test
    void serveChecksItsExportNameBeforeFormatting() {
        fails(Errors.USAGE, serve("--export", "x".repeat(5000)), "--export", "4096");
        nothingCreated();
    }

    @Test
    void serveNamesTheAddressInUseAndDeletesTheCacheItFormatted() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            fails(Errors.FAILURE, serve("--port", Integer.toString(taken.getLocalPort())),
                "listen on 127.0.0.1:" + taken.getLocalPort(), "Address already in use");
        }
        nothingCreated();
    }

    @Test
    void badUsageIsOneLineWithAHint() {
        fails(Errors.USAGE, new String[] {"format", "--forse"}, "--forse", "did you mean --force", "--help");
        fails(Errors.USAGE, new String[] {"format", "-s", "cache.sise=1m", "--cache-file", "x"}, "'cache.sise'",
            "did you mean 'cache.size'");
        fails(Errors.USAGE, new String[] {"jmh", "-foo"}, "bad JMH option");
    }

    @Test
    void debugPrintsTheStackTrace() {
        final Cli.Run r = Cli.run("--debug", "check", "--cache-file", cache.toString());
        assertEquals(Errors.FAILURE, r.exit());
        assertTrue(r.err().contains("\tat org.writecache."), r.toString());
    }
}
