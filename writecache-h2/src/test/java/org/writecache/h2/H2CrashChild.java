package org.writecache.h2;

import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.Random;

import org.writecache.WriteCacheConfig;

/**
 * The process {@link H2CrashTest} kills: runs bank transactions on an H2 database kept in a write cache, with
 * {@code WRITE_DELAY=0}, and after each {@code commit()} has returned appends {@code <id>} to a log file (one
 * unbuffered write: it survives the kill) and prints it on stdout (progress for the test), until it is killed.
 *
 * <p>Arguments: cache file, database (backing) file, first transaction id, random seed, commit log file.
 */
public final class H2CrashChild {
    static final int ACCOUNTS = 100;
    static final String OPTIONS = ";WRITE_DELAY=0";

    private H2CrashChild() {
    }

    /** The cache configuration both the test and the child use. */
    static WriteCacheConfig config(final Path cacheFile, final Path databaseFile) {
        return WriteCacheConfig.builder()
            .cacheFile(cacheFile).cacheSize(8L << 20)
            .backingFile(databaseFile).backingSize(64L << 20)
            .build();
    }

    /** Runs transactions until killed. */
    public static void main(final String[] args) throws Exception {
        final WriteCacheConfig config = config(Path.of(args[0]), Path.of(args[1]));
        int id = Integer.parseInt(args[2]);
        final Random rnd = new Random(Long.parseLong(args[3]));
        WriteCacheFilePath.register(config);
        try (FileOutputStream log = new FileOutputStream(args[4], true);
             Connection c = DriverManager.getConnection(H2Files.url(config, OPTIONS))) {
            c.setAutoCommit(false);
            System.out.println("READY");
            System.out.flush();
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO history VALUES (?, ?, ?, ?)");
                 PreparedStatement upd = c.prepareStatement("UPDATE account SET balance = balance + ? WHERE id = ?")) {
                while (true) {
                    final int account = rnd.nextInt(ACCOUNTS);
                    final long delta = rnd.nextInt(2001) - 1000;
                    ins.setInt(1, id);
                    ins.setInt(2, account);
                    ins.setLong(3, delta);
                    ins.setString(4, "x".repeat(rnd.nextInt(3000)));
                    ins.executeUpdate();
                    upd.setLong(1, delta);
                    upd.setInt(2, account);
                    upd.executeUpdate();
                    c.commit();
                    log.write((id + "\n").getBytes(StandardCharsets.US_ASCII));
                    System.out.println("C " + id);
                    System.out.flush();
                    id++;
                }
            }
        }
    }
}
