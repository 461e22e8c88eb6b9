package org.writecache.pmem;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ServiceLoader;

/**
 * The implementations of {@link PersistentMemory} over a file, selectable by name in configuration. {@link #FFM} is
 * built in; {@link #CHRONICLE} lives in the {@code writecache-chronicle} artifact and is found through its
 * {@link PersistentMemoryProvider} when selected.
 */
public enum PmemBackend {
    /** {@link MappedPersistentMemory}: an FFM mapping; the only backend that can use MAP_SYNC. Needs no JVM flag but native access. */
    FFM(null, null) {
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

        @Override
        public PersistentMemory map(final LockedFile file, final FlushPolicy policy, final boolean prefault)
            throws IOException {
            return MappedPersistentMemory.map(file, policy, prefault);
        }
    },
    /** A Chronicle Bytes mapping; no MAP_SYNC. */
    CHRONICLE("org.writecache:writecache-chronicle",
        "--add-opens java.base/java.lang.reflect=ALL-UNNAMED --add-exports java.base/sun.nio.ch=ALL-UNNAMED (and the"
            + " rest of writecache.jvm.flags.chronicle)") {
        @Override
        public PersistentMemory create(final Path file, final long size, final FlushPolicy policy,
            final boolean prefault) throws IOException {
            return provider().create(file, size, policy, prefault);
        }

        @Override
        public PersistentMemory open(final Path file, final FlushPolicy policy, final boolean prefault)
            throws IOException {
            return provider().open(file, policy, prefault);
        }

        @Override
        public PersistentMemory map(final LockedFile file, final FlushPolicy policy, final boolean prefault)
            throws IOException {
            final PersistentMemoryProvider p;
            try {
                p = provider();
            } catch (final IllegalStateException e) {
                file.close();
                throw e;
            }
            return p.map(file, policy, prefault);
        }
    };

    private final String artifact;
    private final String flags;

    PmemBackend(final String artifact, final String flags) {
        this.artifact = artifact;
        this.flags = flags;
    }

    /**
     * Creates the file if needed, sets its length to {@code size}, locks and maps it.
     *
     * @param file     the cache file; its parent directory must exist.
     * @param size     the region size in bytes, positive.
     * @param policy   how flushes are carried out.
     * @param prefault touch every page now so no later access takes a first-touch fault.
     * @throws CacheFileLockedException if the file is already open, by either backend, here or elsewhere.
     * @throws IOException if the policy cannot be honoured on this file or the file cannot be mapped.
     * @throws IllegalStateException if the backend's artifact is not on the class path.
     */
    public abstract PersistentMemory create(Path file, long size, FlushPolicy policy, boolean prefault)
        throws IOException;

    /**
     * Locks and maps an existing, non-empty file in full.
     *
     * @throws java.nio.file.NoSuchFileException if the file does not exist.
     * @throws CacheFileLockedException if the file is already open, by either backend, here or elsewhere.
     * @throws IOException if the file is empty, the policy cannot be honoured or the file cannot be mapped.
     * @throws IllegalStateException if the backend's artifact is not on the class path.
     */
    public abstract PersistentMemory open(Path file, FlushPolicy policy, boolean prefault) throws IOException;

    /**
     * Maps a file already opened and locked ({@link LockedFile}), taking ownership of it: it is closed with the
     * region, or at once if mapping fails. How an atomic format maps the new file it builds before renaming it into
     * place.
     *
     * @throws IOException if the policy cannot be honoured or the file cannot be mapped.
     * @throws IllegalStateException if the backend's artifact is not on the class path.
     */
    public abstract PersistentMemory map(LockedFile file, FlushPolicy policy, boolean prefault) throws IOException;

    /** @return true if this backend can be used here: built in, or its artifact is on the class path. */
    public boolean isAvailable() {
        return artifact == null || find() != null;
    }

    /**
     * @throws IllegalStateException naming the missing artifact and the JVM flags it needs, unless
     *                               {@link #isAvailable()}.
     */
    public void requireAvailable() {
        if (artifact != null) {
            provider();
        }
    }

    PersistentMemoryProvider provider() {
        final PersistentMemoryProvider p = find();
        if (p == null) {
            throw new IllegalStateException("pmem.backend=" + name().toLowerCase(java.util.Locale.ROOT) + " needs the "
                + "artifact " + artifact + " on the class path, run with " + flags + "; it was not found (the "
                + "built-in backend is ffm)");
        }
        return p;
    }

    private PersistentMemoryProvider find() {
        for (final PersistentMemoryProvider p : ServiceLoader.load(PersistentMemoryProvider.class)) {
            if (p.backend() == this) {
                return p;
            }
        }
        return null;
    }

    /**
     * @param name a backend name as written in configuration, in any case, surrounding blanks ignored.
     * @return the backend of that name.
     * @throws IllegalArgumentException naming the bad value and the allowed ones.
     */
    public static PmemBackend parse(final String name) {
        return EnumNames.parse(PmemBackend.class, "persistent-memory backend", name);
    }
}
