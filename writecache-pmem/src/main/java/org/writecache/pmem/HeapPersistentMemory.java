package org.writecache.pmem;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Persistent memory on the Java heap: a test double, and the image type of crash simulation.
 *
 * <p>Flushes and fences do nothing (there is no media behind the heap); everything else keeps the
 * {@link PersistentMemory} contract, including atomic aligned 8-byte access. The bytes live in a {@code long[]}
 * rather than a {@code byte[]} because only an 8-byte-aligned heap segment supports atomic (volatile) 8-byte access;
 * the region is still any number of bytes up to {@link #MAX_SIZE}, and {@link #toByteArray()} and
 * {@link #HeapPersistentMemory(byte[])} convert from and to plain byte snapshots.
 */
public final class HeapPersistentMemory extends SegmentMemory {
    /** The largest region: one that still fits in a {@code byte[]} snapshot (about 2 GiB). */
    public static final long MAX_SIZE = Integer.MAX_VALUE - 8;

    private final long[] words;

    private HeapPersistentMemory(final long[] words, final long size) {
        super(MemorySegment.ofArray(words).asSlice(0, size));
        this.words = words;
    }

    /**
     * A zero-filled region.
     *
     * @param size the region size in bytes, from 1 to {@link #MAX_SIZE}.
     * @throws IllegalArgumentException if {@code size} is out of that range.
     */
    public HeapPersistentMemory(final long size) {
        this(new long[wordsFor(size)], size);
    }

    /**
     * A region holding a copy of {@code image}; later changes to either do not affect the other.
     *
     * @param image the initial contents; its length is the region size and must be at least 1.
     * @throws IllegalArgumentException if {@code image} is empty.
     */
    public HeapPersistentMemory(final byte[] image) {
        this(image.length);
        copyFrom(image, 0, 0, image.length);
    }

    private static int wordsFor(final long size) {
        if (size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException(
                "heap persistent memory size must be between 1 and " + MAX_SIZE + " bytes: " + size);
        }
        return (int) ((size + Long.BYTES - 1) / Long.BYTES);
    }

    /** @return an independent region with the same size and contents. */
    public HeapPersistentMemory copy() {
        ensureOpen();
        return new HeapPersistentMemory(words.clone(), size());
    }

    /** @return a copy of the whole region as a byte array of {@link #size()} bytes. */
    public byte[] toByteArray() {
        ensureOpen();
        return segment().toArray(ValueLayout.JAVA_BYTE);
    }

    /**
     * @param other another heap region.
     * @return the offset of the first byte that differs, the size of the shorter region if one is a prefix of the
     *     other, or -1 if both have the same size and contents.
     */
    public long mismatch(final HeapPersistentMemory other) {
        ensureOpen();
        other.ensureOpen();
        return segment().mismatch(other.segment());
    }

    /** Does nothing: heap memory has no media to write back to. Bounds are still checked. */
    @Override
    void writeBack(final long lineStart, final long length) {
        // No media behind the heap.
    }

    /** Does nothing: heap memory has no media. */
    @Override
    public void fence() {
        // No media behind the heap.
    }

    @Override
    public String describe() {
        return "heap (" + size() + " bytes)";
    }

    /** Marks the region closed: every later access throws {@link IllegalStateException}. Idempotent. */
    @Override
    public void close() {
        markClosed();
    }
}
