package org.writecache.nbd;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * One client session: the handshake, then requests served one at a time in arrival order, each answered with a
 * simple reply. Replies are buffered and sent when no further request is already waiting, so a client that pipelines
 * requests gets its replies in batches.
 *
 * <p>Memory: payloads are read and answered in pieces of at most {@link NbdServerLimits#chunkSize()} bytes through one
 * buffer per session, allocated at the first payload, so a client that announces 32 MiB and sends one byte costs one
 * piece, not 32 MiB. A write is applied piece by piece as its data arrives (a write cut short by a disconnect may be
 * partly applied, which NBD allows for a request that got no reply). Pieces end on block boundaries, so only the first
 * and last can need a read-modify-write.
 *
 * <p>Time: while the handshake runs, and whenever the client owes the rest of a message it has begun or the server
 * waits to hand it a reply, a deadline is armed; the server's watchdog ({@link #expire}) ends a session past it.
 *
 * <p>Errors: a request the export cannot serve (out of range, unknown command or flag, oversized read) gets its error
 * code and the session goes on; so does a failure of the cache (EIO, counted in the server's {@link FailureLog}). A bad
 * request magic, a write with more data than {@link NbdProtocol#MAX_PAYLOAD}, a connection that breaks mid-request or
 * a failure of the session thread itself end this session only.
 */
final class NbdConnection implements Runnable {
    private static final System.Logger LOG = System.getLogger(NbdConnection.class.getName());
    private static final int BUFFER = NbdServerLimits.STREAM_BUFFERS / 2;
    private static final long NONE = Long.MIN_VALUE;

    /** What the session waits for while its deadline is armed. */
    private enum Wait { HANDSHAKE, REQUEST, REPLY }

    private final NbdExport export;
    private final ByteChannel channel;
    private final String peer;
    private final NbdServerLimits limits;
    private final FailureLog requestFailures;
    private final FailureLog sessionFailures;
    private final Consumer<NbdConnection> onClose;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final BufferedInputStream buffered;
    private final int chunk;
    private final ByteBuffer header = ByteBuffer.allocate(NbdRequest.SIZE);
    private final ByteBuffer replyHeader = ByteBuffer.allocate(NbdReply.SIZE);
    private ByteBuffer payload;
    private volatile long deadline = NONE;
    private volatile Wait waiting;

    NbdConnection(final NbdExport export, final ByteChannel channel, final String peer, final NbdServerLimits limits,
                  final FailureLog requestFailures, final FailureLog sessionFailures,
                  final Consumer<NbdConnection> onClose) {
        this.export = export;
        this.channel = channel;
        this.peer = peer;
        this.limits = limits;
        this.requestFailures = requestFailures;
        this.sessionFailures = sessionFailures;
        this.onClose = onClose;
        this.buffered = new BufferedInputStream(Channels.newInputStream(channel), BUFFER);
        this.in = new DataInputStream(buffered);
        this.out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER));
        final int bs = export.blockSize();
        this.chunk = Math.max(bs, limits.chunkSize() & -bs);
        arm(Wait.HANDSHAKE, limits.handshakeTimeout());
    }

    /** Ends the session from another thread: the blocked read or write fails and the session thread exits. */
    void close() {
        try {
            channel.close();
        } catch (final IOException e) {
            LOG.log(Level.DEBUG, "closing " + peer, e);
        }
    }

    /** Ends the session if its deadline has passed at {@code now} (System.nanoTime); @return whether it did. */
    boolean expire(final long now) {
        final long d = deadline;
        if (d == NONE || now - d < 0 || !channel.isOpen()) {
            return false;
        }
        final Wait w = waiting;
        sessionFailures.failed(peer + ": " + switch (w) {
            case HANDSHAKE -> "handshake not finished within " + limits.handshakeTimeout().toMillis() + " ms";
            case REQUEST -> "stalled for " + limits.requestTimeout().toMillis() + " ms in the middle of a request";
            case REPLY -> "did not take a reply for " + limits.requestTimeout().toMillis() + " ms";
        } + "; session ended", null);
        close();
        return true;
    }

    @Override
    public void run() {
        try {
            final NbdHandshake.Outcome outcome = new NbdHandshake(export, in, out).run();
            disarm();
            if (outcome == NbdHandshake.Outcome.TRANSMISSION) {
                out.flush();
                serve();
            }
            arm(Wait.REPLY, limits.requestTimeout());
            out.flush();
        } catch (final EOFException | ClosedChannelException e) {
            LOG.log(Level.DEBUG, "{0} disconnected", peer);
        } catch (final NbdProtocolException e) {
            LOG.log(Level.WARNING, "{0}: {1}; disconnecting", peer, e.getMessage());
        } catch (final IOException e) {
            if (channel.isOpen()) {
                LOG.log(Level.INFO, "{0}: connection ended: {1}", peer, e.toString());
            }
        } catch (final Throwable t) {
            sessionFailures.failed(peer + ": session thread failed; only this session ends", t);
        } finally {
            disarm();
            close();
            onClose.accept(this);
        }
    }

    private void serve() throws IOException {
        while (true) {
            final int first = in.read();
            if (first < 0) {
                return;
            }
            arm(Wait.REQUEST, limits.requestTimeout());
            header.clear().put((byte) first);
            in.readFully(header.array(), 1, NbdRequest.SIZE - 1);
            final NbdRequest r = NbdRequest.decode(header.clear());
            disarm();
            switch (r.type()) {
                case NbdProtocol.CMD_DISC -> {
                    return;
                }
                case NbdProtocol.CMD_READ -> read(r);
                case NbdProtocol.CMD_WRITE -> reply(r.cookie(), write(r));
                default -> reply(r.cookie(), command(r));
            }
            if (buffered.available() == 0) {
                arm(Wait.REPLY, limits.requestTimeout());
                out.flush();
                disarm();
            }
        }
    }

    /** Reads a WRITE's data piece by piece, applying each; @return the error code (0 for success). */
    private int write(final NbdRequest r) throws IOException {
        if (r.length() > NbdProtocol.MAX_PAYLOAD) {
            throw new NbdProtocolException("write of " + r.length() + " bytes, more than the maximum payload "
                + NbdProtocol.MAX_PAYLOAD);
        }
        int error = (r.flags() & ~NbdProtocol.CMD_FLAG_FUA) != 0 ? NbdProtocol.EINVAL
            : !export.contains(r.offset(), r.length()) ? NbdProtocol.ENOSPC : 0;
        final long end = r.offset() + r.length();
        for (long p = r.offset(); p < end; ) {
            final int n = piece(p, end);
            final ByteBuffer data = payload(n);
            arm(Wait.REQUEST, limits.requestTimeout());
            in.readFully(data.array(), 0, n);
            disarm();
            if (error == 0) {
                final long at = p;
                final boolean fua = fua(r.flags()) && at + n == end;
                error = run(r, () -> export.write(at, data, fua));
            }
            p += n;
        }
        return error;
    }

    /** Serves every command without a payload; @return the error code (0 for success). */
    private int command(final NbdRequest r) throws IOException {
        final int flags = r.flags();
        final long offset = r.offset();
        final long length = r.length();
        switch (r.type()) {
            case NbdProtocol.CMD_FLUSH -> {
                if (flags != 0 && flags != NbdProtocol.CMD_FLAG_FUA || offset != 0 || length != 0) {
                    return NbdProtocol.EINVAL;
                }
                return run(r, export::flush);
            }
            case NbdProtocol.CMD_TRIM -> {
                if ((flags & ~NbdProtocol.CMD_FLAG_FUA) != 0 || !export.contains(offset, length)) {
                    return NbdProtocol.EINVAL;
                }
                return run(r, () -> export.trim(offset, length, fua(flags)));
            }
            case NbdProtocol.CMD_WRITE_ZEROES -> {
                if ((flags & ~(NbdProtocol.CMD_FLAG_FUA | NbdProtocol.CMD_FLAG_NO_HOLE)) != 0) {
                    return NbdProtocol.EINVAL;
                }
                if (!export.contains(offset, length)) {
                    return NbdProtocol.ENOSPC;
                }
                return run(r, () -> export.writeZeroes(offset, length, fua(flags)));
            }
            default -> {
                LOG.log(Level.DEBUG, "{0}: unknown command {1}", peer, r.type());
                return NbdProtocol.EINVAL;
            }
        }
    }

    /**
     * Answers a READ piece by piece: the reply header goes out with the first piece; a later piece that fails cannot be
     * reported in a simple reply, so it ends the session.
     */
    private void read(final NbdRequest r) throws IOException {
        if ((r.flags() & ~NbdProtocol.CMD_FLAG_FUA) != 0 || r.length() > NbdProtocol.MAX_PAYLOAD
            || !export.contains(r.offset(), r.length())) {
            reply(r.cookie(), NbdProtocol.EINVAL);
            return;
        }
        final long end = r.offset() + r.length();
        long p = r.offset();
        do {
            final int n = piece(p, end);
            final ByteBuffer data = payload(n);
            final long at = p;
            final int error = n == 0 ? 0 : run(r, () -> export.read(at, data));
            if (p == r.offset()) {
                reply(r.cookie(), error);
                if (error != 0) {
                    return;
                }
            } else if (error != 0) {
                throw new IOException(r.describe() + " failed after its reply was sent; ending the session");
            }
            arm(Wait.REPLY, limits.requestTimeout());
            out.write(data.array(), 0, n);
            disarm();
            p += n;
        } while (p < end);
    }

    /** @return the length of the piece starting at {@code p}: up to the chunk boundary after it, at most to end. */
    private int piece(final long p, final long end) {
        final long boundary = (p & -export.blockSize()) + chunk;
        return (int) (Math.min(end, boundary) - p);
    }

    private void reply(final long cookie, final int error) throws IOException {
        new NbdReply(error, cookie).encode(replyHeader.clear());
        arm(Wait.REPLY, limits.requestTimeout());
        out.write(replyHeader.array(), 0, NbdReply.SIZE);
        disarm();
    }

    private ByteBuffer payload(final int length) {
        if (payload == null) {
            payload = ByteBuffer.allocate(chunk);
        }
        return payload.clear().limit(length);
    }

    private void arm(final Wait what, final Duration timeout) {
        waiting = what;
        deadline = System.nanoTime() + timeout.toNanos();
    }

    private void disarm() {
        deadline = NONE;
    }

    private static boolean fua(final int flags) {
        return (flags & NbdProtocol.CMD_FLAG_FUA) != 0;
    }

    /** Runs one operation on the export and maps its failure to an NBD error code. */
    private int run(final NbdRequest r, final ExportCall call) {
        try {
            call.run();
            return 0;
        } catch (final IllegalArgumentException e) {
            LOG.log(Level.DEBUG, "{0}: {1}", peer, e.getMessage());
            return NbdProtocol.EINVAL;
        } catch (final IOException | RuntimeException e) {
            requestFailures.failed(peer + ": " + r.describe() + " failed", e);
            return NbdProtocol.EIO;
        }
    }

    @FunctionalInterface
    private interface ExportCall {
        void run() throws IOException;
    }
}
