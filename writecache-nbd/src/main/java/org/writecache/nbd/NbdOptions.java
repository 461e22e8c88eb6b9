package org.writecache.nbd;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The messages of the fixed newstyle handshake, both directions, as byte buffers (big-endian):
 *
 * <pre>
 * greeting (server, 18 bytes):     u64 NBDMAGIC | u64 IHAVEOPT | u16 handshake flags
 * client flags (client, 4 bytes):  u32
 * option request (client, 16):     u64 IHAVEOPT | u32 option | u32 length | length bytes of data
 * option reply (server, 20):       u64 OPTION_REPLY_MAGIC | u32 option | u32 reply type | u32 length | data
 * NBD_OPT_INFO / NBD_OPT_GO data:  u32 name length | name | u16 n | n x u16 information request
 * NBD_REP_INFO data:               u16 information type | its fields (NBD_INFO_EXPORT: u64 size, u16 flags;
 *                                  NBD_INFO_BLOCK_SIZE: u32 minimum, u32 preferred, u32 maximum payload)
 * </pre>
 */
public final class NbdOptions {
    /** Bytes of the server's greeting. */
    public static final int GREETING_SIZE = 18;
    /** Bytes of an option request header. */
    public static final int REQUEST_HEADER_SIZE = 16;
    /** Bytes of an option reply header. */
    public static final int REPLY_HEADER_SIZE = 20;
    /** Bytes a server sends after NBD_OPT_EXPORT_NAME: size and flags (then 124 zeros unless the client said no). */
    public static final int EXPORT_NAME_REPLY_SIZE = 10;
    /** Zero padding after the NBD_OPT_EXPORT_NAME reply. */
    public static final int EXPORT_NAME_PADDING = 124;

    /**
     * An option request header.
     *
     * @param option the option.
     * @param length bytes of data that follow, unsigned.
     */
    public record Request(int option, long length) {
    }

    /**
     * An option reply header.
     *
     * @param option the option answered.
     * @param type   the reply type ({@link NbdProtocol#REP_ACK}, an error with {@link NbdProtocol#REP_FLAG_ERROR}).
     * @param length bytes of data that follow, unsigned.
     */
    public record Reply(int option, int type, long length) {
        /** @return whether the reply is an error. */
        public boolean isError() {
            return (type & NbdProtocol.REP_FLAG_ERROR) != 0;
        }
    }

