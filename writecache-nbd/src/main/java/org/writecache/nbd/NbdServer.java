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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An NBD server for one {@link NbdExport}, on a TCP address or a Unix domain socket, with a platform thread per client.
 *
 * <p>{@link #close()} stops accepting, ends every session and waits for their threads; the export's cache stays
 * open (its owner commits and closes it). A Unix socket file is removed on close.
 */
public final class NbdServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NbdServer.class.getName());
    private static final long CLOSE_WAIT_MILLIS = 10_000;

    private final NbdExport export;
    private final ServerSocketChannel listener;
    private final SocketAddress address;
    private final Path socketFile;
    private final Map<NbdConnection, Thread> sessions = new ConcurrentHashMap<>();
    private final AtomicLong sessionCount = new AtomicLong();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread acceptor;
    private final AtomicBoolean closeStarted = new AtomicBoolean();
    private volatile boolean closing;

    private NbdServer(final NbdExport export, final ServerSocketChannel listener, final Path socketFile)
        throws IOException {
        this.export = export;
        this.listener = listener;
        this.address = listener.getLocalAddress();
        this.socketFile = socketFile;
        this.acceptor = Thread.ofPlatform().name("nbd-accept").start(this::accept);
    }

    /**
     * Serves {@code export} on a TCP address.
     *
     * @param address where to listen, for example {@code 127.0.0.1:10809}; port 0 picks a free port.
     */
    public static NbdServer tcp(final NbdExport export, final InetSocketAddress address) throws IOException {
        final ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.INET);
        try {
            ch.bind(address);
            return new NbdServer(export, ch, null);
        } catch (final IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Serves {@code export} on a Unix domain socket.
     *
     * @throws IOException if {@code path} already exists (a stale socket must be removed by whoever left it).
     */
    public static NbdServer unix(final NbdExport export, final Path path) throws IOException {
        if (Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("socket path " + path + " already exists; remove it or choose another");
        }
        final ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(path));
            return new NbdServer(export, ch, path);
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
            final NbdConnection session = new NbdConnection(export, client, peer, sessions::remove);
            final Thread thread = Thread.ofPlatform().name(peer).unstarted(session);
            sessions.put(session, thread);
            thread.start();
            if (closing) {
                session.close();
            }
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
