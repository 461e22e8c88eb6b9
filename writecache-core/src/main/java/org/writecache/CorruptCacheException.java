package org.writecache;

import java.io.IOException;
import java.io.Serial;

/**
 * The cache file cannot be opened as a cache: it is not formatted, was formatted with other parameters, is too
 * small, or its metadata fails its checksums. The message names the file region and what is wrong with it.
 */
public final class CorruptCacheException extends IOException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, naming the offending field and value. */
    public CorruptCacheException(final String message) {
        super(message);
    }
}
