package org.writecache.pmem;

import java.io.IOException;
import java.nio.file.Path;

/** The implementations of {@link PersistentMemory} over a file, selectable by name in configuration. */
public enum PmemBackend {
    /** {@link MappedPersistentMemory}: an FFM mapping; the only backend that can use MAP_SYNC. */
    FFM {
        @Override
        public PersistentMemory create(final Path file, final long size, final FlushPolicy policy,
            final boolean prefault) throws IOException {
            return MappedPersistentMemory.create(file, size, policy, prefault);
        }

        @Override
        public PersistentMemory open(final Path file, final FlushPolicy policy, final boolean prefault)
            throws IOException {
            return MappedPersistentMemory.open(file, policy, prefault);
        }
    },
    /** {@link ChronicleBytesPersistentMemory}: a Chronicle Bytes mapping; no MAP_SYNC. */
    CHRONICLE {
        @Override
        public PersistentMemory create(final Path file, final long size, final FlushPolicy policy,
            final boolean prefault) throws IOException {
            return ChronicleBytesPersistentMemory.create(file, size, policy, prefault);
        }

        @Override
        public PersistentMemory open(final Path file, final FlushPolicy policy, final boolean prefault)
            throws IOException {
            return ChronicleBytesPersistentMemory.open(file, policy, prefault);
        }
    };

    /**
     * Creates the file if needed, sets its length to {@code size}, locks and maps it.
     *
     * @param file     the cache file; its parent directory must exist.
     * @param size     the region size in bytes, positive.
     * @param policy   how flushes are carried out.
     * @param prefault touch every page now so no later access takes a first-touch fault.
     * @throws CacheFileLockedException if the file is already open, by either backend, here or elsewhere.
     * @throws IOException if the policy cannot be honoured on this file or the file cannot be mapped.
     */
    public abstract PersistentMemory create(Path file, long size, FlushPolicy policy, boolean prefault)
        throws IOException;

    /**
     * Locks and maps an existing, non-empty file in full.
     *
     * @throws java.nio.file.NoSuchFileException if the file does not exist.
     * @throws CacheFileLockedException if the file is already open, by either backend, here or elsewhere.
     * @throws IOException if the file is empty, the policy cannot be honoured or the file cannot be mapped.
     */
    public abstract PersistentMemory open(Path file, FlushPolicy policy, boolean prefault) throws IOException;

    /**
     * @param name a backend name as written in configuration, in any case, surrounding blanks ignored.
     * @return the backend of that name.
     * @throws IllegalArgumentException naming the bad value and the allowed ones.
     */
    public static PmemBackend parse(final String name) {
        return EnumNames.parse(PmemBackend.class, "persistent-memory backend", name);
    }
}
