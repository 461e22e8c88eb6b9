package org.writecache.nbd;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** A byte-level NBD client for tests: sends well-formed and malformed messages and reads the raw answers. */
final class RawNbdClient implements AutoCloseable {
    final SocketChannel channel;
    final DataInputStream in;
    final DataOutputStream out;

    /** One option reply: the option it answers, its type and data. */
    record OptionReply(int option, int type, byte[] data) {
    }

    /** One simple reply: error and cookie (data is read separately). */
    record Reply(int error, long cookie) {
    }

    RawNbdClient(final Path socket) throws IOException {
        channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        in = new DataInputStream(Channels.newInputStream(channel));
        out = new DataOutputStream(Channels.newOutputStream(channel));
    }

    /** Reads the server greeting and sends the client flags; returns the handshake flags. */
    int greet(final int clientFlags) throws IOException {
        if (in.readLong() != NbdProtocol.NBDMAGIC || in.readLong() != NbdProtocol.IHAVEOPT) {
            throw new IOException("bad greeting");
        }
        final int flags = in.readUnsignedShort();
        out.writeInt(clientFlags);
        return flags;
    }

    void option(final int option, final byte[] data) throws IOException {
        out.writeLong(NbdProtocol.IHAVEOPT);
        out.writeInt(option);
        out.writeInt(data.length);
        out.write(data);
    }

    OptionReply optionReply() throws IOException {
        if (in.readLong() != NbdProtocol.OPTION_REPLY_MAGIC) {
            throw new IOException("bad option reply magic");
        }
        final int option = in.readInt();
        final int type = in.readInt();
        final byte[] data = new byte[in.readInt()];
        in.readFully(data);
        return new OptionReply(option, type, data);
    }

    static byte[] goData(final String name, final int... infos) {
        return NbdOptions.goData(name, infos);
    }

    /** Full handshake with NBD_OPT_GO for the default export; returns the transmission flags. */
    int go() throws IOException {
        greet(NbdProtocol.FLAG_C_FIXED_NEWSTYLE | NbdProtocol.FLAG_C_NO_ZEROES);
        option(NbdProtocol.OPT_GO, goData("", NbdProtocol.INFO_BLOCK_SIZE));
        int flags = -1;
        while (true) {
            final OptionReply r = optionReply();
            if (r.type() == NbdProtocol.REP_ACK) {
                return flags;
            }
            if (r.type() != NbdProtocol.REP_INFO) {
                throw new IOException("NBD_OPT_GO failed with reply type 0x" + Integer.toHexString(r.type()));
            }
            final ByteBuffer d = ByteBuffer.wrap(r.data());
            if (d.getShort() == NbdProtocol.INFO_EXPORT) {
                d.getLong();
                flags = Short.toUnsignedInt(d.getShort());
            }
        }
    }

    void request(final int type, final int flags, final long cookie, final long offset, final int length)
        throws IOException {
        out.writeInt(NbdProtocol.REQUEST_MAGIC);
        out.writeShort(flags);
        out.writeShort(type);
        out.writeLong(cookie);
        out.writeLong(offset);
        out.writeInt(length);
    }

    Reply reply() throws IOException {
        final int magic = in.readInt();
        if (magic != NbdProtocol.SIMPLE_REPLY_MAGIC) {
            throw new IOException("bad reply magic 0x" + Integer.toHexString(magic));
        }
        return new Reply(in.readInt(), in.readLong());
    }

    /** Writes {@code data} at {@code offset} and returns the error code. */
    int write(final long offset, final byte[] data, final boolean fua) throws IOException {
        request(NbdProtocol.CMD_WRITE, fua ? NbdProtocol.CMD_FLAG_FUA : 0, 7, offset, data.length);
        out.write(data);
        return reply().error();
    }

    /** Reads {@code length} bytes at {@code offset}; throws if the server answers with an error. */
    byte[] read(final long offset, final int length) throws IOException {
        request(NbdProtocol.CMD_READ, 0, 8, offset, length);
        final Reply r = reply();
        if (r.error() != 0) {
            throw new IOException("read failed with error " + r.error());
        }
        final byte[] data = new byte[length];
        in.readFully(data);
        return data;
    }

    /** @return true if the server closed the connection (the next read sees end of stream). */
    boolean closedByServer() throws IOException {
        try {
            in.readByte();
            return false;
        } catch (final EOFException e) {
            return true;
        } catch (final java.net.SocketException e) {
            // A reset: the server closed while bytes it never read were still arriving. Also a hang-up.
            return e.getMessage() != null && e.getMessage().contains("reset");
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
