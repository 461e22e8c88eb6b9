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
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.writecache.WriteCacheConfig;

/**
 * Kills a process running H2 transactions on a write cache with SIGKILL at random moments, reopens the database after
 * each kill, and checks that every transaction whose {@code commit()} returned is there, that no transaction is half
 * there, and that H2 opens the database without complaint.
 */
class H2CrashTest {
    private static final int KILLS = 20;
    private static final int MAX_COMMITS_BEFORE_KILL = 80;

    @RegisterExtension
    final H2Files files = new H2Files();

    @Test
    void everyCommittedTransactionSurvivesSigkill() throws Exception {
        final long seed = System.nanoTime();
        final Random rnd = new Random(seed);
        final WriteCacheConfig template = files.config("crash");
        final WriteCacheConfig config = H2CrashChild.config(template.cacheFile(), template.backingFile());
        WriteCacheFilePath.register(config);
        final String url = H2Files.url(config, H2CrashChild.OPTIONS);
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE account(id INT PRIMARY KEY, balance BIGINT NOT NULL)");
            s.execute("CREATE TABLE history(id INT PRIMARY KEY, account INT NOT NULL, delta BIGINT NOT NULL,"
                + " pad VARCHAR(4000))");
            s.execute("INSERT INTO account SELECT X, 0 FROM SYSTEM_RANGE(0, " + (H2CrashChild.ACCOUNTS - 1) + ")");
        }
        final Path stderr = config.backingFile().resolveSibling("child.err");
        final Path commitLog = config.backingFile().resolveSibling("commits.log");
        int committed = 0;
        for (int round = 0; round < KILLS; round++) {
            final int killAfter = rnd.nextInt(MAX_COMMITS_BEFORE_KILL + 1);
            final String why = "seed " + seed + ", round " + round + ", kill after " + killAfter + " commits";
            final Process child = start(config, committed + 1, rnd.nextLong(), commitLog, stderr);
            try (BufferedReader out = new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line = out.readLine();
                if (!"READY".equals(line)) {
                    fail(why + ": child did not start (" + line + "): " + Files.readString(stderr));
                }
                for (int seen = 0; seen < killAfter; seen++) {
                    if (out.readLine() == null) {
                        fail(why + ": child stopped by itself: " + Files.readString(stderr));
                    }
                }
                child.destroyForcibly();
                assertTrue(child.waitFor(30, TimeUnit.SECONDS), why + ": child did not die");
            } finally {
                child.destroyForcibly();
            }
            assertEquals(137, child.exitValue(), why + ": child was not killed by SIGKILL");
            final List<String> log = Files.readAllLines(commitLog);
            final int lastLogged = log.isEmpty() ? 0 : Integer.parseInt(log.getLast());
            committed = verify(url, lastLogged, why);
        }
        assertTrue(committed > 0, "seed " + seed + ": no transaction committed in " + KILLS + " rounds");
    }

    /** Checks the reopened database and returns the id of its last transaction. */
    private static int verify(final String url, final int lastLogged, final String why) throws SQLException {
        try (Connection c = DriverManager.getConnection(url + ";IFEXISTS=TRUE"); Statement s = c.createStatement()) {
            final int count;
            final int max;
            final long deltas;
            try (ResultSet r = s.executeQuery("SELECT COUNT(*), COALESCE(MAX(id), 0), COALESCE(SUM(delta), 0)"
                + " FROM history")) {
                r.next();
                count = r.getInt(1);
                max = r.getInt(2);
                deltas = r.getLong(3);
            }
            assertTrue(max >= lastLogged, why + ": transaction " + lastLogged + " was committed and logged, but the"
                + " database ends at " + max);
            assertTrue(max <= lastLogged + 1, why + ": database holds transaction " + max + ", only "
                + lastLogged + " were logged and one more could be in flight");
            assertEquals(max, count, why + ": transactions 1.." + max + " are not all there");
            try (ResultSet r = s.executeQuery("SELECT SUM(balance) FROM account")) {
                r.next();
                assertEquals(deltas, r.getLong(1), why + ": balances disagree with the history: a transaction is"
                    + " half there");
            }
            return max;
        }
    }

    private static Process start(final WriteCacheConfig config, final int firstId, final long seed,
                                 final Path commitLog, final Path stderr) throws IOException {
        final List<String> cmd = ChildJvm.command(H2CrashChild.class, config.cacheFile().toString(),
            config.backingFile().toString(), String.valueOf(firstId), String.valueOf(seed), commitLog.toString());
        return new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
    }
}
