package org.writecache.nbd.client;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Locale;

import org.writecache.nbd.NbdProtocol;

/**
 * An NBD export named by a URI of the NBD URI specification (doc/uri.md of the NetworkBlockDevice project), the form
 * qemu, libnbd (nbdcopy, nbdinfo) and nbdkit print and take:
 *
 * <pre>
 * nbd://host[:port]/export             TCP; port 10809 when left out; export "" when the path is empty
 * nbd+unix:///export?socket=PATH       a Unix domain socket
 * </pre>
 *
 * The export name is the path without its leading {@code /}, percent-decoded ({@code nbd://h//disk} names
 * {@code /disk}). TLS ({@code nbds}, {@code nbds+unix}, {@code tls-*} parameters) is not supported and refused, as are
 * query parameters this client does not understand, each with one line saying why.
 *
 * @param text       the URI as given.
 * @param host       the host of a TCP URI, null for a Unix socket.
 * @param port       the TCP port, -1 for a Unix socket.
 * @param socket     the socket path of a {@code nbd+unix} URI, null for TCP.
 * @param exportName the export name sent to the server.
 */
public record NbdUri(String text, String host, int port, Path socket, String exportName) {
    private static final String TCP = "nbd";
    private static final String UNIX = "nbd+unix";

    /** @return true if {@code location} is meant as an NBD URI: its scheme is one of the NBD schemes. */
    public static boolean isNbd(final String location) {
        final String l = location.trim().toLowerCase(Locale.ROOT);
        return l.startsWith("nbd:") || l.startsWith("nbd+unix:") || l.startsWith("nbds:") || l.startsWith("nbds+unix:");
    }

    /**
     * Parses an NBD URI.
     *
     * @throws IllegalArgumentException with one line naming the URI and what is wrong with it.
     */
    public static NbdUri parse(final String text) {
        final URI uri;
        try {
            uri = new URI(text.trim());
        } catch (final URISyntaxException e) {
            throw bad(text, e.getReason() + " at index " + e.getIndex());
        }
        final String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.startsWith("nbds")) {
            throw bad(text, "TLS (" + scheme + ") is not supported; use nbd:// or nbd+unix://");
        }
        if (!scheme.equals(TCP) && !scheme.equals(UNIX)) {
            throw bad(text, "the scheme must be nbd or nbd+unix");
        }
        if (uri.isOpaque()) {
            throw bad(text, "write it as " + scheme + "://...");
        }
        if (uri.getRawUserInfo() != null) {
            throw bad(text, "user information is only used for TLS, which is not supported");
        }
        final String path = uri.getPath() == null ? "" : uri.getPath();
        final String export = path.startsWith("/") ? path.substring(1) : path;
        if (export.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > NbdProtocol.MAX_NAME_LENGTH) {
            throw bad(text, "the export name is longer than " + NbdProtocol.MAX_NAME_LENGTH + " bytes");
        }
        String socket = null;
        if (uri.getRawQuery() != null && !uri.getRawQuery().isEmpty()) {
            for (final String pair : uri.getRawQuery().split("&")) {
                final int eq = pair.indexOf('=');
                final String key = decode(text, eq < 0 ? pair : pair.substring(0, eq));
                final String value = eq < 0 ? "" : decode(text, pair.substring(eq + 1));
                if (key.equals("socket") && scheme.equals(UNIX)) {
                    socket = value;
                } else if (key.startsWith("tls-")) {
                    throw bad(text, "query parameter " + key + ": TLS is not supported");
                } else {
                    throw bad(text, "unknown query parameter '" + key + "'"
                        + (scheme.equals(UNIX) ? " (only socket is known)" : " (a TCP URI takes none)"));
                }
            }
        }
        if (scheme.equals(UNIX)) {
            if (uri.getRawAuthority() != null) {
                throw bad(text, "a Unix socket URI has no host: write nbd+unix:///export?socket=PATH");
            }
            if (socket == null || socket.isEmpty()) {
                throw bad(text, "a Unix socket URI needs ?socket=PATH");
            }
            return new NbdUri(text, null, -1, Path.of(socket), export);
        }
        if (uri.getHost() == null) {
            throw bad(text, "a TCP URI needs a host: nbd://host[:port]/export");
        }
        final int port = uri.getPort() < 0 ? NbdProtocol.DEFAULT_PORT : uri.getPort();
        return new NbdUri(text, uri.getHost(), port, null, export);
    }

    /** @return whether the export is reached through a Unix domain socket. */
    public boolean isUnix() {
        return socket != null;
    }

    /** @return the address to connect to. */
    public SocketAddress address() {
        if (socket != null) {
            return UnixDomainSocketAddress.of(socket);
        }
        final String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        return new InetSocketAddress(h, port);
    }

    @Override
    public String toString() {
        return text;
    }

    /** Percent-decodes one query component (RFC 3986: {@code +} is a plus sign, not a space). */
    private static String decode(final String text, final String raw) {
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            final char c = raw.charAt(i);
            if (c != '%') {
                out.writeBytes(String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                continue;
            }
            final int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
            final int lo = hi < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
            if (lo < 0) {
                throw bad(text, "bad percent escape in '" + raw + "'");
            }
            out.write(hi << 4 | lo);
            i += 2;
        }
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static IllegalArgumentException bad(final String text, final String why) {
        return new IllegalArgumentException("bad NBD URI '" + text + "': " + why);
    }
}
