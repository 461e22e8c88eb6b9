package org.writecache.pmem;

import java.io.IOException;
import java.io.Serial;
import java.nio.file.Path;

/** Thrown when a cache file (or a backing file) is already open, by another process or by this one. */
public final class CacheFileLockedException extends IOException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** @param file the cache file that is locked. */
    public CacheFileLockedException(final Path file) {
        this(file, "cache file");
    }

    /**
     * @param file the file that is locked.
     * @param role what the file is: "cache file", "backing file".
     */
    public CacheFileLockedException(final Path file, final String role) {
        super(role + " " + file + " is already open by another process or by this one (locked)");
    }
}
