package org.writecache.nbd;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An NBD server for one {@link NbdExport}, on a TCP address or a Unix domain socket, with a platform thread per client.
 *
 * <p>Hostile or broken clients are contained by {@link NbdServerLimits}: at most {@code maxConnections} sessions (more
 * are closed at once), a handshake timeout, a timeout on stalls in the middle of a message, and payloads handled in
 * bounded pieces, so the server's buffers never exceed {@link NbdServerLimits#maxBufferedBytes()}. A watchdog thread
 * ends sessions past their deadline. Whatever happens on a session thread ends that session only. Failed requests
 * (every request fails while the cache is in its error state) are logged once in full, then counted.
 *
 * <p>{@link #close()} stops accepting, ends every session and waits for their threads; the export's cache stays
 * open (its owner commits and closes it). A Unix socket file is removed on close.
 */
public final class NbdServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NbdServer.class.getName());
    private static final long CLOSE_WAIT_MILLIS = 10_000;

    private final NbdExport export;
    private final NbdServerLimits limits;
    private final ServerSocketChannel listener;
    private final SocketAddress address;
    private final Path socketFile;
    private final Map<NbdConnection, Thread> sessions = new ConcurrentHashMap<>();
    private final AtomicLong sessionCount = new AtomicLong();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread acceptor;
    private final Thread watchdog;
    private final FailureLog requestFailures = new FailureLog(LOG, "NBD requests");
    private final FailureLog sessionFailures = new FailureLog(LOG, "NBD sessions ended early");
    private final AtomicBoolean closeStarted = new AtomicBoolean();
    private volatile boolean closing;

    private NbdServer(final NbdExport export, final ServerSocketChannel listener, final Path socketFile,
                      final NbdServerLimits limits) throws IOException {
        this.export = export;
        this.limits = Objects.requireNonNull(limits, "limits");
        this.listener = listener;
        this.address = listener.getLocalAddress();
        this.socketFile = socketFile;
        this.acceptor = Thread.ofPlatform().name("nbd-accept").start(this::accept);
        this.watchdog = Thread.ofPlatform().daemon().name("nbd-watchdog").start(this::watch);
    }

    /**
     * Serves {@code export} on a TCP address with the default limits.
     *
     * @param address where to listen, for example {@code 127.0.0.1:10809}; port 0 picks a free port.
     */
    public static NbdServer tcp(final NbdExport export, final InetSocketAddress address) throws IOException {
        return tcp(export, address, NbdServerLimits.defaults());
    }

    /**
     * Serves {@code export} on a TCP address.
     *
     * @param address where to listen, for example {@code 127.0.0.1:10809}; port 0 picks a free port.
     * @param limits  what clients may take.
     */
    public static NbdServer tcp(final NbdExport export, final InetSocketAddress address, final NbdServerLimits limits)
        throws IOException {
        final ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.INET);
        try {
            ch.bind(address);
            return new NbdServer(export, ch, null, limits);
        } catch (final IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Serves {@code export} on a Unix domain socket with the default limits; see {@link #unix(NbdExport, Path,
     * NbdServerLimits)}. */
    public static NbdServer unix(final NbdExport export, final Path path) throws IOException {
        return unix(export, path, NbdServerLimits.defaults());
    }

    /**
     * Serves {@code export} on a Unix domain socket.
     *
     * @param limits what clients may take.
     * @throws IOException if {@code path} already exists (a stale socket must be removed by whoever left it).
     */
    public static NbdServer unix(final NbdExport export, final Path path, final NbdServerLimits limits)
        throws IOException {
        if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("socket path " + path + " already exists; remove it or choose another");
        }
        final ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(path));
            return new NbdServer(export, ch, path, limits);
        } catch (final IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** @return the address the server listens on (with the real port when port 0 was asked for). */
    public SocketAddress address() {
        return address;
    }

    /** @return the NBD URI clients connect to, for qemu, nbdcopy and fio. */
    public String uri() {
        if (socketFile != null) {
            return "nbd+unix:///" + export.name() + "?socket=" + socketFile.toAbsolutePath();
        }
        final InetSocketAddress a = (InetSocketAddress) address;
        return "nbd://" + a.getAddress().getHostAddress() + ":" + a.getPort() + "/" + export.name();
    }

    /** @return sessions currently open. */
    public int activeSessions() {
        return sessions.size();
    }

    /** @return the limits this server enforces. */
    public NbdServerLimits limits() {
        return limits;
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    private void accept() {
        while (!closing) {
            final SocketChannel client;
            try {
                client = listener.accept();
            } catch (final AsynchronousCloseException e) {
                return;
            } catch (final IOException e) {
                if (!closing) {
                    LOG.log(Level.ERROR, "accept failed; the server stops accepting", e);
                }
                return;
            }
            final String peer = "nbd client " + sessionCount.incrementAndGet();
            if (sessions.size() >= limits.maxConnections()) {
                sessionFailures.failed(peer + ": refused, " + limits.maxConnections() + " sessions are open (the "
                    + "maximum)", null);
                closeQuietly(client);
                continue;
            }
            final NbdConnection session = new NbdConnection(export, client, peer, limits, requestFailures,
                sessionFailures, sessions::remove);
            final Thread thread = Thread.ofPlatform().name(peer).unstarted(session);
            sessions.put(session, thread);
            thread.start();
            if (closing) {
                session.close();
            }
        }
    }

    /** Ends sessions past their deadline, checking eight times per shortest timeout (at most once a second). */
    private void watch() {
        final long tick = Math.clamp(Math.min(limits.handshakeTimeout().toNanos(), limits.requestTimeout().toNanos())
            / 8, TimeUnit.MILLISECONDS.toNanos(5), TimeUnit.SECONDS.toNanos(1));
        while (!closing) {
            final long now = System.nanoTime();
            for (final NbdConnection session : sessions.keySet()) {
                session.expire(now);
            }
            LockSupport.parkNanos(this, tick);
        }
    }

    private static void closeQuietly(final SocketChannel client) {
        try {
            client.close();
        } catch (final IOException e) {
            LOG.log(Level.DEBUG, "closing a refused connection", e);
        }
    }

    /** Stops accepting, ends every session and waits (up to ten seconds) for their threads. */
    @Override
    public void close() throws IOException {
        if (!closeStarted.compareAndSet(false, true)) {
            awaitQuietly();
            return;
        }
        closing = true;
        try {
            listener.close();
            acceptor.join(CLOSE_WAIT_MILLIS);
            sessions.keySet().forEach(NbdConnection::close);
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
            for (final Thread t : sessions.values()) {
                final long left = deadline - System.nanoTime();
                if (left > 0) {
                    t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            }
            if (!sessions.isEmpty()) {
                LOG.log(Level.WARNING, "{0} NBD sessions still running after close", sessions.size());
            }
            LockSupport.unpark(watchdog);
            watchdog.join(CLOSE_WAIT_MILLIS);
            requestFailures.close();
            sessionFailures.close();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (socketFile != null) {
                Files.deleteIfExists(socketFile);
            }
            closed.countDown();
        }
    }

    private void awaitQuietly() {
        try {
            closed.await();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
