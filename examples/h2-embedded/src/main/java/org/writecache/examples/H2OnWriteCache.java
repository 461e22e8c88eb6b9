package org.writecache.examples;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.writecache.CacheStatus;
import org.writecache.WriteCache;
import org.writecache.WriteCacheConfig;
import org.writecache.h2.WriteCacheFilePath;

/**
 * Formats a cache on /dev/shm in front of an H2 database file on disk, runs H2 on it, closes the database, opens it
 * again from the cache and checks every row, then writes the cache back and shows its status.
 *
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -cp ... org.writecache.examples.H2OnWriteCache [directory]
 * </pre>
 */
public final class H2OnWriteCache {
    private H2OnWriteCache() {
    }

    /**
     * @param args optionally the directory for the database file (default: a new temporary directory).
     * @throws Exception if anything fails, or a row read back differs from the row written.
     */
    public static void main(final String[] args) throws Exception {
        final Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("writecache-example");
        final Path database = dir.resolve("orders.mv.db");
        final Path cacheFile = Files.isDirectory(Path.of("/dev/shm"))
            ? Files.createTempFile(Path.of("/dev/shm"), "orders-", ".wc") : dir.resolve("orders.wc");
        Files.delete(cacheFile); // the first open formats the cache: its file must not exist yet
        final WriteCacheConfig config = WriteCacheConfig.builder()
            .cacheFile(cacheFile).cacheSize(64L << 20)      // the persistent memory (tmpfs here, DAX in production)
            .backingFile(database).backingSize(256L << 20)   // the H2 database file on disk
            .build();
        WriteCacheFilePath.register(config);
        final String url = "jdbc:h2:writecache:" + dir.resolve("orders") + ";WRITE_DELAY=0";
        try {
            final int rows = 2_000;
            try (Connection c = DriverManager.getConnection(url)) {
                insert(c, rows);
            }
            try (Connection c = DriverManager.getConnection(url)) {
                verify(c, rows);
            }
            System.out.println("H2 on writecache: " + rows + " rows written, closed, reopened and verified");
            try (WriteCache cache = WriteCache.open(config)) {
                final long blocks = cache.writeback();
                final CacheStatus s = cache.status();
                System.out.println("wrote back " + blocks + " blocks to " + database + "; dirty now "
                    + s.dirtyBlocks() + ", free " + s.freeBlocks() + " of " + s.blocks());
            }
        } finally {
            Files.deleteIfExists(cacheFile);
        }
    }

    private static void insert(final Connection c, final int rows) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders(id INT PRIMARY KEY, item VARCHAR(64), quantity INT)");
        }
        c.setAutoCommit(false);
        try (PreparedStatement p = c.prepareStatement("INSERT INTO orders VALUES (?, ?, ?)")) {
            for (int i = 0; i < rows; i++) {
                p.setInt(1, i);
                p.setString(2, "item-" + i);
                p.setInt(3, i % 17);
                p.executeUpdate();
                if (i % 100 == 99) {
                    c.commit(); // durable in the cache when it returns
                }
            }
        }
        c.commit();
    }

    private static void verify(final Connection c, final int rows) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT id, item, quantity FROM orders"
            + " ORDER BY id")) {
            int expected = 0;
            while (r.next()) {
                if (r.getInt(1) != expected || !r.getString(2).equals("item-" + expected)
                    || r.getInt(3) != expected % 17) {
                    throw new IllegalStateException("row " + expected + " read back wrong: " + r.getInt(1) + ", "
                        + r.getString(2) + ", " + r.getInt(3));
                }
                expected++;
            }
            if (expected != rows) {
                throw new IllegalStateException(expected + " rows read back, " + rows + " written");
            }
        }
    }
}
