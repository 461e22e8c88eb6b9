package org.writecache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Temporary files for tests: cache files on /dev/shm (tmpfs, the emulated persistent memory), backing files under
 * the build directory (a disk). Registered with {@code @RegisterExtension}; deletes everything after each test.
 */
public final class TestFiles implements AfterEachCallback {
    private static final Path SHM = Path.of("/dev/shm");
    private final java.util.List<Path> created = new java.util.ArrayList<>();

    /** @return a fresh path for a cache file, on tmpfs where there is one. */
    public Path cacheFile() {
        return track(unique(Files.isDirectory(SHM) ? SHM : Path.of(System.getProperty("java.io.tmpdir")), ".wc"));
    }

    /** @return a configuration of a 1 MiB cache on fresh files in front of a 4 MiB backing file, no background thread. */
    public WriteCacheConfig.Builder smallCache() {
        return WriteCacheConfig.builder().cacheFile(cacheFile()).cacheSize(1 << 20)
            .backingFile(backingFile()).backingSize(4L << 20).background(false);
    }

    /** @return a fresh path for a backing file on disk. */
    public Path backingFile() {
        final Path dir = Path.of("target", "test-backing");
        try {
            Files.createDirectories(dir);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return track(unique(dir, ".img"));
    }

    /**
     * Copies a cache file while its cache is open: the image a process kill leaves on tmpfs (every store reached the
     * page cache, nothing more is done). Opening the copy runs recovery as after a crash.
     */
    public Path crashImage(final Path cacheFile) throws IOException {
        final Path copy = cacheFile();
        Files.copy(cacheFile, copy);
        return copy;
    }

    /** Deletes {@code p} after the test too. @return p */
    public Path track(final Path p) {
        created.add(p);
        return p;
    }

    private static Path unique(final Path dir, final String suffix) {
        return dir.resolve("writecache-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + suffix)
            .toAbsolutePath();
    }

    @Override
    public void afterEach(final ExtensionContext context) throws IOException {
        for (final Path p : created) {
            Files.deleteIfExists(p);
        }
        created.clear();
    }
}
