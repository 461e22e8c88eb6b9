package org.writecache.nbd;

/**
 * The numbers of the NBD protocol (doc/proto.md of the NetworkBlockDevice project) that this project's server and
 * client speak: the fixed newstyle handshake and simple replies. Every field is big-endian on the wire. The messages
 * themselves are encoded and decoded by {@link NbdRequest}, {@link NbdReply} and {@link NbdOptions}.
 *
 * <pre>
 * handshake, server first:
 *   u64 NBDMAGIC | u64 IHAVEOPT | u16 handshake flags          client: u32 client flags
 * option request (client):        u64 IHAVEOPT | u32 option | u32 length | length bytes of data
 * option reply (server):          u64 OPTION_REPLY_MAGIC | u32 option | u32 reply type | u32 length | data
 * request (client, 28 bytes):     u32 REQUEST_MAGIC | u16 command flags | u16 type | u64 cookie | u64 offset
 *                                 | u32 length | (length bytes of data for WRITE)
 * simple reply (server, 16 bytes): u32 SIMPLE_REPLY_MAGIC | u32 error | u64 cookie | (data for a successful READ)
 * </pre>
 */
public final class NbdProtocol {
    /** "NBDMAGIC": first word the server sends. */
    public static final long NBDMAGIC = 0x4e42444d41474943L;
    /** "IHAVEOPT": newstyle handshake magic, and the magic of every option request. */
    public static final long IHAVEOPT = 0x49484156454F5054L;
    /** Magic of every option reply. */
    public static final long OPTION_REPLY_MAGIC = 0x3e889045565a9L;
    /** Magic of every transmission request. */
    public static final int REQUEST_MAGIC = 0x25609513;
    /** Magic of every simple reply. */
    public static final int SIMPLE_REPLY_MAGIC = 0x67446698;

    /** Handshake flag: the server speaks fixed newstyle. */
    public static final int FLAG_FIXED_NEWSTYLE = 1;
    /** Handshake flag: the server omits the 124 zero bytes after NBD_OPT_EXPORT_NAME if the client asks. */
    public static final int FLAG_NO_ZEROES = 1 << 1;
    /** Client flag: the client speaks fixed newstyle. */
    public static final int FLAG_C_FIXED_NEWSTYLE = 1;
    /** Client flag: the client wants no zero padding after NBD_OPT_EXPORT_NAME. */
    public static final int FLAG_C_NO_ZEROES = 1 << 1;

    /** Option: choose an export and enter transmission (no error reply possible). */
    public static final int OPT_EXPORT_NAME = 1;
    /** Option: end the session. */
    public static final int OPT_ABORT = 2;
    /** Option: list the exports. */
    public static final int OPT_LIST = 3;
    /** Option: describe an export. */
    public static final int OPT_INFO = 6;
    /** Option: describe an export and enter transmission. */
    public static final int OPT_GO = 7;

    /** Option reply: success, end of the option's replies. */
    public static final int REP_ACK = 1;
    /** Option reply: one export of a list. */
    public static final int REP_SERVER = 2;
    /** Option reply: one piece of information about an export. */
    public static final int REP_INFO = 3;
    /** Option reply error: the option is not supported. */
    public static final int REP_ERR_UNSUP = 0x80000001;
    /** Option reply error: the option data is malformed. */
    public static final int REP_ERR_INVALID = 0x80000003;
    /** Option reply error: no such export. */
    public static final int REP_ERR_UNKNOWN = 0x80000006;
    /** Option reply error: the server forbids the option. */
    public static final int REP_ERR_POLICY = 0x80000002;
    /** Option reply error: the option is not supported on this platform. */
    public static final int REP_ERR_PLATFORM = 0x80000004;
    /** Option reply error: the server requires TLS. */
    public static final int REP_ERR_TLS_REQD = 0x80000005;
    /** Option reply error: the server is shutting down. */
    public static final int REP_ERR_SHUTDOWN = 0x80000007;
    /** Option reply error: the server requires the client to ask for NBD_INFO_BLOCK_SIZE. */
    public static final int REP_ERR_BLOCK_SIZE_REQD = 0x80000008;
    /** Bit set in every option reply type that is an error. */
    public static final int REP_FLAG_ERROR = 0x80000000;

