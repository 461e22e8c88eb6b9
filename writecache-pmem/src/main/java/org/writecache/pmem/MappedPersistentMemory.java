package org.writecache.pmem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

import jdk.nio.mapmode.ExtendedMapMode;

/**
 * Persistent memory as one FFM {@link MemorySegment} mapped from a file of any size, with an exclusive file lock held
 * for as long as the mapping lives (or a shared one for a read-only mapping, {@link #openReadOnly}).
 *
 * <p>The mapping is tried with {@code READ_WRITE_SYNC} (MAP_SYNC, DAX file systems only) and falls back to a shared
 * read-write mapping; the {@link FlushPolicy} then decides what a flush costs. Pre-faulting touches every page once so
 * that first-touch page faults (8 to 14 microseconds a page on tmpfs) never land in a timed path.
 */
public final class MappedPersistentMemory extends SegmentMemory {
    private final LockedFile file;
    private final Arena arena;
    private final boolean mapSync;
    private final FlushPolicy policy;

    private MappedPersistentMemory(
        final LockedFile file, final Arena arena, final MemorySegment segment, final boolean mapSync,
        final FlushPolicy policy) {
        super(segment);
        this.file = file;
        this.arena = arena;
        this.mapSync = mapSync;
        this.policy = policy;
    }

    /**
     * Creates the file if needed, sets its length to {@code size} and maps it.
     *
     * @param file     the file to map; its parent directory must exist.
     * @param size     the region size in bytes, positive.
     * @param policy   how flushes are carried out.
     * @param prefault touch every page now so no later access takes a first-touch fault.
     * @return the mapped region, holding the file's lock until closed.
     * @throws CacheFileLockedException if the file is already open; it is then left as it was.
     */
    public static MappedPersistentMemory create(
        final Path file, final long size, final FlushPolicy policy, final boolean prefault) throws IOException {
        Objects.requireNonNull(policy, "policy");
        return mapLocked(LockedFile.create(file, size), policy, prefault);
    }

    /**
     * Maps an existing, non-empty file in full.
     *
     * @param file     the file to map.
     * @param policy   how flushes are carried out.
     * @param prefault touch every page now so no later access takes a first-touch fault.
     * @return the mapped region, holding the file's lock until closed.
     * @throws NoSuchFileException if the file does not exist.
     * @throws IOException if the file is empty.
     * @throws CacheFileLockedException if the file is already open.
     */
    public static MappedPersistentMemory open(final Path file, final FlushPolicy policy, final boolean prefault)
        throws IOException {
        Objects.requireNonNull(policy, "policy");
        return mapLocked(LockedFile.open(file), policy, prefault);
    }

    /**
     * Maps a file already opened and locked, taking ownership of it: it is closed with the mapping, or at once if the
     * mapping fails. A file opened with {@link LockedFile#openReadOnly} is mapped read only: loads work, every store
     * throws, and flushes are not needed (the policy is then {@link FlushPolicy#FENCE_ONLY}).
     *
     * @param locked   the open file.
     * @param policy   how flushes are carried out.
     * @param prefault touch every page now so no later access takes a first-touch fault.
     */
    public static MappedPersistentMemory map(final LockedFile locked, final FlushPolicy policy, final boolean prefault)
        throws IOException {
        if (policy == null) {
            locked.close();
            throw new NullPointerException("policy");
        }
        return mapLocked(locked, policy, prefault);
    }

    /**
     * Maps an existing, non-empty file read only under a shared lock, for tools that inspect a cache at rest: needs
     * only read permission, and any number of readers may map it at once, but not while a cache has it open.
     *
     * @throws NoSuchFileException if the file does not exist.
     * @throws IOException if the file is empty.
     * @throws CacheFileLockedException if a cache has the file open (or this process reads it already).
     */
    public static MappedPersistentMemory openReadOnly(final Path file) throws IOException {
        return mapLocked(LockedFile.openReadOnly(file), FlushPolicy.FENCE_ONLY, false);
    }

