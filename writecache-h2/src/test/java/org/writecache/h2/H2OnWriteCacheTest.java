package org.writecache.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.writecache.WriteCacheConfig;

class H2OnWriteCacheTest {
    private static final int ACCOUNTS = 1000;
    private static final int ROWS = 20_000;
    private static final int BATCH = 500;

    @RegisterExtension
    final H2Files files = new H2Files();

    @Test
    void tablesInsertsAndUpdatesSurviveCloseAndReopen() throws Exception {
        final long seed = System.nanoTime();
        final Random rnd = new Random(seed);
        final String why = "seed " + seed;
        final WriteCacheConfig config = files.config("bank");
        WriteCacheFilePath.register(config);
        final String url = H2Files.url(config, ";WRITE_DELAY=0");
        final long[] balances = new long[ACCOUNTS];
        long historySum = 0;
        try (Connection c = DriverManager.getConnection(url)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE account(id INT PRIMARY KEY, balance BIGINT NOT NULL)");
                s.execute("CREATE TABLE history(id INT PRIMARY KEY, account INT NOT NULL, delta BIGINT NOT NULL,"
                    + " note VARCHAR(100))");
                s.execute("INSERT INTO account SELECT X, 0 FROM SYSTEM_RANGE(0, " + (ACCOUNTS - 1) + ")");
            }
            c.commit();
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO history VALUES (?, ?, ?, ?)");
                 PreparedStatement upd = c.prepareStatement("UPDATE account SET balance = balance + ? WHERE id = ?")) {
                for (int id = 0; id < ROWS; id++) {
                    final int account = rnd.nextInt(ACCOUNTS);
                    final long delta = rnd.nextInt(2001) - 1000;
                    ins.setInt(1, id);
                    ins.setInt(2, account);
                    ins.setLong(3, delta);
                    ins.setString(4, "row " + id + " of seed " + seed);
                    ins.executeUpdate();
                    upd.setLong(1, delta);
                    upd.setInt(2, account);
                    upd.executeUpdate();
                    balances[account] += delta;
                    historySum += delta;
                    if (id % BATCH == BATCH - 1) {
                        c.commit();
                    }
                }
            }
            c.commit();
        }
        assertTrue(Files.size(config.cacheFile()) > 0, why);
        try (Connection c = DriverManager.getConnection(url + ";IFEXISTS=TRUE");
             Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT COUNT(*), SUM(delta) FROM history")) {
                r.next();
                assertEquals(ROWS, r.getInt(1), why);
                assertEquals(historySum, r.getLong(2), why);
            }
            try (ResultSet r = s.executeQuery("SELECT id, balance FROM account ORDER BY id")) {
                for (int i = 0; i < ACCOUNTS; i++) {
                    assertTrue(r.next(), why);
                    assertEquals(balances[i], r.getLong(2), why + ": account " + i);
                }
            }
        }
    }

    @Test
    void anUnregisteredDatabaseFileIsNamedInTheError() throws Exception {
        final WriteCacheConfig config = files.config("known");
        WriteCacheFilePath.register(config);
        final Path other = config.backingFile().resolveSibling("unknown");
        final SQLException e = assertThrows(SQLException.class,
            () -> DriverManager.getConnection("jdbc:h2:writecache:" + other).close());
        assertTrue(String.valueOf(e.getMessage()).contains("WriteCacheFilePath.register")
            || String.valueOf(e.getCause()).contains("WriteCacheFilePath.register"), String.valueOf(e));
    }

    @Test
    void aBackingFileThatIsNotAnH2DatabaseFileIsRejected() {
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> WriteCacheFilePath.register(WriteCacheConfig.builder().cacheFile(Path.of("/dev/shm/x.wc"))
                .backingFile(Path.of("/tmp/db.img")).build()));
        assertTrue(e.getMessage().contains("/tmp/db.img"), e.getMessage());
    }
}
