package org.writecache.crash;

import java.nio.ByteBuffer;

import org.writecache.pmem.PersistentMemory;

/**
 * Passes everything to another region except {@link #close()}, so a cache can be closed and reopened on the same
 * recording {@link org.writecache.pmem.crash.CrashSimulatingMemory} in the middle of a workload.
 */
public final class UnclosableMemory implements PersistentMemory {
    private final PersistentMemory inner;

    /** @param inner the region every call but {@link #close()} goes to. */
    public UnclosableMemory(final PersistentMemory inner) {
        this.inner = inner;
    }

    @Override
    public long size() {
        return inner.size();
    }

    @Override
    public long getLong(final long offset) {
        return inner.getLong(offset);
    }

    @Override
    public void putLong(final long offset, final long value) {
        inner.putLong(offset, value);
    }

    @Override
    public int getInt(final long offset) {
        return inner.getInt(offset);
    }

    @Override
    public void putInt(final long offset, final int value) {
        inner.putInt(offset, value);
    }

    @Override
    public long getLongAtomic(final long offset) {
        return inner.getLongAtomic(offset);
    }

    @Override
    public void putLongAtomic(final long offset, final long value) {
        inner.putLongAtomic(offset, value);
    }

    @Override
    public void copyFrom(final ByteBuffer src, final int srcIndex, final long offset, final int length) {
        inner.copyFrom(src, srcIndex, offset, length);
    }

    @Override
    public void copyFrom(final byte[] src, final int srcIndex, final long offset, final int length) {
        inner.copyFrom(src, srcIndex, offset, length);
    }

    @Override
    public void copyTo(final long offset, final ByteBuffer dst, final int dstIndex, final int length) {
        inner.copyTo(offset, dst, dstIndex, length);
    }

    @Override
    public void copyTo(final long offset, final byte[] dst, final int dstIndex, final int length) {
        inner.copyTo(offset, dst, dstIndex, length);
    }

    @Override
    public int crc32c(final long offset, final int length) {
        return inner.crc32c(offset, length);
    }

    @Override
    public void fill(final long offset, final long length, final byte value) {
        inner.fill(offset, length, value);
    }

    @Override
    public void flush(final long offset, final long length) {
        inner.flush(offset, length);
    }

    @Override
    public void fence() {
        inner.fence();
    }

    @Override
    public String describe() {
        return inner.describe();
    }

    /** Does nothing: the region stays open for the next cache. */
    @Override
    public void close() {
    }
}
