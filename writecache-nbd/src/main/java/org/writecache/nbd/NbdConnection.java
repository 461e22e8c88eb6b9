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
import java.util.function.Consumer;

/**
 * One client session: the handshake, then requests served one at a time in arrival order, each answered with a
 * simple reply. Replies are buffered and sent when no further request is already waiting, so a client that pipelines
 * requests gets its replies in batches.
 *
 * <p>Errors: a request the export cannot serve (out of range, unknown command or flag, oversized read) gets its error
 * code and the session goes on; so does a failure of the cache (EIO). A bad request magic, a write with more data
 * than {@link NbdProtocol#MAX_PAYLOAD} or a connection that breaks mid-request end the session.
 */
final class NbdConnection implements Runnable {
    private static final System.Logger LOG = System.getLogger(NbdConnection.class.getName());
    private static final int BUFFER = 1 << 16;

    private final NbdExport export;
    private final ByteChannel channel;
    private final String peer;
    private final Consumer<NbdConnection> onClose;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final BufferedInputStream buffered;
    private ByteBuffer payload = ByteBuffer.allocate(BUFFER);

    NbdConnection(final NbdExport export, final ByteChannel channel, final String peer,
                  final Consumer<NbdConnection> onClose) {
        this.export = export;
        this.channel = channel;
        this.peer = peer;
        this.onClose = onClose;
        this.buffered = new BufferedInputStream(Channels.newInputStream(channel), BUFFER);
        this.in = new DataInputStream(buffered);
        this.out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER));
    }

    /** Ends the session from another thread: the blocked read or write fails and the session thread exits. */
    void close() {
        try {
            channel.close();
        } catch (final IOException e) {
            LOG.log(Level.DEBUG, "closing " + peer, e);
        }
    }

    @Override
    public void run() {
        try {
            if (new NbdHandshake(export, in, out).run() == NbdHandshake.Outcome.TRANSMISSION) {
                out.flush();
                serve();
            }
            out.flush();
        } catch (final EOFException | ClosedChannelException e) {
            LOG.log(Level.DEBUG, "{0} disconnected", peer);
        } catch (final NbdProtocolException e) {
            LOG.log(Level.WARNING, "{0}: {1}; disconnecting", peer, e.getMessage());
        } catch (final IOException e) {
            if (channel.isOpen()) {
                LOG.log(Level.INFO, "{0}: connection ended: {1}", peer, e.toString());
            }
        } finally {
            close();
            onClose.accept(this);
        }
    }

    private void serve() throws IOException {
        while (true) {
            final int magic = in.readInt();
            if (magic != NbdProtocol.REQUEST_MAGIC) {
                throw new NbdProtocolException("bad request magic 0x" + Integer.toHexString(magic));
            }
            final int flags = in.readUnsignedShort();
            final int type = in.readUnsignedShort();
            final long cookie = in.readLong();
            final long offset = in.readLong();
            final long length = Integer.toUnsignedLong(in.readInt());
            if (type == NbdProtocol.CMD_DISC) {
                return;
            }
            if (type == NbdProtocol.CMD_READ) {
                read(flags, cookie, offset, length);
            } else {
                reply(cookie, command(type, flags, offset, length));
            }
            if (buffered.available() == 0) {
                out.flush();
            }
        }
    }

    /** Serves every command but READ and DISC; returns the error code (0 for success). */
    private int command(final int type, final int flags, final long offset, final long length) throws IOException {
        switch (type) {
            case NbdProtocol.CMD_WRITE -> {
                if (length > NbdProtocol.MAX_PAYLOAD) {
                    throw new NbdProtocolException("write of " + length + " bytes, more than the maximum payload "
                        + NbdProtocol.MAX_PAYLOAD);
                }
                final ByteBuffer data = payload((int) length);
                in.readFully(data.array(), 0, (int) length);
                if ((flags & ~NbdProtocol.CMD_FLAG_FUA) != 0) {
                    return NbdProtocol.EINVAL;
                }
                if (!export.contains(offset, length)) {
                    return NbdProtocol.ENOSPC;
                }
                return length == 0 ? 0 : run(() -> export.write(offset, data, fua(flags)));
            }
            case NbdProtocol.CMD_FLUSH -> {
                if (flags != 0 && flags != NbdProtocol.CMD_FLAG_FUA || offset != 0 || length != 0) {
                    return NbdProtocol.EINVAL;
                }
                return run(export::flush);
            }
            case NbdProtocol.CMD_TRIM -> {
                if ((flags & ~NbdProtocol.CMD_FLAG_FUA) != 0 || !export.contains(offset, length)) {
                    return NbdProtocol.EINVAL;
                }
                return run(() -> export.trim(offset, length, fua(flags)));
            }
            case NbdProtocol.CMD_WRITE_ZEROES -> {
                if ((flags & ~(NbdProtocol.CMD_FLAG_FUA | NbdProtocol.CMD_FLAG_NO_HOLE)) != 0) {
                    return NbdProtocol.EINVAL;
                }
                if (!export.contains(offset, length)) {
                    return NbdProtocol.ENOSPC;
                }
                return run(() -> export.writeZeroes(offset, length, fua(flags)));
            }
            default -> {
                LOG.log(Level.DEBUG, "{0}: unknown command {1}", peer, type);
                return NbdProtocol.EINVAL;
            }
        }
    }

    private void read(final int flags, final long cookie, final long offset, final long length) throws IOException {
        if ((flags & ~NbdProtocol.CMD_FLAG_FUA) != 0 || length > NbdProtocol.MAX_PAYLOAD
            || !export.contains(offset, length)) {
            reply(cookie, NbdProtocol.EINVAL);
            return;
        }
        final ByteBuffer data = payload((int) length);
        final int error = length == 0 ? 0 : run(() -> export.read(offset, data));
        reply(cookie, error);
        if (error == 0) {
            out.write(data.array(), 0, (int) length);
        }
    }

    private void reply(final long cookie, final int error) throws IOException {
        out.writeInt(NbdProtocol.SIMPLE_REPLY_MAGIC);
        out.writeInt(error);
        out.writeLong(cookie);
    }

    private ByteBuffer payload(final int length) {
        if (payload.capacity() < length) {
            payload = ByteBuffer.allocate(Math.max(length, Math.min(NbdProtocol.MAX_PAYLOAD, 2 * payload.capacity())));
        }
        return payload.clear().limit(length);
    }

    private static boolean fua(final int flags) {
        return (flags & NbdProtocol.CMD_FLAG_FUA) != 0;
    }

    /** Runs one operation on the export and maps its failure to an NBD error code. */
    private int run(final ExportCall call) {
        try {
            call.run();
            return 0;
        } catch (final IllegalArgumentException e) {
            LOG.log(Level.DEBUG, "{0}: {1}", peer, e.getMessage());
            return NbdProtocol.EINVAL;
        } catch (final IOException | RuntimeException e) {
            LOG.log(Level.WARNING, peer + ": request failed", e);
            return NbdProtocol.EIO;
        }
    }

    @FunctionalInterface
    private interface ExportCall {
        void run() throws IOException;
    }
}
