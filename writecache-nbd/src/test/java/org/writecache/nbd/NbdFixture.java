package org.writecache.nbd;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import org.writecache.BlockDevice;
import org.writecache.WriteCache;
import org.writecache.WriteCacheConfig;
import org.writecache.pmem.MappedPersistentMemory;

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

    /** Opens the backing device of a fixture's cache, for fixtures that decorate it (fault injection). */
    @FunctionalInterface
    interface DeviceFactory {
        BlockDevice open(WriteCacheConfig config) throws IOException;
    }

    private NbdFixture(final boolean unix, final UnaryOperator<WriteCacheConfig.Builder> settings) throws IOException {
        this(unix, settings, NbdServerLimits.defaults(), null);
    }

    private NbdFixture(final boolean unix, final UnaryOperator<WriteCacheConfig.Builder> settings,
                       final NbdServerLimits limits, final DeviceFactory device) throws IOException {
        dir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "nbd-test")), "nbd").toAbsolutePath();
        final Path cacheFile = (Files.isDirectory(SHM) ? SHM : dir)
            .resolve("writecache-nbd-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".wc");
        files.add(cacheFile);
        config = settings.apply(WriteCacheConfig.builder()
            .cacheFile(cacheFile).cacheSize(32L << 20)
            .backingFile(dir.resolve("backing.img")).backingSize(64L << 20)).build();
        cache = device == null ? WriteCache.format(config) : WriteCache.format(config,
            MappedPersistentMemory.create(config.cacheFile(), config.cacheSize(), config.flushPolicy(), false),
            device.open(config));
        export = new NbdExport(cache, "wc");
        server = unix ? NbdServer.unix(export, dir.resolve("nbd.sock"), limits)
            : NbdServer.tcp(export, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), limits);
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

    /** A fixture on a Unix socket with server limits and a backing device of the test's making. */
    static NbdFixture unix(final NbdServerLimits limits, final DeviceFactory device) throws IOException {
        return new NbdFixture(true, b -> b, limits, device);
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
