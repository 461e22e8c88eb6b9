package org.writecache.h2;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.writecache.WriteCacheConfig;

/**
 * Files for an H2 database on a write cache in a test: the cache file on /dev/shm (emulated persistent memory), the
 * database directory under the build directory. Registered with {@code @RegisterExtension}; deletes both afterwards.
 */
final class H2Files implements AfterEachCallback {
    private static final Path SHM = Path.of("/dev/shm");
    private final List<Path> dirs = new ArrayList<>();
    private final List<Path> files = new ArrayList<>();

    /** @return a cache configuration for a fresh database named {@code name} (the JDBC path is its .mv.db stem). */
    WriteCacheConfig config(final String name) throws IOException {
        final String unique = "writecache-h2-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        final Path dir = Path.of("target", unique).toAbsolutePath();
        Files.createDirectories(dir);
        dirs.add(dir);
        final Path cache = (Files.isDirectory(SHM) ? SHM : dir).resolve(unique + ".wc");
        files.add(cache);
        return WriteCacheConfig.builder()
            .cacheFile(cache).cacheSize(16L << 20)
            .backingFile(dir.resolve(name + WriteCacheFilePath.DATABASE_SUFFIX)).backingSize(64L << 20)
            .build();
    }

    /** Deletes {@code file} afterwards too. */
    void track(final Path file) {
        files.add(file);
    }

    /** @return the JDBC URL of the database kept in {@code config}'s cache. */
    static String url(final WriteCacheConfig config, final String options) {
        final String file = config.backingFile().toString();
        return "jdbc:h2:" + WriteCacheFilePath.SCHEME + ":"
            + file.substring(0, file.length() - WriteCacheFilePath.DATABASE_SUFFIX.length()) + options;
    }

    @Override
    public void afterEach(final ExtensionContext context) throws IOException {
        for (final Path f : files) {
            Files.deleteIfExists(f);
        }
        for (final Path d : dirs) {
            try (Stream<Path> s = Files.list(d)) {
                for (final Path f : s.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(d);
        }
        files.clear();
        dirs.clear();
    }
}
