package org.writecache.pmem;

import java.io.IOException;
import java.io.Serial;
import java.nio.file.Path;

/** Thrown when a cache file is already open, by another process or by this one. */
public final class CacheFileLockedException extends IOException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** @param file the cache file that is locked. */
    public CacheFileLockedException(final Path file) {
        super("cache file " + file + " is already open by another process or by this one (exclusive lock held)");
    }
}
