package org.writecache.nbd;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The fixed newstyle handshake and option haggling, server side: greets the client, then answers options until one
 * enters transmission ({@code NBD_OPT_GO}, {@code NBD_OPT_EXPORT_NAME}) or ends the session ({@code NBD_OPT_ABORT}).
 *
 * <p>Malformed option data gets {@code NBD_REP_ERR_INVALID}, unknown options {@code NBD_REP_ERR_UNSUP}, unknown
 * export names {@code NBD_REP_ERR_UNKNOWN}; all three leave the client free to try again. A bad magic, unknown client
 * flags or option data longer than {@link NbdProtocol#MAX_OPTION_LENGTH} end the session ({@link NbdProtocolException}).
 */
final class NbdHandshake {
    /** How haggling ended. */
    enum Outcome { TRANSMISSION, ABORTED }

    private final NbdExport export;
    private final DataInputStream in;
    private final DataOutputStream out;
    private boolean noZeroes;

    NbdHandshake(final NbdExport export, final DataInputStream in, final DataOutputStream out) {
        this.export = export;
        this.in = in;
        this.out = out;
    }

    /** Runs the handshake; on {@link Outcome#TRANSMISSION} the stream is positioned at the first request. */
    Outcome run() throws IOException {
        out.writeLong(NbdProtocol.NBDMAGIC);
        out.writeLong(NbdProtocol.IHAVEOPT);
        out.writeShort(NbdProtocol.FLAG_FIXED_NEWSTYLE | NbdProtocol.FLAG_NO_ZEROES);
        out.flush();
        final int clientFlags = in.readInt();
        if ((clientFlags & ~(NbdProtocol.FLAG_C_FIXED_NEWSTYLE | NbdProtocol.FLAG_C_NO_ZEROES)) != 0) {
            throw new NbdProtocolException("unknown client flags 0x" + Integer.toHexString(clientFlags));
        }
        noZeroes = (clientFlags & NbdProtocol.FLAG_C_NO_ZEROES) != 0;
        while (true) {
            final long magic = in.readLong();
            if (magic != NbdProtocol.IHAVEOPT) {
                throw new NbdProtocolException("bad option magic 0x" + Long.toHexString(magic));
            }
            final int option = in.readInt();
            final int length = in.readInt();
            if (length < 0 || length > NbdProtocol.MAX_OPTION_LENGTH) {
                throw new NbdProtocolException("option " + option + " with " + Integer.toUnsignedString(length)
                    + " bytes of data, more than " + NbdProtocol.MAX_OPTION_LENGTH);
            }
            final byte[] data = in.readNBytes(length);
            if (data.length != length) {
                throw new NbdProtocolException("option " + option + " truncated at " + data.length + " of " + length
                    + " bytes");
            }
            final Outcome outcome = answer(option, ByteBuffer.wrap(data));
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
                    out.write(new byte[124]);
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
        if (data.remaining() < 6) {
            reply(option, NbdProtocol.REP_ERR_INVALID, text("option data of " + data.remaining() + " bytes is short"));
            return false;
        }
        final int nameLength = data.getInt();
        if (nameLength < 0 || nameLength > data.remaining() - 2) {
            reply(option, NbdProtocol.REP_ERR_INVALID, text("name length " + Integer.toUnsignedString(nameLength)
                + " exceeds the option data"));
            return false;
        }
        final String name = StandardCharsets.UTF_8.decode(data.slice(data.position(), nameLength)).toString();
        data.position(data.position() + nameLength);
        final int requests = Short.toUnsignedInt(data.getShort());
        if (data.remaining() != 2 * requests) {
            reply(option, NbdProtocol.REP_ERR_INVALID, text(requests + " information requests need "
                + 2 * requests + " bytes, got " + data.remaining()));
            return false;
        }
        if (!knows(name)) {
            reply(option, NbdProtocol.REP_ERR_UNKNOWN, text("no export named '" + name + "'"));
            return false;
        }
        boolean wantsName = false;
        boolean wantsDescription = false;
        while (data.hasRemaining()) {
            final int type = Short.toUnsignedInt(data.getShort());
            wantsName |= type == NbdProtocol.INFO_NAME;
            wantsDescription |= type == NbdProtocol.INFO_DESCRIPTION;
        }
        reply(option, NbdProtocol.REP_INFO, ByteBuffer.allocate(12).putShort((short) NbdProtocol.INFO_EXPORT)
            .putLong(export.size()).putShort((short) export.transmissionFlags()).array());
        reply(option, NbdProtocol.REP_INFO, ByteBuffer.allocate(14).putShort((short) NbdProtocol.INFO_BLOCK_SIZE)
            .putInt(export.blockSize()).putInt(export.blockSize()).putInt(NbdProtocol.MAX_PAYLOAD).array());
        if (wantsName) {
            reply(option, NbdProtocol.REP_INFO, typed(NbdProtocol.INFO_NAME, export.name()));
        }
        if (wantsDescription) {
            reply(option, NbdProtocol.REP_INFO, typed(NbdProtocol.INFO_DESCRIPTION, "writecache of "
                + export.size() + " bytes in blocks of " + export.blockSize()));
        }
        reply(option, NbdProtocol.REP_ACK, new byte[0]);
        return true;
    }

    private boolean knows(final String name) {
        return name.isEmpty() || name.equals(export.name());
    }

    private void reply(final int option, final int type, final byte[] data) throws IOException {
        out.writeLong(NbdProtocol.OPTION_REPLY_MAGIC);
        out.writeInt(option);
        out.writeInt(type);
        out.writeInt(data.length);
        out.write(data);
    }

    private static byte[] text(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] typed(final int type, final String s) {
        final byte[] b = text(s);
        return ByteBuffer.allocate(2 + b.length).putShort((short) type).put(b).array();
    }
}
