package org.writecache.nbd;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The fixed newstyle handshake and option haggling, server side: greets the client, then answers options until one
 * enters transmission ({@code NBD_OPT_GO}, {@code NBD_OPT_EXPORT_NAME}) or ends the session ({@code NBD_OPT_ABORT}).
 * Messages are encoded and decoded by {@link NbdOptions}.
 *
 * <p>Malformed option data gets {@code NBD_REP_ERR_INVALID}, unknown options {@code NBD_REP_ERR_UNSUP}, unknown
 * export names {@code NBD_REP_ERR_UNKNOWN}; all three leave the client free to try again. A bad magic, unknown client
 * flags or option data longer than {@link NbdProtocol#MAX_OPTION_LENGTH} end the session
 * ({@link NbdProtocolException}).
 */
final class NbdHandshake {
    /** How haggling ended. */
    enum Outcome { TRANSMISSION, ABORTED }

    private final NbdExport export;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final ByteBuffer header = ByteBuffer.allocate(NbdOptions.REPLY_HEADER_SIZE);
    private boolean noZeroes;

    NbdHandshake(final NbdExport export, final DataInputStream in, final DataOutputStream out) {
        this.export = export;
        this.in = in;
        this.out = out;
    }

    /** Runs the handshake; on {@link Outcome#TRANSMISSION} the stream is positioned at the first request. */
    Outcome run() throws IOException {
        NbdOptions.putGreeting(header.clear(), NbdProtocol.FLAG_FIXED_NEWSTYLE | NbdProtocol.FLAG_NO_ZEROES);
        out.write(header.array(), 0, header.position());
        out.flush();
        final int clientFlags = in.readInt();
        if ((clientFlags & ~(NbdProtocol.FLAG_C_FIXED_NEWSTYLE | NbdProtocol.FLAG_C_NO_ZEROES)) != 0) {
            throw new NbdProtocolException("unknown client flags 0x" + Integer.toHexString(clientFlags));
        }
        noZeroes = (clientFlags & NbdProtocol.FLAG_C_NO_ZEROES) != 0;
        while (true) {
            in.readFully(header.array(), 0, NbdOptions.REQUEST_HEADER_SIZE);
            final NbdOptions.Request request = NbdOptions.getRequest(header.clear());
            if (request.length() > NbdProtocol.MAX_OPTION_LENGTH) {
                throw new NbdProtocolException("option " + request.option() + " with " + request.length()
                    + " bytes of data, more than " + NbdProtocol.MAX_OPTION_LENGTH);
            }
            final int length = (int) request.length();
            final byte[] data = in.readNBytes(length);
            if (data.length != length) {
                throw new NbdProtocolException("option " + request.option() + " truncated at " + data.length + " of "
                    + length + " bytes");
            }
            final Outcome outcome = answer(request.option(), ByteBuffer.wrap(data));
            out.flush();
            if (outcome != null) {
                return outcome;
            }
        }
    }

    private Outcome answer(final int option, final ByteBuffer data) throws IOException {
        switch (option) {
            case NbdProtocol.OPT_ABORT -> {
                reply(option, NbdProtocol.REP_ACK, new byte[0]);
                return Outcome.ABORTED;
            }
            case NbdProtocol.OPT_LIST -> {
                if (data.hasRemaining()) {
                    reply(option, NbdProtocol.REP_ERR_INVALID, text("NBD_OPT_LIST takes no data"));
                } else {
                    final byte[] n = export.name().getBytes(StandardCharsets.UTF_8);
                    reply(option, NbdProtocol.REP_SERVER, ByteBuffer.allocate(4 + n.length).putInt(n.length).put(n)
                        .array());
                    reply(option, NbdProtocol.REP_ACK, new byte[0]);
                }
                return null;
            }
            case NbdProtocol.OPT_EXPORT_NAME -> {
                final String name = StandardCharsets.UTF_8.decode(data).toString();
                if (!knows(name)) {
                    throw new NbdProtocolException("NBD_OPT_EXPORT_NAME for unknown export '" + name + "'");
                }
                out.writeLong(export.size());
                out.writeShort(export.transmissionFlags());
                if (!noZeroes) {
                    out.write(new byte[NbdOptions.EXPORT_NAME_PADDING]);
                }
                return Outcome.TRANSMISSION;
            }
            case NbdProtocol.OPT_INFO, NbdProtocol.OPT_GO -> {
                return info(option, data) && option == NbdProtocol.OPT_GO ? Outcome.TRANSMISSION : null;
            }
            default -> {
                reply(option, NbdProtocol.REP_ERR_UNSUP, text("option " + option + " is not supported"));
                return null;
            }
        }
    }

    /** Answers NBD_OPT_INFO or NBD_OPT_GO; returns whether it succeeded. */
    private boolean info(final int option, final ByteBuffer data) throws IOException {
        final NbdOptions.Go go;
        try {
            go = NbdOptions.parseGo(data);
        } catch (final IllegalArgumentException e) {
            reply(option, NbdProtocol.REP_ERR_INVALID, text(e.getMessage()));
            return false;
        }
        if (!knows(go.name())) {
            reply(option, NbdProtocol.REP_ERR_UNKNOWN, text("no export named '" + go.name() + "'"));
            return false;
        }
        reply(option, NbdProtocol.REP_INFO, NbdOptions.exportInfo(export.size(), export.transmissionFlags()));
        reply(option, NbdProtocol.REP_INFO, NbdOptions.blockSizeInfo(export.blockSize(), export.blockSize(),
            NbdProtocol.MAX_PAYLOAD));
        if (go.wants(NbdProtocol.INFO_NAME)) {
            reply(option, NbdProtocol.REP_INFO, NbdOptions.textInfo(NbdProtocol.INFO_NAME, export.name()));
        }
        if (go.wants(NbdProtocol.INFO_DESCRIPTION)) {
            reply(option, NbdProtocol.REP_INFO, NbdOptions.textInfo(NbdProtocol.INFO_DESCRIPTION, "writecache of "
                + export.size() + " bytes in blocks of " + export.blockSize()));
        }
        reply(option, NbdProtocol.REP_ACK, new byte[0]);
        return true;
    }

    private boolean knows(final String name) {
        return name.isEmpty() || name.equals(export.name());
    }

    private void reply(final int option, final int type, final byte[] data) throws IOException {
        NbdOptions.putReply(header.clear(), option, type, data.length);
        out.write(header.array(), 0, header.position());
        out.write(data);
    }

    private static byte[] text(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
