package org.writecache.pmem;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;

/**
 * A small file mapped into memory and shared with other processes for monitoring, not for durability: one writer
 * publishes values with ordered stores, any number of readers map it read-only and load them. The counters file of a
 * running cache lives in one. No file lock is taken: a reader must be able to look while the writer runs.
 *
 * <p>Little-endian, like {@link PersistentMemory}. Every access is bounds-checked; 8-byte ordered accesses need an
 * 8-byte aligned offset. The writer's mapping is released by the garbage collector ({@link Arena#ofAuto()}), so that
 * a reader racing with close, or a late store after it, never touches unmapped memory; a reader's mapping is released
 * by {@link #close()}.
 */
public final class SharedRegion implements AutoCloseable {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle ORDERED_LONG =
        ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private final Path file;
    private final MemorySegment segment;
    private final Arena arena;

    private SharedRegion(final Path file, final MemorySegment segment, final Arena arena) {
        this.file = file;
        this.segment = segment;
        this.arena = arena;
    }

    /**
     * Creates {@code file} (replacing any file there) with owner-only permissions, {@code size} zero bytes long, and
     * maps it read-write.
     */
    public static SharedRegion create(final Path file, final long size) throws IOException {
        return create(file, size, PosixFilePermissions.fromString("rw-------"));
    }

    /**
     * Creates {@code file} (replacing any file there) with exactly {@code permissions} (whatever the umask),
     * {@code size} zero bytes long, and maps it read-write.
     */
    public static SharedRegion create(final Path file, final long size, final Set<PosixFilePermission> permissions)
        throws IOException {
        if (size <= 0) {
            throw new IllegalArgumentException("shared region size must be positive: " + size);
        }
        Files.deleteIfExists(file);
        try (FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW,
            StandardOpenOption.READ, StandardOpenOption.WRITE),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            Files.setPosixFilePermissions(file, permissions);
            channel.truncate(size);
            channel.write(java.nio.ByteBuffer.allocate(1), size - 1);
            return new SharedRegion(file, channel.map(FileChannel.MapMode.READ_WRITE, 0, size, Arena.ofAuto()), null);
        }
    }

    /** Maps an existing {@code file} read-only, as it is now, whatever its length. */
    public static SharedRegion openReadOnly(final Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            final long size = channel.size();
            final Arena arena = Arena.ofConfined();
            try {
                final MemorySegment segment = size == 0 ? arena.allocate(0)
                    : channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
                return new SharedRegion(file, segment, arena);
            } catch (final IOException | RuntimeException e) {
                arena.close();
                throw e;
            }
        }
    }

    /** @return the mapped file. */
    public Path file() {
        return file;
    }

    /** @return the region's length in bytes. */
    public long size() {
        return segment.byteSize();
    }

    /** @return the 4-byte value at {@code offset}. */
    public int getInt(final long offset) {
        return segment.get(INT, offset);
    }

    /** Stores a 4-byte value at {@code offset} (plain). */
    public void putInt(final long offset, final int value) {
        segment.set(INT, offset, value);
    }

    /** @return the 8-byte value at {@code offset} (plain). */
    public long getLong(final long offset) {
        return segment.get(LONG, offset);
    }

    /** Stores an 8-byte value at {@code offset} (plain). */
    public void putLong(final long offset, final long value) {
        segment.set(LONG, offset, value);
    }

    /** @return the 8-byte value at the aligned {@code offset}, with acquire semantics. */
    public long getLongAcquire(final long offset) {
        return (long) ORDERED_LONG.getAcquire(segment, SegmentMemory.checkAligned(offset));
    }

    /** Stores an 8-byte value at the aligned {@code offset} with release semantics: readers see earlier stores first. */
    public void putLongRelease(final long offset, final long value) {
        ORDERED_LONG.setRelease(segment, SegmentMemory.checkAligned(offset), value);
    }

    /** Atomically adds {@code delta} to the 8-byte value at the aligned {@code offset}. */
    public void getAndAddLong(final long offset, final long delta) {
        ORDERED_LONG.getAndAdd(segment, SegmentMemory.checkAligned(offset), delta);
    }

    /** Copies {@code bytes} to {@code offset}. */
    public void putBytes(final long offset, final byte[] bytes) {
        MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, offset, bytes.length);
    }

    /** @return {@code length} bytes from {@code offset}. */
    public byte[] getBytes(final long offset, final int length) {
        Objects.checkFromIndexSize(offset, length, segment.byteSize());
        return segment.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Releases a read-only mapping at once; the writer's mapping goes when it is no longer reachable. Idempotent. */
    @Override
    public void close() {
        if (arena != null && arena.scope().isAlive()) {
            arena.close();
        }
    }
}
