package org.writecache.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.writecache.SettingsText;

/** Configuration on the command line: the same options and value forms on every command, logging one line each. */
class CommandLineConfigTest {
    @TempDir
    Path dir;

    @Test
    void everyCacheCommandTakesConfigurationTheSameWay() {
        for (final String c : List.of("format", "check", "status", "flush", "dump", "table", "serve", "config")) {
            final Cli.Run r = Cli.run(c, "--help");
            assertEquals(0, r.exit(), c);
            for (final String option : List.of("--config", "--set", "--table", "--cache-file", "--backing-file")) {
                assertTrue(r.out().contains(option), c + " lacks " + option + ":\n" + r.out());
            }
        }
        for (final String c : List.of("bench", "h2bench")) {
            final String help = Cli.run(c, "--help").out();
            assertTrue(help.contains("--config") && help.contains("--set"), c + ":\n" + help);
        }
    }

    @Test
    void valuesTakeTheFormsOfThePropertiesFileEverywhere() {
        final Cli.Run r = Cli.run("config", "--cache-file", "/dev/shm/x", "--block-size", "4kib", "--cache-size",
            "1.5g", "-s", "autocommit.time=1.5s", "-D", "pmem.flush=fence-only", "--table",
            "writecache p /var/b /dev/shm/x 512 1 fua");
        assertEquals(0, r.exit(), r.toString());
        for (final String line : List.of("block.size=4096", "cache.size=1536m", "autocommit.time=1500ms",
            "pmem.flush=fence-only", "writeback.fua=true", "backing.file=/var/b")) {
            assertTrue(r.out().lines().anyMatch(line::equals), line + " missing:\n" + r.out());
        }
    }

    @Test
    void choicesOnTheCommandLineTakeTheSpellingOfThePropertiesFile() {
        final Cli.Run r = Cli.run("bench", "--flush-policies", "fence-only,MSYNC", "--backends", "ffm,nope");
        assertEquals(Errors.USAGE, r.exit(), r.toString());
        assertTrue(r.err().contains("--backends") && r.err().contains("'nope'") && r.err().contains("ffm, chronicle")
            && !r.err().contains("--flush-policies"), r.err());
    }

    @Test
    void configDefaultsPrintsTheShippedFile() throws IOException {
        final Cli.Run r = Cli.run("config", "--defaults");
        assertEquals(SettingsText.propertiesFile(), r.out());
        assertEquals(Files.readString(Path.of("..", "config", "writecache.properties")), r.out());
        assertEquals(SettingsText.markdownTable(), Cli.run("config", "--markdown").out());
    }

    @Test
    void theLibrarysLogRecordsAreOneLineEachAndOnlyWhenAsked() {
        final Path cache = Path.of("/dev/shm", "writecache-log-" + ProcessHandle.current().pid() + ".wc");
        final String[] format = {"format", "-q", "--force", "--cache-file", cache.toString(), "--cache-size", "1m",
            "--backing-file", dir.resolve("b.img").toString(), "--backing-size", "4m"};
        try {
            final Cli.Run quiet = Cli.run(format);
            assertEquals(0, quiet.exit(), quiet.toString());
            assertEquals("", quiet.err(), "no INFO record without --verbose");
            final String[] verbose = new String[format.length + 1];
            verbose[0] = "--verbose";
            System.arraycopy(format, 0, verbose, 1, format.length);
            final Cli.Run loud = Cli.run(verbose);
            assertEquals(0, loud.exit(), loud.toString());
            assertEquals(1, loud.errLines().size(), loud.err());
            assertTrue(loud.errLines().get(0).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO WriteCache: formatted .*"),
                loud.err());
        } finally {
            try {
                Files.deleteIfExists(cache);
            } catch (final IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
