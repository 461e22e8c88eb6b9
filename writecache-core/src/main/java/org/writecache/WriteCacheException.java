package org.writecache;

import java.io.IOException;
import java.io.Serial;

/**
 * A request failed because the cache is in its sticky error state (an I/O error on the backing device, an
 * inconsistency found by recovery) or has been closed, or, as a {@link DataChecksumException}, because a cached block
 * failed its checksum. Acknowledged data stays in the cache; the message says why.
 */
public class WriteCacheException extends IOException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** @param message the reason. */
    public WriteCacheException(final String message) {
        super(message);
    }

    /**
     * @param message the reason.
     * @param cause   the error that put the cache in the error state.
     */
    public WriteCacheException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
