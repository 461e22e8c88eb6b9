package org.writecache.nbd;

import java.nio.ByteBuffer;

/**
 * One simple reply header (16 bytes; a successful READ's data follows it on the wire):
 *
 * <pre>
 * u32 SIMPLE_REPLY_MAGIC | u32 error | u64 cookie
 * </pre>
 *
 * @param error  0 for success, else an NBD error code ({@link NbdProtocol#EIO}, ...).
 * @param cookie the cookie of the request answered.
 */
public record NbdReply(int error, long cookie) {
    /** Bytes of a simple reply header. */
    public static final int SIZE = 16;

    /** Puts the header at {@code dst}'s position, advancing it by {@link #SIZE}. */
    public void encode(final ByteBuffer dst) {
        dst.putInt(NbdProtocol.SIMPLE_REPLY_MAGIC).putInt(error).putLong(cookie);
    }

    /**
     * Reads a header from {@code src}'s position, advancing it by {@link #SIZE}.
     *
     * @throws NbdProtocolException if the magic is not the simple reply's (structured replies are never negotiated).
     */
    public static NbdReply decode(final ByteBuffer src) throws NbdProtocolException {
        final int magic = src.getInt();
        if (magic != NbdProtocol.SIMPLE_REPLY_MAGIC) {
            throw new NbdProtocolException("bad reply magic 0x" + Integer.toHexString(magic));
        }
        return new NbdReply(src.getInt(), src.getLong());
    }
}
