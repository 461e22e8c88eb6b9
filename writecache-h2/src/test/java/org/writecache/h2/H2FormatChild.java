package org.writecache.h2;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

import org.writecache.WriteCacheConfig;

/**
 * The process {@link H2FormatKillTest} kills while it opens an H2 database on a write cache for the first time (so
 * the cache is being formatted): loads every class it needs first, prints {@code OPENING}, opens the database
 * (open-or-format), creates a table and inserts a row, prints {@code DONE} and waits to be killed.
 *
 * <p>Arguments: cache file, database (backing) file, scratch directory for the warm-up database (its cache file goes
 * beside the cache file, with the suffix {@code .warm}).
 */
public final class H2FormatChild {
    private H2FormatChild() {
    }

    /** The configuration test and child share: a cache large enough that its format takes a while. */
    static WriteCacheConfig config(final Path cacheFile, final Path databaseFile) {
        return WriteCacheConfig.builder()
            .cacheFile(cacheFile).cacheSize(128L << 20)
            .backingFile(databaseFile).backingSize(64L << 20)
            .build();
    }

    /** Opens the database through the {@code writecache:} scheme and writes one row. */
    static void openAndWrite(final WriteCacheConfig config) throws Exception {
        try (Connection c = DriverManager.getConnection(H2Files.url(config, ";WRITE_DELAY=0"));
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS t(id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(100))");
            s.execute("INSERT INTO t(v) VALUES ('written')");
        }
    }

    /** Runs until killed. */
    public static void main(final String[] args) throws Exception {
        final Path scratch = Path.of(args[2]);
        final Path cacheFile = Path.of(args[0]);
        // warm-up: the same code paths on other files, so the timed part is the format itself
        final WriteCacheConfig warm = WriteCacheConfig.builder()
            .cacheFile(cacheFile.resolveSibling(cacheFile.getFileName() + ".warm")).cacheSize(4L << 20)
            .backingFile(scratch.resolve("warm" + WriteCacheFilePath.DATABASE_SUFFIX)).backingSize(4L << 20).build();
        WriteCacheFilePath.register(warm);
        openAndWrite(warm);
        Files.delete(warm.cacheFile());

        final WriteCacheConfig config = config(cacheFile, Path.of(args[1]));
        WriteCacheFilePath.register(config);
        System.out.println("OPENING");
        System.out.flush();
        openAndWrite(config);
        System.out.println("DONE");
        System.out.flush();
        System.in.read();
        throw new IOException("stdin closed before the kill");
    }
}
