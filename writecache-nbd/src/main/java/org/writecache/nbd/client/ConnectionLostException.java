package org.writecache.nbd.client;

import java.io.IOException;

/** The connection to the server is gone (closed, broken, timed out): what was in flight has an unknown outcome. */
final class ConnectionLostException extends IOException {
    private static final long serialVersionUID = 1L;

    ConnectionLostException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