    /** @return true if {@code path} (or its parent, if it does not exist yet) is on tmpfs. */
    public static boolean isTmpfs(final Path path) {
        try {
            Path p = path.toAbsolutePath();
            while (p != null && !Files.exists(p)) {
                p = p.getParent();
            }
            return p != null && "tmpfs".equals(Files.getFileStore(p).type());
        } catch (final IOException e) {
            return false;
        }
    }

    private static MappedPersistentMemory mapLocked(final LockedFile locked, final FlushPolicy policy,
                                                    final boolean prefault) throws IOException {
        final Path file = locked.file();
        final FileChannel channel = locked.channel();
        final long size = locked.size();
        Arena arena = null;
        try {
            arena = Arena.ofShared();
            MemorySegment segment = null;
            boolean sync = false;
            if (locked.isReadOnly()) {
                segment = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
                return new MappedPersistentMemory(locked, arena, segment, false, FlushPolicy.FENCE_ONLY);
            }
            if (policy == FlushPolicy.SYNC || policy == FlushPolicy.AUTO) {
                try {
                    segment = channel.map(ExtendedMapMode.READ_WRITE_SYNC, 0, size, arena);
                    sync = true;
                } catch (final IOException | UnsupportedOperationException e) {
                    if (policy == FlushPolicy.SYNC) {
                        throw new IOException("flush policy SYNC needs a MAP_SYNC (DAX) mapping, which " + file
                            + " does not support: " + e.getMessage(), e);
                    }
                }
            }
            if (segment == null) {
                segment = channel.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            }
            final FlushPolicy effective = effectivePolicy(policy, sync, file);
            if (prefault) {
                segment.load();
            }
            return new MappedPersistentMemory(locked, arena, segment, sync, effective);
        } catch (final IOException | RuntimeException e) {
            if (arena != null) {
                arena.close();
            }
            try {
                locked.close();
            } catch (final IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private static FlushPolicy effectivePolicy(final FlushPolicy policy, final boolean sync, final Path file) {
        if (sync) {
            return FlushPolicy.SYNC;
        }
        if (policy == FlushPolicy.AUTO) {
            return isTmpfs(file) ? FlushPolicy.FENCE_ONLY : FlushPolicy.MSYNC;
        }
        return policy;
    }

    /** @return the flush policy in force after {@link FlushPolicy#AUTO} was resolved. */
    public FlushPolicy flushPolicy() {
        return policy;
    }

    /** @return true if the file was mapped with MAP_SYNC. */
    public boolean isMapSync() {
        return mapSync;
    }

    /** @return the mapped file. */
    public Path file() {
        return file.file();
    }

    /** Writes the lines back with {@code force()} (msync, or CPU cache-line write-back on MAP_SYNC), unless FENCE_ONLY. */
    @Override
    void writeBack(final long lineStart, final long length) {
        if (policy != FlushPolicy.FENCE_ONLY) {
            segment().asSlice(lineStart, length).force();
        }
    }

    /** A full memory fence: on a MAP_SYNC mapping it completes the CPU write-backs {@link #flush} started. */
    @Override
    public void fence() {
        VarHandle.fullFence();
    }

    @Override
    public String describe() {
        return "ffm " + file.file() + " (" + size() + " bytes, " + (file.isReadOnly() ? "read only"
            : mapSync ? "MAP_SYNC" : "MAP_SHARED")
            + ", flush=" + policy + ")";
    }

    /** Unmaps the file, then releases its lock and closes it. Idempotent. */
    @Override
    public synchronized void close() {
        if (isClosed()) {
            return;
        }
        markClosed();
        try {
            arena.close();
        } finally {
            try {
                file.close();
            } catch (final IOException e) {
                throw new UncheckedIOException("closing " + file.file(), e);
            }
        }
    }
}
