package org.writecache.nbd;

import java.nio.ByteBuffer;

/**
 * One transmission request header (28 bytes; a WRITE's data follows it on the wire):
 *
 * <pre>
 * u32 REQUEST_MAGIC | u16 command flags | u16 type | u64 cookie | u64 offset | u32 length
 * </pre>
 *
 * @param flags  command flags ({@link NbdProtocol#CMD_FLAG_FUA}, ...).
 * @param type   command type ({@link NbdProtocol#CMD_READ}, ...).
 * @param cookie chosen by the client, echoed in the reply.
 * @param offset byte offset into the export (unsigned on the wire).
 * @param length byte length, 0 to 2^32 - 1.
 */
public record NbdRequest(int flags, int type, long cookie, long offset, long length) {
    /** Bytes of a request header. */
    public static final int SIZE = 28;

    /** Puts the header at {@code dst}'s position, advancing it by {@link #SIZE}. */
    public void encode(final ByteBuffer dst) {
        dst.putInt(NbdProtocol.REQUEST_MAGIC).putShort((short) flags).putShort((short) type).putLong(cookie)
            .putLong(offset).putInt((int) length);
    }

    /**
     * Reads a header from {@code src}'s position, advancing it by {@link #SIZE}.
     *
     * @throws NbdProtocolException if the magic is wrong.
     */
    public static NbdRequest decode(final ByteBuffer src) throws NbdProtocolException {
        final int magic = src.getInt();
        if (magic != NbdProtocol.REQUEST_MAGIC) {
            throw new NbdProtocolException("bad request magic 0x" + Integer.toHexString(magic));
        }
        final int flags = Short.toUnsignedInt(src.getShort());
        final int type = Short.toUnsignedInt(src.getShort());
        return new NbdRequest(flags, type, src.getLong(), src.getLong(), Integer.toUnsignedLong(src.getInt()));
    }

    /** @return for messages, e.g. {@code WRITE of bytes [0, 4096)}. */
    public String describe() {
        return NbdProtocol.commandName(type) + " of bytes [" + offset + ", " + (offset + length) + ")";
    }
}
