package org.writecache.nbd;

import java.io.IOException;

/** The client broke the protocol in a way that cannot be answered (bad magic, oversized data): the session ends. */
public final class NbdProtocolException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message what the client sent and why it cannot be answered. */
    public NbdProtocolException(final String message) {
        super(message);
    }
}
