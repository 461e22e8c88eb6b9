package org.writecache.nbd.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.writecache.BlockDevice;
import org.writecache.nbd.NbdOptions;
import org.writecache.nbd.NbdProtocol;

/**
 * A {@link BlockDevice} on an export of any NBD server (nbdkit, qemu-nbd or qemu-storage-daemon, nbd-server, this
 * project's own), so a cache in persistent memory can sit in front of remote storage and acknowledge a durable write
 * with a local commit instead of a network round trip.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>One connection ({@link ClientConnection}) carries every request; replies may come in any order and a reader
 * thread matches them by cookie. Requests are split to the server's maximum payload (NBD_INFO_BLOCK_SIZE, at most
 * 32 MiB) and to an eighth of the window, so that a long run keeps several requests in flight; at most
 * {@code windowBlocks} blocks ({@code writeback.jobs}) are in flight at once.
 * {@link #writeQueued} only sends, so writeback keeps many runs in flight; {@link #sync} waits for them and sends
 * NBD_CMD_FLUSH. {@link #writeFua} sets NBD_CMD_FLAG_FUA when the server offers it (else write and flush); {@link
 * #discard} sends NBD_CMD_TRIM when the server offers it. Since a server may execute requests in any order, a request
 * that overlaps a write still in flight waits for it ({@link InFlightWrites}).
 *
 * <p>Failures are reported the way dm-writecache treats a failing disk: every {@link IOException} names the URI and
 * the byte range. A queued write that fails, or that was in flight or unflushed when the connection was lost (the
 * server may not have kept it), makes every later {@link #sync} fail: the cache then enters its sticky error state and
 * frees nothing. Every request has a deadline ({@code requestTimeout}); a request without a reply by then breaks the
 * connection like any other loss. A lost connection is re-established on the next request, up to
 * {@code reconnectAttempts} times with doubling backoff; reads and synchronous writes are retried on the new one.
 */
public final class NbdBlockDevice implements BlockDevice {
    private static final System.Logger LOG = System.getLogger(NbdBlockDevice.class.getName());
    /** Requests are at most this fraction of the window, so that a long run keeps several in flight. */
    private static final int REQUESTS_IN_WINDOW = 8;
    /** Largest TRIM sent at once. */
    private static final long MAX_TRIM = 1L << 30;

    /** One attempt of an operation on one connection. */
    @FunctionalInterface
    private interface Op {
        void run(ClientConnection c) throws IOException;
    }

    /** Sends the request for the piece of {@code n} bytes at {@code done} bytes into an operation. */
    @FunctionalInterface
    private interface Piece {
        Pending send(long done, int n) throws IOException;
    }

    private final NbdUri uri;
    private final NbdClientSettings settings;
    private final ConnectionKeeper connections;
    private final long size;
    private final int flags;
    private final int unit;
    private final int maxRequest;
    private final long timeoutNanos;
    private final Semaphore window;
    private final InFlightWrites inFlight = new InFlightWrites();
    private final AtomicReference<IOException> lostWrite = new AtomicReference<>();
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong flushed = new AtomicLong();

    private NbdBlockDevice(final NbdUri uri, final NbdClientSettings settings,
                           final ConnectionKeeper.Backoff backoff, final ClientConnection first, final long size)
        throws IOException {
        this.uri = uri;
        this.settings = settings;
        this.connections = new ConnectionKeeper(uri, settings, backoff, first);
        this.timeoutNanos = settings.requestTimeout().toNanos();
        final NbdOptions.ExportInfo info = first.info;
        this.flags = info.flags();
        if ((flags & NbdProtocol.FLAG_READ_ONLY) != 0) {
            throw new IOException(uri + ": the export is read-only");
        }
        if (info.minimumBlock() > settings.blockSize()) {
            throw new IOException(uri + ": the server's minimum block size of " + info.minimumBlock()
                + " bytes is larger than the block size " + settings.blockSize() + "; use a block size of at least "
                + info.minimumBlock());
        }
        if (size > info.size()) {
            throw new IOException(uri + ": the export holds " + info.size() + " bytes, fewer than the " + size
                + " configured");
        }
        this.size = size == 0 ? info.size() : size;
        connections.requireSize(this.size);
        this.unit = Math.max(1, info.minimumBlock());
        final long serverMax = info.maximumPayload() == 0 ? NbdProtocol.MAX_PAYLOAD
            : Integer.toUnsignedLong(info.maximumPayload());
        final long max = Math.min(Math.min(NbdProtocol.MAX_PAYLOAD, serverMax),
            Math.max(settings.blockSize(), settings.windowBytes() / REQUESTS_IN_WINDOW));
        final long step = max >= settings.blockSize() ? settings.blockSize() : unit;
        this.maxRequest = (int) (max / step * step);
        if (maxRequest < unit) {
            throw new IOException(uri + ": the server's maximum payload of " + serverMax + " bytes is below its"
                + " minimum block size " + unit);
        }
        this.window = new Semaphore(settings.windowBlocks());
        if (!can(NbdProtocol.FLAG_SEND_FLUSH)) {
            LOG.log(Level.WARNING, "{0}: the server offers no FLUSH: writes are only as durable as it makes them", uri);
        }
    }

