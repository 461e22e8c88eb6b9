package org.writecache.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.writecache.WriteCacheConfig;

/**
 * A process killed with SIGKILL while it opens an H2 database on a write cache for the first time, that is while the
 * cache is being formatted, must leave files that the next open of the database accepts: formatting is atomic, so the
 * cache file is either absent (the next open formats it) or a complete cache, never a full-size file without a
 * superblock that every later open refuses.
 *
 * <p>The kill moment is random: a delay drawn uniformly from the first 80% of the time a first, unkilled open took
 * (measured in this run, after the child has loaded its classes), so most kills land inside the format; the test
 * fails if none did. {@code -Dwritecache.formatkill.runs}
 * sets the number of kills; {@code -Dwritecache.formatkill.seed} replays a run.
 */
class H2FormatKillTest {
    private static final int KILLS = Integer.getInteger("writecache.formatkill.runs", 6);

    /** Kills fall in this fraction of the unkilled open: the format is its first part, H2's own work the rest. */
    private static final double WINDOW = 0.8;

    @RegisterExtension
    final H2Files files = new H2Files();

    @Test
    void anOpenKilledWhileItFormatsTheCacheLeavesADatabaseThatOpens() throws Exception {
        final long seed = Long.getLong("writecache.formatkill.seed", System.nanoTime());
        final Random rnd = new Random(seed);
        final WriteCacheConfig template = files.config("formatkill");
        final WriteCacheConfig config = H2FormatChild.config(template.cacheFile(), template.backingFile());
        final Path dir = config.backingFile().getParent();
        final Path building = config.cacheFile().resolveSibling(config.cacheFile().getFileName() + ".format");
        files.track(building);
        WriteCacheFilePath.register(config);

        final long calibration = runChild(config, dir, -1, "calibration");
        int beforeFormat = 0;
        int duringFormat = 0;
        int afterFormat = 0;
        for (int kill = 1; kill <= KILLS; kill++) {
            final String why = "seed " + seed + ", kill " + kill;
            Files.deleteIfExists(config.cacheFile());
            Files.deleteIfExists(config.backingFile());
            runChild(config, dir, (long) (rnd.nextDouble() * WINDOW * calibration), why);
            if (Files.exists(config.cacheFile())) {
                afterFormat++;
            } else if (Files.exists(building)) {
                duringFormat++;
            } else {
                beforeFormat++;
            }
            H2FormatChild.openAndWrite(config);
            try (Connection c = DriverManager.getConnection(H2Files.url(config, ";IFEXISTS=TRUE"));
                 Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT COUNT(*) FROM t")) {
                r.next();
                assertTrue(r.getInt(1) >= 1, why + ": the row written after the kill is missing");
            }
        }
        System.out.printf("format kill: seed %d, %d SIGKILLs: %d before the format began, %d during it, %d after it"
            + " completed (%.0f ms from OPENING to DONE)%n", seed, KILLS, beforeFormat, duringFormat, afterFormat,
            calibration / 1e6);
        assertTrue(duringFormat > 0, "seed " + seed + ": no kill landed inside a format, the test proved nothing");
    }

    /**
     * Runs the child on fresh files; kills it {@code delayNanos} after it says OPENING, or lets it finish opening if
     * negative.
     *
     * @return nanoseconds from OPENING to DONE (-1 if killed).
     */
    private static long runChild(final WriteCacheConfig config, final Path dir, final long delayNanos,
                                 final String why) throws IOException, InterruptedException {
        final Path stderr = dir.resolve("format-child.err");
        final List<String> cmd = ChildJvm.command(H2FormatChild.class, config.cacheFile().toString(),
            config.backingFile().toString(), dir.toString());
        final Process child = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
        try (BufferedReader out = new BufferedReader(
            new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            if (!"OPENING".equals(out.readLine())) {
                fail(why + ": child did not start: " + Files.readString(stderr));
            }
            final long opening = System.nanoTime();
            if (delayNanos < 0) {
                if (!"DONE".equals(out.readLine())) {
                    fail(why + ": child did not open the database: " + Files.readString(stderr));
                }
                return System.nanoTime() - opening;
            }
            // the kill moment: a random point of the open, not a wait for anything
            final long deadline = opening + delayNanos;
            while (System.nanoTime() < deadline && child.isAlive()) {
                Thread.onSpinWait();
            }
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), why + ": child did not die");
            assertEquals(137, child.exitValue(), why + ": child was not killed by SIGKILL: "
                + Files.readString(stderr));
            return -1;
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
