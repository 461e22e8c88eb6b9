package org.writecache.pmem;

import java.nio.ByteBuffer;

/** The kinds of {@link ByteBuffer} a {@link PersistentMemory} must copy from and to. */
enum BufferKind {
    HEAP(false, false, false),
    DIRECT(true, false, false),
    HEAP_SLICE(false, true, false),
    DIRECT_SLICE(true, true, false),
    READ_ONLY_HEAP(false, false, true),
    READ_ONLY_DIRECT(true, false, true);

    /** Where a sliced buffer starts in its parent, so that its array offset (or address) is not the parent's. */
    private static final int SLICE_START = 7;

    private final boolean direct;
    private final boolean sliced;
    private final boolean readOnly;

    BufferKind(final boolean direct, final boolean sliced, final boolean readOnly) {
        this.direct = direct;
        this.sliced = sliced;
        this.readOnly = readOnly;
    }

    boolean readOnly() {
        return readOnly;
    }

    /** @return a buffer of this kind whose absolute index {@code i} holds {@code content[i]}; position 0. */
    ByteBuffer holding(final byte[] content) {
        final int start = sliced ? SLICE_START : 0;
        final ByteBuffer parent = direct
            ? ByteBuffer.allocateDirect(content.length + start)
            : ByteBuffer.allocate(content.length + start);
        parent.put(start, content);
        final ByteBuffer buffer = parent.slice(start, content.length);
        return readOnly ? buffer.asReadOnlyBuffer() : buffer;
    }
}
