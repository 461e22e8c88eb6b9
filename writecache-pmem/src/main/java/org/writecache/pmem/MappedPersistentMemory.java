package org.writecache.pmem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

import jdk.nio.mapmode.ExtendedMapMode;

/**
 * Persistent memory as one FFM {@link MemorySegment} mapped from a file of any size, with an exclusive file lock held
 * for as long as the mapping lives.
 *
 * <p>The mapping is tried with {@code READ_WRITE_SYNC} (MAP_SYNC, DAX file systems only) and falls back to a shared
 * read-write mapping; the {@link FlushPolicy} then decides what a flush costs. Pre-faulting touches every page once so
 * that first-touch page faults (8 to 14 microseconds a page on tmpfs) never land in a timed path.
 */
public final class MappedPersistentMemory implements PersistentMemory {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle ATOMIC_LONG =
        ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private final LockedFile file;
    private final Arena arena;
    private final MemorySegment segment;
    private final boolean mapSync;
    private final FlushPolicy policy;
    private boolean closed;

    private MappedPersistentMemory(
        final LockedFile file, final Arena arena, final MemorySegment segment, final boolean mapSync,
        final FlushPolicy policy) {
        this.file = file;
        this.arena = arena;
        this.segment = segment;
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
     * @throws CacheFileLockedException if the file is already open; it is then left as it was.
     */
    public static MappedPersistentMemory create(
        final Path file, final long size, final FlushPolicy policy, final boolean prefault) throws IOException {
        Objects.requireNonNull(policy, "policy");
        return map(LockedFile.create(file, size), policy, prefault);
    }

    /**
     * Maps an existing file in full.
     *
     * @throws NoSuchFileException if the file does not exist.
     * @throws IOException if the file is empty.
     * @throws CacheFileLockedException if the file is already open.
     */
    public static MappedPersistentMemory open(final Path file, final FlushPolicy policy, final boolean prefault)
        throws IOException {
        Objects.requireNonNull(policy, "policy");
        return map(LockedFile.open(file), policy, prefault);
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

    private static MappedPersistentMemory map(final LockedFile locked, final FlushPolicy policy, final boolean prefault)
        throws IOException {
        final Path file = locked.file();
        final FileChannel channel = locked.channel();
        final long size = locked.size();
        Arena arena = null;
        try {
            arena = Arena.ofShared();
            MemorySegment segment = null;
            boolean sync = false;
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

    @Override
    public long size() {
        return segment.byteSize();
    }

    @Override
    public long getLong(final long offset) {
        return segment.get(LONG, offset);
    }

    @Override
    public void putLong(final long offset, final long value) {
        segment.set(LONG, offset, value);
    }

    @Override
    public int getInt(final long offset) {
        return segment.get(INT, offset);
    }

    @Override
    public void putInt(final long offset, final int value) {
        segment.set(INT, offset, value);
    }

    @Override
    public long getLongAtomic(final long offset) {
        return (long) ATOMIC_LONG.getVolatile(segment, checkAligned(offset));
    }

    @Override
    public void putLongAtomic(final long offset, final long value) {
        ATOMIC_LONG.setVolatile(segment, checkAligned(offset), value);
    }

    private static long checkAligned(final long offset) {
        if ((offset & 7) != 0) {
            throw new IllegalArgumentException("atomic 8-byte access needs an 8-byte aligned offset: " + offset);
        }
        return offset;
    }

    @Override
    public void copyFrom(final ByteBuffer src, final int srcIndex, final long offset, final int length) {
        MemorySegment.copy(wholeBuffer(src, srcIndex, length), srcIndex, segment, offset, length);
    }

    /**
     * {@link MemorySegment#ofBuffer} covers {@code [position, limit)}; buffer indexes are absolute, so map
     * {@code [0, limit)} instead, after checking the range against the limit.
     */
    private static MemorySegment wholeBuffer(final ByteBuffer buffer, final int index, final int length) {
        Objects.checkFromIndexSize(index, length, buffer.limit());
        return MemorySegment.ofBuffer(buffer.slice(0, buffer.limit()));
    }

    @Override
    public void copyFrom(final byte[] src, final int srcIndex, final long offset, final int length) {
        MemorySegment.copy(src, srcIndex, segment, ValueLayout.JAVA_BYTE, offset, length);
    }

    @Override
    public void copyTo(final long offset, final ByteBuffer dst, final int dstIndex, final int length) {
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        MemorySegment.copy(segment, offset, wholeBuffer(dst, dstIndex, length), dstIndex, length);
    }

    @Override
    public void copyTo(final long offset, final byte[] dst, final int dstIndex, final int length) {
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset, dst, dstIndex, length);
    }

    @Override
    public void fill(final long offset, final long length, final byte value) {
        segment.asSlice(offset, length).fill(value);
    }

    @Override
    public void flush(final long offset, final long length) {
        Objects.checkFromIndexSize(offset, length, segment.byteSize());
        if (!segment.scope().isAlive()) {
            throw new IllegalStateException("persistent memory is closed: " + describe());
        }
        if (policy == FlushPolicy.FENCE_ONLY || length == 0) {
            return;
        }
        final long start = offset & -CACHE_LINE;
        final long end = Math.min(segment.byteSize(), (offset + length + CACHE_LINE - 1) & -CACHE_LINE);
        segment.asSlice(start, end - start).force();
    }

    @Override
    public void fence() {
        VarHandle.fullFence();
    }

    @Override
    public String describe() {
        return "ffm " + file.file() + " (" + segment.byteSize() + " bytes, " + (mapSync ? "MAP_SYNC" : "MAP_SHARED")
            + ", flush=" + policy + ")";
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
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

    @Override
    public String toString() {
        return describe();
    }
}
