package org.writecache;

import java.nio.ByteBuffer;
import java.util.Objects;

/** A backing device in a byte array: for tests that open thousands of small caches and never touch a disk. */
final class MemoryDevice implements BlockDevice {
    private final byte[] bytes;

    MemoryDevice(final int size) {
        this.bytes = new byte[size];
    }

    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public void read(final long offset, final ByteBuffer dst) {
        final int n = dst.remaining();
        Objects.checkFromIndexSize(offset, n, bytes.length);
        dst.put(bytes, (int) offset, n);
    }

    @Override
    public void write(final long offset, final ByteBuffer src) {
        final int n = src.remaining();
        Objects.checkFromIndexSize(offset, n, bytes.length);
        src.get(bytes, (int) offset, n);
    }

    @Override
    public void sync() {
        // Memory is as durable as it gets here.
    }

    @Override
    public String describe() {
        return "memory device of " + bytes.length + " bytes";
    }

    @Override
    public void close() {
        // Nothing to release.
    }
}
