package org.writecache.nbd.client;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.charset.StandardCharsets;

import org.writecache.nbd.NbdOptions;
import org.writecache.nbd.NbdProtocol;
import org.writecache.nbd.NbdProtocolException;

/**
 * The fixed newstyle handshake, client side: {@code NBD_OPT_GO} for the export, asking for
 * {@code NBD_INFO_BLOCK_SIZE}, and {@code NBD_OPT_EXPORT_NAME} only when the server does not know NBD_OPT_GO.
 * Structured replies are never asked for, so the server answers with simple replies. Runs on a blocking channel;
 * the caller bounds its time by closing the channel.
 */
final class ClientHandshake {
    /** Largest option reply this client reads; servers send a few dozen bytes. */
    private static final int MAX_REPLY = 1 << 16;

    private final ByteChannel channel;
    private final String export;
    private final String where;

    ClientHandshake(final ByteChannel channel, final String export, final String where) {
        this.channel = channel;
        this.export = export;
        this.where = where;
    }

    /** @return what the server said about the export; the channel is then in the transmission phase. */
    NbdOptions.ExportInfo run() throws IOException {
        final int flags = NbdOptions.getGreeting(read(NbdOptions.GREETING_SIZE));
        if ((flags & NbdProtocol.FLAG_FIXED_NEWSTYLE) == 0) {
            throw new NbdProtocolException(where + ": the server does not speak fixed newstyle NBD");
        }
        final boolean noZeroes = (flags & NbdProtocol.FLAG_NO_ZEROES) != 0;
        write(ByteBuffer.allocate(4).putInt(NbdProtocol.FLAG_C_FIXED_NEWSTYLE
            | (noZeroes ? NbdProtocol.FLAG_C_NO_ZEROES : 0)).flip());
        sendOption(NbdProtocol.OPT_GO, NbdOptions.goData(export, NbdProtocol.INFO_BLOCK_SIZE));
        NbdOptions.ExportInfo info = null;
        while (true) {
            final NbdOptions.Reply reply = NbdOptions.getReply(read(NbdOptions.REPLY_HEADER_SIZE));
            if (reply.option() != NbdProtocol.OPT_GO || reply.length() > MAX_REPLY) {
                throw new NbdProtocolException(where + ": unexpected option reply (option " + reply.option()
                    + ", " + reply.length() + " bytes)");
            }
            final ByteBuffer data = read((int) reply.length());
            switch (reply.type()) {
                case NbdProtocol.REP_INFO -> info = NbdOptions.applyInfo(info, data);
                case NbdProtocol.REP_ACK -> {
                    if (info == null || info.size() < 0) {
                        throw new NbdProtocolException(where + ": NBD_OPT_GO succeeded without NBD_INFO_EXPORT");
                    }
                    return info;
                }
                case NbdProtocol.REP_ERR_UNSUP -> {
                    return exportName(noZeroes);
                }
                case NbdProtocol.REP_ERR_UNKNOWN -> throw new IOException(where + ": the server has no export named '"
                    + export + "'" + message(data));
                default -> {
                    if (reply.isError()) {
                        throw new IOException(where + ": the server refused the export (reply 0x"
                            + Integer.toHexString(reply.type()) + ")" + message(data));
                    }
                    throw new NbdProtocolException(where + ": unexpected option reply type 0x"
                        + Integer.toHexString(reply.type()));
                }
            }
        }
    }

    /** The fallback for servers without NBD_OPT_GO: no block sizes, no error replies. */
    private NbdOptions.ExportInfo exportName(final boolean noZeroes) throws IOException {
        sendOption(NbdProtocol.OPT_EXPORT_NAME, export.getBytes(StandardCharsets.UTF_8));
        final ByteBuffer b = read(NbdOptions.EXPORT_NAME_REPLY_SIZE + (noZeroes ? 0 : NbdOptions.EXPORT_NAME_PADDING));
        return new NbdOptions.ExportInfo(b.getLong(), Short.toUnsignedInt(b.getShort()), 0, 0, 0);
    }

    private void sendOption(final int option, final byte[] data) throws IOException {
        final ByteBuffer b = ByteBuffer.allocate(NbdOptions.REQUEST_HEADER_SIZE + data.length);
        NbdOptions.putRequest(b, option, data.length);
        write(b.put(data).flip());
    }

    private static String message(final ByteBuffer data) {
        final String text = StandardCharsets.UTF_8.decode(data).toString().strip();
        return text.isEmpty() ? "" : ": " + text;
    }

    private ByteBuffer read(final int n) throws IOException {
        final ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                throw new EOFException(where + ": the server closed the connection during the handshake");
            }
        }
        return b.flip();
    }

    private void write(final ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }
}
