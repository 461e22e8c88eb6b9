package org.writecache.pmem;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * The accessors of a {@link PersistentMemory} that lives in one {@link MemorySegment}: little-endian layouts, bounds
 * and alignment checks, absolute buffer indexes, the closed state. Subclasses supply the segment and decide what a
 * flush writes back, what a fence does and what closing releases.
 */
abstract class SegmentMemory implements PersistentMemory {
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle ATOMIC_LONG = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private final MemorySegment segment;
    private final long size;
    private boolean closed;

    SegmentMemory(final MemorySegment segment) {
        this.segment = segment;
        this.size = segment.byteSize();
    }

    /** @return the segment, for subclasses that write it back or release it. */
    final MemorySegment segment() {
        return segment;
    }

    /** Marks the region closed: every later access throws {@link IllegalStateException}. */
    final void markClosed() {
        closed = true;
    }

    /** @return true once {@link #markClosed()} ran. */
    final boolean isClosed() {
        return closed;
    }

    /** @throws IllegalStateException if the region is closed. */
    final void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("persistent memory is closed: " + describe());
        }
    }

    private void checkRange(final long offset, final long length) {
        ensureOpen();
        Objects.checkFromIndexSize(offset, length, size);
    }

    static long checkAligned(final long offset) {
        return PersistentMemory.checkAligned(offset);
    }

    /** @return a segment over {@code [0, limit())} of the buffer, whatever its position. */
    private static MemorySegment wholeBuffer(final ByteBuffer buffer, final int index, final int length) {
        Objects.checkFromIndexSize(index, length, buffer.limit());
        return MemorySegment.ofBuffer(buffer.slice(0, buffer.limit()));
    }

    @Override
    public final long size() {
        return size;
    }

    @Override
    public final long getLong(final long offset) {
        checkRange(offset, Long.BYTES);
        return segment.get(LONG, offset);
    }

    @Override
    public final void putLong(final long offset, final long value) {
        checkRange(offset, Long.BYTES);
        segment.set(LONG, offset, value);
    }

    @Override
    public final int getInt(final long offset) {
        checkRange(offset, Integer.BYTES);
        return segment.get(INT, offset);
    }

    @Override
    public final void putInt(final long offset, final int value) {
        checkRange(offset, Integer.BYTES);
        segment.set(INT, offset, value);
    }

    @Override
    public final long getLongAtomic(final long offset) {
        ensureOpen();
        checkAligned(offset);
        checkRange(offset, Long.BYTES);
        return (long) ATOMIC_LONG.getVolatile(segment, offset);
    }

    @Override
    public final void putLongAtomic(final long offset, final long value) {
        ensureOpen();
        checkAligned(offset);
        checkRange(offset, Long.BYTES);
        // Opaque: one untorn 8-byte store and no fence of its own; callers order it with flush and fence as the
        // persistence model demands (a volatile store would add a full fence on every commit).
        ATOMIC_LONG.setOpaque(segment, offset, value);
    }

    @Override
    public final void copyFrom(final ByteBuffer src, final int srcIndex, final long offset, final int length) {
        checkRange(offset, length);
        MemorySegment.copy(wholeBuffer(src, srcIndex, length), srcIndex, segment, offset, length);
    }

    @Override
    public final void copyFrom(final byte[] src, final int srcIndex, final long offset, final int length) {
        checkRange(offset, length);
        Objects.checkFromIndexSize(srcIndex, length, src.length);
        MemorySegment.copy(src, srcIndex, segment, ValueLayout.JAVA_BYTE, offset, length);
    }

    @Override
    public final void copyTo(final long offset, final ByteBuffer dst, final int dstIndex, final int length) {
        checkRange(offset, length);
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        MemorySegment.copy(segment, offset, wholeBuffer(dst, dstIndex, length), dstIndex, length);
    }

    @Override
    public final void copyTo(final long offset, final byte[] dst, final int dstIndex, final int length) {
        checkRange(offset, length);
        Objects.checkFromIndexSize(dstIndex, length, dst.length);
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, offset, dst, dstIndex, length);
    }

    /**
     * A mapped segment hands the range to the JDK's CRC-32C intrinsic in place, through a buffer view: no copy. A heap
     * segment (over a {@code long[]}, which has no buffer view) copies it out.
     */
    @Override
    public final int crc32c(final long offset, final int length) {
        checkRange(offset, length);
        if (!segment.isNative()) {
            return PersistentMemory.super.crc32c(offset, length);
        }
        final CRC32C crc = new CRC32C();
        crc.update(segment.asSlice(offset, length).asByteBuffer());
        return (int) crc.getValue();
    }

    @Override
    public final void fill(final long offset, final long length, final byte value) {
        checkRange(offset, length);
        segment.asSlice(offset, length).fill(value);
    }

    @Override
    public final void flush(final long offset, final long length) {
        checkRange(offset, length);
        if (length == 0) {
            return;
        }
        final long start = offset & -CACHE_LINE;
        final long end = Math.min(size, (offset + length + CACHE_LINE - 1) & -CACHE_LINE);
        writeBack(start, end - start);
    }

    /**
     * Writes back whole cache lines; called by {@link #flush} with a checked, line-aligned range (the last line may be
     * cut short by the end of the region).
     */
    abstract void writeBack(long lineStart, long length);

    @Override
    public String toString() {
        return describe();
    }
}