    /** Information type: export size and transmission flags. */
    public static final int INFO_EXPORT = 0;
    /** Information type: canonical export name. */
    public static final int INFO_NAME = 1;
    /** Information type: export description. */
    public static final int INFO_DESCRIPTION = 2;
    /** Information type: minimum, preferred and maximum payload sizes. */
    public static final int INFO_BLOCK_SIZE = 3;

    /** Transmission flag: always set. */
    public static final int FLAG_HAS_FLAGS = 1;
    /** Transmission flag: the export is read-only. */
    public static final int FLAG_READ_ONLY = 1 << 1;
    /** Transmission flag: the server understands FLUSH. */
    public static final int FLAG_SEND_FLUSH = 1 << 2;
    /** Transmission flag: the server understands the FUA command flag. */
    public static final int FLAG_SEND_FUA = 1 << 3;
    /** Transmission flag: the server understands TRIM. */
    public static final int FLAG_SEND_TRIM = 1 << 5;
    /** Transmission flag: the server understands WRITE_ZEROES. */
    public static final int FLAG_SEND_WRITE_ZEROES = 1 << 6;
    /** Transmission flag: a FLUSH on one connection covers writes acknowledged on every connection. */
    public static final int FLAG_CAN_MULTI_CONN = 1 << 8;

    /** Command: read. */
    public static final int CMD_READ = 0;
    /** Command: write, followed by its data. */
    public static final int CMD_WRITE = 1;
    /** Command: disconnect (no reply). */
    public static final int CMD_DISC = 2;
    /** Command: make every acknowledged write durable. */
    public static final int CMD_FLUSH = 3;
    /** Command: the range is no longer needed. */
    public static final int CMD_TRIM = 4;
    /** Command: write zeros to the range. */
    public static final int CMD_WRITE_ZEROES = 6;

    /** Command flag: durable before the reply. */
    public static final int CMD_FLAG_FUA = 1;
    /** Command flag (WRITE_ZEROES): do not punch a hole; this server never does. */
    public static final int CMD_FLAG_NO_HOLE = 1 << 1;

    /** Error: operation not permitted. */
    public static final int EPERM = 1;
    /** Error: input/output error. */
    public static final int EIO = 5;
    /** Error: out of memory. */
    public static final int ENOMEM = 12;
    /** Error: invalid argument. */
    public static final int EINVAL = 22;
    /** Error: write beyond the end of the device. */
    public static final int ENOSPC = 28;
    /** Error: value too large (a payload-free command longer than this server accepts). */
    public static final int EOVERFLOW = 75;
    /** Error: operation not supported. */
    public static final int ENOTSUP = 95;
    /** Error: the server is shutting down. */
    public static final int ESHUTDOWN = 108;

    /** Largest read or write payload this server accepts (2^25, the size the protocol says to tolerate). */
    public static final int MAX_PAYLOAD = 1 << 25;
    /** Largest option data this server reads; longer options end the session. */
    public static final int MAX_OPTION_LENGTH = 1 << 16;
    /** Longest export name the protocol allows. */
    public static final int MAX_NAME_LENGTH = 4096;

    /** Default TCP port (IANA). */
    public static final int DEFAULT_PORT = 10809;

    private NbdProtocol() {
    }

    /** @return the name of an NBD error code, such as {@code EIO (5)}, for messages. */
    public static String errorName(final int error) {
        final String name = switch (error) {
            case EPERM -> "EPERM";
            case EIO -> "EIO";
            case ENOMEM -> "ENOMEM";
            case EINVAL -> "EINVAL";
            case ENOSPC -> "ENOSPC";
            case EOVERFLOW -> "EOVERFLOW";
            case ENOTSUP -> "ENOTSUP";
            case ESHUTDOWN -> "ESHUTDOWN";
            default -> "error";
        };
        return name + " (" + Integer.toUnsignedString(error) + ")";
    }

    /** @return the name of a command type, such as {@code WRITE}, for messages. */
    public static String commandName(final int type) {
        return switch (type) {
            case CMD_READ -> "READ";
            case CMD_WRITE -> "WRITE";
            case CMD_DISC -> "DISC";
            case CMD_FLUSH -> "FLUSH";
            case CMD_TRIM -> "TRIM";
            case CMD_WRITE_ZEROES -> "WRITE_ZEROES";
            default -> "command " + type;
        };
    }
}
