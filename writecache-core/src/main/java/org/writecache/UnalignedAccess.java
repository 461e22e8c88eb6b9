package org.writecache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Reads and writes at any byte offset and length over a {@link WriteCache}, which works in whole blocks.
 *
 * <p>Whole blocks go straight between the caller's buffer and the cache. A partial first or last block is read into a
 * block-sized scratch buffer: a read returns the part asked for; a write patches it and writes the whole block back
 * (read-modify-write). A request inside one block is a single partial block.
 *
 * <p>Concurrency: the cache itself is thread safe and writes whole blocks atomically, so aligned writes run in
 * parallel under the shared side of a read-write lock. A write with a partial block takes the exclusive side: between
 * its read and its write no other write may touch the block it patches, or that write would be lost (two writers of
 * different sectors of one block would each put back the other's old sector). Reads take no lock: each block is seen
 * before or after any write of it. Thread safe.
 *
 * <p>Durability is the cache's: with {@code fua} the cache commits before the call returns, covering every write
 * acknowledged so far; without it the writes are in the cache and visible, durable at the next commit.
 */
public final class UnalignedAccess {
    /** Zeros written per cache call: a chunk of the engine's size at 4 KiB blocks. */
    private static final int ZERO_CHUNK = 128 << 10;
    private static final ByteBuffer ZEROS = ByteBuffer.allocate(ZERO_CHUNK).asReadOnlyBuffer();

    private final WriteCache cache;
    private final int blockSize;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    /** @param cache the cache to read and write; it stays owned by the caller. */
    public UnalignedAccess(final WriteCache cache) {
        this.cache = Objects.requireNonNull(cache, "cache");
        this.blockSize = cache.blockSize();
    }

    /** @return the cache's block size: requests aligned to it need no read-modify-write. */
    public int blockSize() {
        return blockSize;
    }

    /**
     * Reads {@code dst.remaining()} bytes at {@code offset}, advancing {@code dst}'s position to its limit.
     *
     * @throws IllegalArgumentException if the range lies outside the cache's device.
     */
    public void read(final long offset, final ByteBuffer dst) throws IOException {
        checkRange(offset, dst.remaining());
        long p = offset;
        ByteBuffer scratch = null;
        while (dst.hasRemaining()) {
            final int inBlock = (int) (p & (blockSize - 1));
            if (inBlock == 0 && dst.remaining() >= blockSize) {
                final int whole = dst.remaining() & -blockSize;
                cache.read(p, dst.slice(dst.position(), whole));
                dst.position(dst.position() + whole);
                p += whole;
                continue;
            }
            if (scratch == null) {
                scratch = ByteBuffer.allocate(blockSize);
            }
            cache.read(p - inBlock, scratch.clear());
            final int n = Math.min(blockSize - inBlock, dst.remaining());
            dst.put(scratch.array(), inBlock, n);
            p += n;
        }
    }

    /**
     * Writes {@code src.remaining()} bytes at {@code offset}, advancing {@code src}'s position to its limit.
     *
     * @param fua if true, the cache commits before this returns: this write and every earlier one are durable.
     * @throws IllegalArgumentException if the range lies outside the cache's device.
     */
    public void write(final long offset, final ByteBuffer src, final boolean fua) throws IOException {
        checkRange(offset, src.remaining());
        if (isAligned(offset, src.remaining())) {
            lock.readLock().lock();
            try {
                cache.write(offset, src, fua);
            } finally {
                lock.readLock().unlock();
            }
            return;
        }
        lock.writeLock().lock();
        try {
            writePartial(offset, src);
            if (fua) {
                cache.flush();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Writes zeros over {@code [offset, offset + length)}, a chunk at a time (no buffer of the whole length).
     *
     * @param fua if true, the cache commits before this returns.
     * @throws IllegalArgumentException if the range lies outside the cache's device.
     */
    public void writeZeroes(final long offset, final long length, final boolean fua) throws IOException {
        checkRange(offset, length);
        final long end = offset + length;
        long p = offset;
        while (p < end) {
            final long next = Math.min(end, (p & -blockSize) + ZERO_CHUNK);
            write(p, ZEROS.duplicate().limit((int) (next - p)), false);
            p = next;
        }
        if (fua) {
            cache.flush();
        }
    }

    /** Head and tail partial blocks by read-modify-write, whole blocks between them straight from src. */
    private void writePartial(final long offset, final ByteBuffer src) throws IOException {
        long p = offset;
        ByteBuffer scratch = null;
        while (src.hasRemaining()) {
            final int inBlock = (int) (p & (blockSize - 1));
            if (inBlock == 0 && src.remaining() >= blockSize) {
                final int whole = src.remaining() & -blockSize;
                cache.write(p, src.slice(src.position(), whole), false);
                src.position(src.position() + whole);
                p += whole;
                continue;
            }
            if (scratch == null) {
                scratch = ByteBuffer.allocate(blockSize);
            }
            final long blockStart = p - inBlock;
            cache.read(blockStart, scratch.clear());
            final int n = Math.min(blockSize - inBlock, src.remaining());
            scratch.put(inBlock, src, src.position(), n);
            src.position(src.position() + n);
            cache.write(blockStart, scratch.clear(), false);
            p += n;
        }
    }

    private boolean isAligned(final long offset, final long length) {
        return ((offset | length) & (blockSize - 1)) == 0;
    }

    private void checkRange(final long offset, final long length) {
        final long size = cache.size();
        if (offset < 0 || length < 0 || offset > size || length > size - offset) {
            throw new IllegalArgumentException("range of " + length + " bytes at " + offset
                + " lies outside the device of " + size + " bytes");
        }
    }
}
