package org.writecache.nbd.client;

import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.writecache.nbd.NbdOptions;
import org.writecache.nbd.NbdProtocol;
import org.writecache.nbd.NbdProtocolException;
import org.writecache.nbd.NbdReply;
import org.writecache.nbd.NbdRequest;

/**
 * One connection to an NBD server in the transmission phase. Any number of threads send requests (one message at a
 * time on the wire, under {@link #sendLock}); one reader thread reads the replies, which may come in any order, and
 * matches them to their requests by cookie, reading a READ's data straight into its caller's buffer.
 *
 * <p>Once broken (the server closed it, an I/O error, a reply that makes no sense, a request without a reply by its
 * deadline, a send that makes no progress) it stays broken: every request in flight and every later one fails with a
 * {@link ConnectionLostException} naming the cause. A timer checks deadlines several times per timeout.
 */
final class ClientConnection implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ClientConnection.class.getName());
    private static final long NONE = Long.MIN_VALUE;
    /** One daemon thread for every connection's deadlines. */
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
        r -> Thread.ofPlatform().daemon().name("nbd-client-timer").unstarted(r));

    final NbdOptions.ExportInfo info;
    private final SocketChannel channel;
    private final String where;
    private final long timeoutNanos;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong cookies = new AtomicLong();
    private final ReentrantLock sendLock = new ReentrantLock();
    private final ByteBuffer header = ByteBuffer.allocateDirect(NbdRequest.SIZE);
    private final ByteBuffer[] message = new ByteBuffer[2];
    private final CountDownLatch readerExited = new CountDownLatch(1);
    private final ScheduledFuture<?> watchdog;
    private volatile long sendDeadline = NONE;
    private volatile IOException broken;

    private ClientConnection(final SocketChannel channel, final NbdOptions.ExportInfo info, final String where,
                             final Duration timeout) {
        this.channel = channel;
        this.info = info;
        this.where = where;
        this.timeoutNanos = timeout.toNanos();
        final long tick = Math.clamp(timeoutNanos / 4, TimeUnit.MILLISECONDS.toNanos(5), TimeUnit.SECONDS.toNanos(1));
        Thread.ofPlatform().daemon().name("nbd-client-reader " + where).start(this::readReplies);
        this.watchdog = TIMER.scheduleAtFixedRate(() -> expire(System.nanoTime()), tick, tick, TimeUnit.NANOSECONDS);
    }

    /**
     * Connects to {@code uri} and runs the handshake, both within {@code timeout}.
     *
     * @throws IOException naming the URI when the server cannot be reached or refuses the export.
     */
    static ClientConnection open(final NbdUri uri, final Duration timeout) throws IOException {
        final SocketChannel ch = SocketChannel.open(uri.isUnix() ? StandardProtocolFamily.UNIX
            : uri.address() instanceof java.net.InetSocketAddress a && a.getAddress() instanceof java.net.Inet6Address
            ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        final ScheduledFuture<?> limit = TIMER.schedule(() -> closeQuietly(ch), timeout.toNanos(),
            TimeUnit.NANOSECONDS);
        try {
            ch.connect(uri.address());
            if (!uri.isUnix()) {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            final NbdOptions.ExportInfo info = new ClientHandshake(ch, uri.exportName(), uri.toString()).run();
            if (!limit.cancel(false)) {
                throw new IOException("no handshake within " + timeout.toMillis() + " ms");
            }
            return new ClientConnection(ch, info, uri.toString(), timeout);
        } catch (final IOException | RuntimeException e) {
            final boolean timedOut = !limit.cancel(false) && !limit.isCancelled();
            closeQuietly(ch);
            if (timedOut) {
                throw new IOException(uri + ": no connection and handshake within " + timeout.toMillis() + " ms", e);
            }
            final String m = e.getMessage() == null ? e.toString() : e.getMessage();
            throw m.startsWith(uri.toString()) ? new IOException(m, e)
                : new IOException(uri + ": cannot connect: " + m, e);
        }
    }

    /** @return whether requests can still be sent. */
    boolean isAlive() {
        return broken == null;
    }

    /** @return why the connection broke, or null. */
    IOException brokenBecause() {
        return broken;
    }

    /**
     * Sends one request; its data, if any, is {@code payload}'s remaining bytes, all of it written before this returns.
     * Never throws for a broken connection: the request then comes back already failed.
     *
     * @param readInto where a READ's data goes; null otherwise.
     * @param onDone   run once when the request ends (reply or failure), on the thread that ends it.
     */
    Pending send(final int type, final int flags, final long offset, final int length, final ByteBuffer payload,
                 final ByteBuffer readInto, final Consumer<Pending> onDone) {
        final Pending p = new Pending(cookies.incrementAndGet(), type, offset, length, readInto,
            System.nanoTime() + timeoutNanos, onDone);
        pending.put(p.cookie, p);
        final IOException already = broken;
        if (already != null) {
            pending.remove(p.cookie);
            p.fail(lost(already));
            return p;
        }
        sendLock.lock();
        try {
            sendDeadline = System.nanoTime() + timeoutNanos;
            new NbdRequest(flags, type, p.cookie, offset, length).encode(header.clear());
            header.flip();
            message[0] = header;
            message[1] = payload == null ? header.slice(0, 0) : payload;
            while (header.hasRemaining() || message[1].hasRemaining()) {
                channel.write(message);
            }
        } catch (final IOException e) {
            fail(broken == null ? new IOException("sending " + p.describe() + " failed: " + e.getMessage(), e)
                : broken);
        } finally {
            sendDeadline = NONE;
            message[1] = null;
            sendLock.unlock();
        }
        return p;
    }

    /** Fails requests past their deadline, and a send that has made no progress since its deadline. */
    void expire(final long now) {
        if (broken != null) {
            return;
        }
        final long s = sendDeadline;
        if (s != NONE && now - s >= 0) {
            fail(new IOException("a request could not be sent within " + millis() + " ms (the server reads nothing)"));
            return;
        }
        for (final Pending p : pending.values()) {
            if (now - p.deadline >= 0) {
                fail(new IOException("no reply within " + millis() + " ms to " + p.describe()));
                return;
            }
        }
    }

    /** Breaks the connection (once): closes it and fails every request in flight with {@code cause}. */
    void fail(final IOException cause) {
        synchronized (this) {
            if (broken != null) {
                return;
            }
            broken = cause;
        }
        watchdog.cancel(false);
        closeQuietly(channel);
        for (final Pending p : pending.values()) {
            pending.remove(p.cookie);
            p.fail(lost(cause));
        }
    }

    /** Waits (briefly) until the reader thread has stopped writing into callers' buffers. */
    void awaitReader() {
        try {
            if (!readerExited.await(timeoutNanos, TimeUnit.NANOSECONDS)) {
                LOG.log(Level.WARNING, "{0}: reply reader still running after the connection broke", where);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private ConnectionLostException lost(final IOException cause) {
        return new ConnectionLostException(where + ": connection lost: " + cause.getMessage(), cause);
    }

    private long millis() {
        return TimeUnit.NANOSECONDS.toMillis(timeoutNanos);
    }

    private void readReplies() {
        final ByteBuffer h = ByteBuffer.allocateDirect(NbdReply.SIZE);
        Pending current = null;
        try {
            while (true) {
                readFully(h.clear());
                final NbdReply reply = NbdReply.decode(h.flip());
                current = pending.remove(reply.cookie());
                if (current == null) {
                    throw new NbdProtocolException("reply to unknown cookie " + reply.cookie());
                }
                if (current.type == NbdProtocol.CMD_READ && reply.error() == 0) {
                    readFully(current.readInto);
                }
                current.complete(reply.error());
                current = null;
            }
        } catch (final IOException e) {
            final IOException cause = broken != null ? broken
                : e instanceof EOFException ? new IOException("the server closed the connection", e) : e;
            fail(cause);
            if (current != null) {
                current.fail(lost(cause));
            }
        } catch (final RuntimeException e) {
            fail(new IOException("reply reader failed: " + e, e));
            if (current != null) {
                current.fail(lost(broken));
            }
        } finally {
            readerExited.countDown();
        }
    }

    private void readFully(final ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                throw new EOFException();
            }
        }
    }

    /** Sends NBD_CMD_DISC if the connection is alive, then closes it; requests in flight fail. */
    @Override
    public void close() {
        if (broken == null && sendLock.tryLock()) {
            try {
                new NbdRequest(0, NbdProtocol.CMD_DISC, 0, 0, 0).encode(header.clear());
                header.flip();
                while (header.hasRemaining()) {
                    channel.write(header);
                }
            } catch (final IOException e) {
                LOG.log(Level.DEBUG, "{0}: NBD_CMD_DISC not sent: {1}", where, e.toString());
            } finally {
                sendLock.unlock();
            }
        }
        fail(new IOException("closed by the client"));
        awaitReader();
    }

    private static void closeQuietly(final SocketChannel ch) {
        try {
            ch.close();
        } catch (final IOException e) {
            LOG.log(Level.DEBUG, "closing an NBD connection", e);
        }
    }
}
