package org.writecache.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import org.writecache.WriteCache;
import org.writecache.WriteCacheConfig;
import org.writecache.bench.cli.ConfigOptions;
import org.writecache.bench.cli.CreatedFiles;
import org.writecache.bench.cli.Errors;
import org.writecache.nbd.NbdExport;
import org.writecache.nbd.NbdProtocol;
import org.writecache.nbd.NbdServer;
import org.writecache.nbd.NbdServerLimits;
import org.writecache.stats.CountersFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code writecache serve}: exports a cache as a network block device until SIGINT or SIGTERM, then stops the server
 * and closes the cache (which commits every acknowledged write). Every option is checked before the cache is opened or
 * formatted; a serve that fails after formatting deletes the files the format created.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serve a write cache over NBD (fixed newstyle) for qemu, nbdcopy, nbdinfo and fio.",
        "Opens the cache in cache.file, or formats one when the file does not exist (or with --format).",
        "Prints the NBD URI to connect to once it listens; SIGINT or SIGTERM commits and closes the cache."})
public final class ServeCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ConfigOptions options;

    @Option(names = "--format", description = "Format the cache even if the cache file exists (needs format.force "
        + "when it holds a valid cache).")
    private boolean format;

    @Option(names = "--socket", paramLabel = "PATH", description = "Listen on this Unix domain socket instead of TCP.")
    private Path socket;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "10809",
        description = "TCP port on 127.0.0.1 (default ${DEFAULT-VALUE}; 0 picks a free one).")
    private int port;

    @Option(names = "--export", paramLabel = "NAME", defaultValue = "writecache",
        description = "Export name (default ${DEFAULT-VALUE}); the empty default export name is accepted too.")
    private String exportName;

    @Option(names = "--max-connections", paramLabel = "N", description = "Sessions served at once; more are closed at "
        + "once (default " + NbdServerLimits.MAX_CONNECTIONS_DEFAULT + ").")
    private int maxConnections = NbdServerLimits.MAX_CONNECTIONS_DEFAULT;

    @Option(names = "--handshake-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
        description = "Time a client has to finish the handshake (default 10s).")
    private Duration handshakeTimeout = NbdServerLimits.HANDSHAKE_TIMEOUT_DEFAULT;

    @Option(names = "--request-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
        description = "Longest stall of a client in the middle of a request or a reply (default 60s).")
    private Duration requestTimeout = NbdServerLimits.REQUEST_TIMEOUT_DEFAULT;

    @Override
    public Integer call() throws IOException, InterruptedException {
        final WriteCacheConfig cfg = ConfigOptions.requireBacking(options.build());
        final NbdServerLimits limits = validate();
        final boolean formatting = format || !Files.exists(cfg.cacheFile());
        final NbdServer server;
        final WriteCache cache;
        try (CreatedFiles created = CreatedFiles.watch(cfg.cacheFile(), cfg.backingFile(),
            CountersFile.pathFor(cfg.cacheFile()))) {
            cache = Errors.during((formatting ? "format" : "open") + " cache file " + cfg.cacheFile(),
                cfg.cacheFile(), () -> formatting ? WriteCache.format(cfg) : WriteCache.open(cfg));
            try {
                final NbdExport export = new NbdExport(cache, exportName);
                server = socket != null
                    ? Errors.during("listen on socket " + socket, socket, () -> NbdServer.unix(export, socket, limits))
                    : Errors.during("listen on 127.0.0.1:" + port, null,
                        () -> NbdServer.tcp(export, new InetSocketAddress("127.0.0.1", port), limits));
            } catch (final IOException | RuntimeException e) {
                cache.close();
                throw e;
            }
            created.keep();
        }
        final Thread stop = Thread.ofPlatform().unstarted(() -> shutdown(server, cache));
        Runtime.getRuntime().addShutdownHook(stop);
        final PrintWriter out = spec.commandLine().getOut();
        out.println("serving " + cache.size() + " bytes in blocks of " + cache.blockSize() + " at " + server.uri());
        out.flush();
        server.awaitClose();
        return Errors.OK;
    }

    /**
     * Everything that can be checked without the cache, checked before the cache is touched.
     *
     * @return the server's limits.
     */
    private NbdServerLimits validate() {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port must be 0 to 65535: " + port);
        }
        if (exportName.getBytes(StandardCharsets.UTF_8).length > NbdProtocol.MAX_NAME_LENGTH) {
            throw new ParameterException(spec.commandLine(), "--export: the name is longer than "
                + NbdProtocol.MAX_NAME_LENGTH + " bytes");
        }
        if (socket != null && Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            throw new ParameterException(spec.commandLine(), "--socket " + socket + " already exists; remove it or "
                + "choose another");
        }
        if (socket != null && socket.toAbsolutePath().getParent() != null
            && !Files.isDirectory(socket.toAbsolutePath().getParent())) {
            throw new ParameterException(spec.commandLine(), "--socket " + socket + ": its directory does not exist");
        }
        try {
            return NbdServerLimits.defaults().withMaxConnections(maxConnections)
                .withHandshakeTimeout(handshakeTimeout).withRequestTimeout(requestTimeout);
        } catch (final IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private static void shutdown(final NbdServer server, final WriteCache cache) {
        try (cache) {
            server.close();
        } catch (final IOException e) {
            System.err.println("writecache serve: closing failed: " + e);
            return;
        }
        System.err.println("writecache serve: stopped, cache committed and closed");
    }
}