    /**
     * Connects to an NBD export.
     *
     * @param size the device size in bytes, at most the export's; 0 takes the export's size.
     * @throws IOException naming the URI when the server cannot be reached, refuses the export, or its constraints do
     *                     not fit the settings (a minimum block size above the cache's, a read-only export).
     */
    public static NbdBlockDevice open(final NbdUri uri, final NbdClientSettings settings, final long size)
        throws IOException {
        return open(uri, settings, size, ConnectionKeeper.SLEEP);
    }

    static NbdBlockDevice open(final NbdUri uri, final NbdClientSettings settings, final long size,
                               final ConnectionKeeper.Backoff backoff) throws IOException {
        final ClientConnection c = ClientConnection.open(uri, settings.requestTimeout());
        try {
            return new NbdBlockDevice(uri, settings, backoff, c, size);
        } catch (final IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** @return the transmission flags the server sent. */
    public int transmissionFlags() {
        return flags;
    }

    /** @return the largest payload of one request this device sends. */
    public int maxRequest() {
        return maxRequest;
    }

    /** @return how many times a lost connection was re-established. */
    public long reconnects() {
        return connections.reconnects();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(final long offset, final ByteBuffer dst) throws IOException {
        final int length = dst.remaining();
        checkRange("read", offset, length);
        final int start = dst.position();
        call(c -> inPieces(c, length, maxRequest, (done, n) -> submit(c, NbdProtocol.CMD_READ, 0, offset + done, n,
            null, dst.slice(start + (int) done, n), false)));
        dst.position(dst.limit());
    }

    @Override
    public void write(final long offset, final ByteBuffer src) throws IOException {
        writeNow(offset, src, 0);
    }

    @Override
    public void writeFua(final long offset, final ByteBuffer src) throws IOException {
        if (!can(NbdProtocol.FLAG_SEND_FUA)) {
            write(offset, src);
            sync();
            return;
        }
        writeNow(offset, src, NbdProtocol.CMD_FLAG_FUA);
    }

    @Override
    public void writeQueued(final long offset, final ByteBuffer src) throws IOException {
        final int length = src.remaining();
        checkRange("write", offset, length);
        throwIfLost("write of bytes [" + offset + ", " + (offset + length) + ")");
        final ClientConnection c = connection();
        for (int done = 0; done < length; ) {
            final int n = Math.min(maxRequest, length - done);
            writes.incrementAndGet();
            submit(c, NbdProtocol.CMD_WRITE, 0, offset + done, n, src.slice(src.position() + done, n), null, true);
            done += n;
        }
        src.position(src.limit());
    }

    @Override
    public void sync() throws IOException {
        throwIfLost("sync");
        final long generation = writes.get();
        inFlight.awaitEmpty(backstop(), uri + ": sync");
        throwIfLost("sync");
        if (can(NbdProtocol.FLAG_SEND_FLUSH)) {
            call(c -> {
                throwIfLost("sync");
                awaitAll(c, List.of(c.send(NbdProtocol.CMD_FLUSH, 0, 0, 0, null, null, null)));
            });
        }
        flushed.accumulateAndGet(generation, Math::max);
    }

    @Override
    public void discard(final long offset, final long length) throws IOException {
        checkRange("trim", offset, length);
        if (!can(NbdProtocol.FLAG_SEND_TRIM) || length == 0) {
            return;
        }
        final long piece = Math.max(unit, MAX_TRIM / unit * unit);
        call(c -> inPieces(c, length, piece, (done, n) -> submit(c, NbdProtocol.CMD_TRIM, 0, offset + done, n, null,
            null, false)));
    }

    @Override
    public String describe() {
        return "NBD export " + uri + " (" + size + " bytes)";
    }

    /** Sends NBD_CMD_DISC and closes the connection; writes still in flight fail. */
    @Override
    public void close() {
        connections.close();
    }

    private boolean can(final int flag) {
        return (flags & flag) != 0;
    }

    /** A write that returns once the server has acknowledged every piece; retried whole on a new connection. */
    private void writeNow(final long offset, final ByteBuffer src, final int commandFlags) throws IOException {
        final int length = src.remaining();
        checkRange("write", offset, length);
        final int start = src.position();
        call(c -> inPieces(c, length, maxRequest, (done, n) -> {
            if (commandFlags == 0) {
                writes.incrementAndGet();
            }
            return submit(c, NbdProtocol.CMD_WRITE, commandFlags, offset + done, n, src.slice(start + (int) done, n),
                null, false);
        }));
        src.position(src.limit());
    }

    /**
     * Sends one request within the window. A write or trim first waits for overlapping ones in flight and is then in
     * flight itself; a read only waits. A queued request that fails is recorded for the next sync.
     */
    private Pending submit(final ClientConnection c, final int type, final int commandFlags, final long offset,
                           final int length, final ByteBuffer payload, final ByteBuffer readInto, final boolean queued)
        throws IOException {
        final long deadline = backstop();
        final boolean ordered = type != NbdProtocol.CMD_READ;
        if (ordered) {
            inFlight.register(offset, offset + length, deadline, uri + ": " + NbdProtocol.commandName(type));
        } else {
            inFlight.awaitNoOverlap(offset, offset + length, deadline, uri + ": READ");
        }
        final int permits = Math.max(1, (int) Math.min(settings.windowBlocks(),
            (length + (long) settings.blockSize() - 1) / settings.blockSize()));
        try {
            if (!window.tryAcquire(permits, deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
                throw new IOException(uri + ": the in-flight window did not drain within the request timeout");
            }
        } catch (final InterruptedException | IOException e) {
            if (ordered) {
                inFlight.remove(offset);
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException(uri + ": interrupted waiting for the in-flight window");
            }
            throw (IOException) e;
        }
        return c.send(type, commandFlags, offset, length, payload, readInto, p -> {
            window.release(permits);
            if (ordered) {
                inFlight.remove(offset);
            }
            if (queued && !p.succeeded()) {
                lostWrite.compareAndSet(null, failure(p));
            }
        });
    }

    /** Sends {@code length} bytes' worth of requests of at most {@code piece} bytes, then waits for all of them. */
    private void inPieces(final ClientConnection c, final long length, final long piece, final Piece send)
        throws IOException {
        final List<Pending> sent = new ArrayList<>();
        try {
            for (long done = 0; done < length; ) {
                final int n = (int) Math.min(piece, length - done);
                sent.add(send.send(done, n));
                done += n;
            }
        } finally {
            awaitAll(c, sent);
        }
    }

    /** Waits for every request (breaking the connection at a missed deadline); throws the first failure. */
    private void awaitAll(final ClientConnection c, final List<Pending> sent) throws IOException {
        IOException first = null;
        boolean lostRead = false;
        for (final Pending p : sent) {
            if (!p.await(p.deadline - System.nanoTime())) {
                c.fail(new IOException("no reply within " + settings.requestTimeout().toMillis() + " ms to "
                    + p.describe()));
                p.await(Long.MAX_VALUE);
            }
            if (!p.succeeded() && first == null) {
                first = failure(p);
            }
            lostRead |= p.failure() != null && p.type == NbdProtocol.CMD_READ;
        }
        if (lostRead) {
            c.awaitReader();
        }
        if (first != null) {
            throw first;
        }
    }

    /** @return the failure of an ended request, naming the URI and the request. */
    private IOException failure(final Pending p) {
        final IOException lost = p.failure();
        if (lost != null) {
            return new ConnectionLostException(lost.getMessage() + " (" + p.describe() + " unanswered)", lost);
        }
        return new IOException(uri + ": " + p.describe() + " failed: the server replied "
            + NbdProtocol.errorName(p.error()));
    }

    /** Runs {@code op}, on a new connection again after a loss, as often as the reconnect policy allows. */
    private void call(final Op op) throws IOException {
        int tries = 0;
        while (true) {
            final ClientConnection c = connection();
            try {
                op.run(c);
                return;
            } catch (final ConnectionLostException e) {
                if (connections.isClosed() || ++tries > settings.reconnectAttempts()) {
                    throw e;
                }
                LOG.log(Level.INFO, "{0}; reconnecting", e.getMessage());
            }
        }
    }

    /**
     * @return a live connection: the current one, or a new one made under the reconnect policy. Writes not yet flushed
     *         when the old one was lost may be gone: every later sync fails.
     */
    private ClientConnection connection() throws IOException {
        return connections.get(cause -> {
            if (writes.get() > flushed.get()) {
                lostWrite.compareAndSet(null, new IOException(uri + ": the connection was lost (" + cause.getMessage()
                    + ") while writes were not yet flushed; the server may not have kept them", cause));
            }
        });
    }

    /**
     * @return a deadline for waiting on requests already in flight: past their own deadlines, by which the connection
     *         fails them (naming the request that timed out), so this one only catches a connection that never does.
     */
    private long backstop() {
        return System.nanoTime() + 2 * timeoutNanos + TimeUnit.SECONDS.toNanos(1);
    }

    private void throwIfLost(final String what) throws IOException {
        final IOException lost = lostWrite.get();
        if (lost != null) {
            throw new IOException(uri + ": " + what + " refused: an earlier write failed or may have been lost: "
                + lost.getMessage(), lost);
        }
    }

    private void checkRange(final String what, final long offset, final long length) {
        if (offset < 0 || length < 0 || offset > size - length || (offset | length) % unit != 0) {
            throw new IllegalArgumentException(uri + ": " + what + " of " + length + " bytes at " + offset
                + " is outside the export of " + size + " bytes or not aligned to its block size " + unit);
        }
    }
}