    /**
     * The data of NBD_OPT_INFO and NBD_OPT_GO.
     *
     * @param name  the export name.
     * @param infos the information types asked for.
     */
    public record Go(String name, int[] infos) {
        /** @return whether information type {@code type} was asked for. */
        public boolean wants(final int type) {
            for (final int i : infos) {
                if (i == type) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * What a server says about an export: NBD_INFO_EXPORT and NBD_INFO_BLOCK_SIZE (0 where not sent).
     *
     * @param size           export size in bytes.
     * @param flags          transmission flags.
     * @param minimumBlock   minimum block size, 0 if not advertised.
     * @param preferredBlock preferred block size, 0 if not advertised.
     * @param maximumPayload largest payload, 0 if not advertised (unsigned: 0xffffffff means no limit).
     */
    public record ExportInfo(long size, int flags, int minimumBlock, int preferredBlock, int maximumPayload) {
    }

    private NbdOptions() {
    }

    /** Puts the server greeting. */
    public static void putGreeting(final ByteBuffer dst, final int handshakeFlags) {
        dst.putLong(NbdProtocol.NBDMAGIC).putLong(NbdProtocol.IHAVEOPT).putShort((short) handshakeFlags);
    }

    /** @return the handshake flags of a greeting. @throws NbdProtocolException if it is not a newstyle greeting. */
    public static int getGreeting(final ByteBuffer src) throws NbdProtocolException {
        final long magic = src.getLong();
        final long style = src.getLong();
        if (magic != NbdProtocol.NBDMAGIC || style != NbdProtocol.IHAVEOPT) {
            throw new NbdProtocolException("not a newstyle NBD server (greeting 0x" + Long.toHexString(magic)
                + " 0x" + Long.toHexString(style) + ")");
        }
        return Short.toUnsignedInt(src.getShort());
    }

    /** Puts an option request header; its {@code length} bytes of data follow. */
    public static void putRequest(final ByteBuffer dst, final int option, final int length) {
        dst.putLong(NbdProtocol.IHAVEOPT).putInt(option).putInt(length);
    }

    /** @return an option request header. @throws NbdProtocolException on a bad magic. */
    public static Request getRequest(final ByteBuffer src) throws NbdProtocolException {
        final long magic = src.getLong();
        if (magic != NbdProtocol.IHAVEOPT) {
            throw new NbdProtocolException("bad option magic 0x" + Long.toHexString(magic));
        }
        return new Request(src.getInt(), Integer.toUnsignedLong(src.getInt()));
    }

    /** Puts an option reply header; its {@code length} bytes of data follow. */
    public static void putReply(final ByteBuffer dst, final int option, final int type, final int length) {
        dst.putLong(NbdProtocol.OPTION_REPLY_MAGIC).putInt(option).putInt(type).putInt(length);
    }

    /** @return an option reply header. @throws NbdProtocolException on a bad magic. */
    public static Reply getReply(final ByteBuffer src) throws NbdProtocolException {
        final long magic = src.getLong();
        if (magic != NbdProtocol.OPTION_REPLY_MAGIC) {
            throw new NbdProtocolException("bad option reply magic 0x" + Long.toHexString(magic));
        }
        return new Reply(src.getInt(), src.getInt(), Integer.toUnsignedLong(src.getInt()));
    }

    /** @return the data of NBD_OPT_INFO or NBD_OPT_GO for export {@code name}, asking for {@code infos}. */
    public static byte[] goData(final String name, final int... infos) {
        final byte[] n = name.getBytes(StandardCharsets.UTF_8);
        final ByteBuffer b = ByteBuffer.allocate(4 + n.length + 2 + 2 * infos.length).putInt(n.length).put(n)
            .putShort((short) infos.length);
        for (final int i : infos) {
            b.putShort((short) i);
        }
        return b.array();
    }

    /** @return the parsed data of NBD_OPT_INFO or NBD_OPT_GO. @throws IllegalArgumentException saying what is wrong. */
    public static Go parseGo(final ByteBuffer data) {
        if (data.remaining() < 6) {
            throw new IllegalArgumentException("option data of " + data.remaining() + " bytes is short");
        }
        final int nameLength = data.getInt();
        if (nameLength < 0 || nameLength > data.remaining() - 2) {
            throw new IllegalArgumentException("name length " + Integer.toUnsignedString(nameLength)
                + " exceeds the option data");
        }
        final String name = StandardCharsets.UTF_8.decode(data.slice(data.position(), nameLength)).toString();
        data.position(data.position() + nameLength);
        final int requests = Short.toUnsignedInt(data.getShort());
        if (data.remaining() != 2 * requests) {
            throw new IllegalArgumentException(requests + " information requests need " + 2 * requests
                + " bytes, got " + data.remaining());
        }
        final int[] infos = new int[requests];
        for (int i = 0; i < requests; i++) {
            infos[i] = Short.toUnsignedInt(data.getShort());
        }
        return new Go(name, infos);
    }

    /** @return NBD_REP_INFO data of type NBD_INFO_EXPORT. */
    public static byte[] exportInfo(final long size, final int flags) {
        return ByteBuffer.allocate(12).putShort((short) NbdProtocol.INFO_EXPORT).putLong(size).putShort((short) flags)
            .array();
    }

    /** @return NBD_REP_INFO data of type NBD_INFO_BLOCK_SIZE. */
    public static byte[] blockSizeInfo(final int minimum, final int preferred, final int maximumPayload) {
        return ByteBuffer.allocate(14).putShort((short) NbdProtocol.INFO_BLOCK_SIZE).putInt(minimum).putInt(preferred)
            .putInt(maximumPayload).array();
    }

    /** @return NBD_REP_INFO data of a text type (NBD_INFO_NAME, NBD_INFO_DESCRIPTION). */
    public static byte[] textInfo(final int type, final String text) {
        final byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(2 + b.length).putShort((short) type).put(b).array();
    }

    /**
     * Folds one NBD_REP_INFO reply into what is known about the export; types other than NBD_INFO_EXPORT and
     * NBD_INFO_BLOCK_SIZE are ignored, as the protocol asks.
     *
     * @param known what earlier replies said (null before the first).
     * @throws NbdProtocolException if a known type has the wrong length.
     */
    public static ExportInfo applyInfo(final ExportInfo known, final ByteBuffer data) throws NbdProtocolException {
        final ExportInfo k = known == null ? new ExportInfo(-1, 0, 0, 0, 0) : known;
        if (data.remaining() < 2) {
            throw new NbdProtocolException("NBD_REP_INFO of " + data.remaining() + " bytes");
        }
        final int type = Short.toUnsignedInt(data.getShort());
        if (type == NbdProtocol.INFO_EXPORT) {
            requireLength(data, 10, "NBD_INFO_EXPORT");
            return new ExportInfo(data.getLong(), Short.toUnsignedInt(data.getShort()), k.minimumBlock(),
                k.preferredBlock(), k.maximumPayload());
        }
        if (type == NbdProtocol.INFO_BLOCK_SIZE) {
            requireLength(data, 12, "NBD_INFO_BLOCK_SIZE");
            return new ExportInfo(k.size(), k.flags(), data.getInt(), data.getInt(), data.getInt());
        }
        return k;
    }

    private static void requireLength(final ByteBuffer data, final int length, final String what)
        throws NbdProtocolException {
        if (data.remaining() != length) {
            throw new NbdProtocolException(what + " with " + data.remaining() + " bytes of data instead of " + length);
        }
    }
}
