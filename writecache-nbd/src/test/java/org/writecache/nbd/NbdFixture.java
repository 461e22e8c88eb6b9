package org.writecache.nbd;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import org.writecache.WriteCache;
import org.writecache.WriteCacheConfig;

/**
 * A cache (on /dev/shm, the emulated persistent memory) with its backing file (under target/), exported by an NBD
 * server on a Unix socket or on 127.0.0.1. Closing it stops the server, closes the cache and deletes every file.
 */
final class NbdFixture implements AutoCloseable {
    static final Path SHM = Path.of("/dev/shm");

    final Path dir;
    final WriteCacheConfig config;
    final WriteCache cache;
    final NbdExport export;
    final NbdServer server;
    private final List<Path> files = new ArrayList<>();

    private NbdFixture(final boolean unix, final UnaryOperator<WriteCacheConfig.Builder> settings) throws IOException {
        dir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "nbd-test")), "nbd").toAbsolutePath();
        final Path cacheFile = (Files.isDirectory(SHM) ? SHM : dir)
            .resolve("writecache-nbd-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".wc");
        files.add(cacheFile);
        config = settings.apply(WriteCacheConfig.builder()
            .cacheFile(cacheFile).cacheSize(32L << 20)
            .backingFile(dir.resolve("backing.img")).backingSize(64L << 20)).build();
        cache = WriteCache.format(config);
        export = new NbdExport(cache, "wc");
        server = unix ? NbdServer.unix(export, dir.resolve("nbd.sock"))
            : NbdServer.tcp(export, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /** A fixture serving on a Unix socket. */
    static NbdFixture unix() throws IOException {
        return new NbdFixture(true, b -> b);
    }

    /** A fixture serving on 127.0.0.1. */
    static NbdFixture tcp() throws IOException {
        return new NbdFixture(false, b -> b);
    }

    /** A fixture with extra cache settings. */
    static NbdFixture unix(final UnaryOperator<WriteCacheConfig.Builder> settings) throws IOException {
        return new NbdFixture(true, settings);
    }

    /** The URI with the empty (default) export name, as qemu uses it. */
    String defaultUri() {
        final String uri = server.uri();
        return uri.endsWith("/wc") ? uri.substring(0, uri.length() - 2) : uri.replace("///wc?", "///?");
    }

    @Override
    public void close() throws IOException {
        try (cache) {
            server.close();
        } finally {
            for (final Path p : files) {
                Files.deleteIfExists(p);
            }
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
