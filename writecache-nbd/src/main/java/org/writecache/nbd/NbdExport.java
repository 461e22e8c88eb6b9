package org.writecache.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import org.writecache.WriteCache;

/**
 * A {@link WriteCache} exported over NBD: byte-granular reads and writes on a cache that works in whole blocks.
 *
 * <p>Clients are told the cache block size as the minimum and preferred block size, but requests that are not aligned
 * to it still work: a read covers the aligned range and returns the slice asked for; a write or zero-write
 * reads the partial first and last blocks, patches them, and writes the whole aligned range (read-modify-write).
 * qemu and fio send 512-byte aligned I/O unless told the block size, so refusing it would break them.
 *
 * <p>Concurrency: the cache is thread safe and every write of whole blocks is atomic per block, so aligned requests
 * from many connections run in parallel under the shared side of {@link #rmw}. A read-modify-write takes the exclusive
 * side: between its read and its write no other write may touch the blocks it patches, or that write would be lost.
 * Reads take no lock: they see each block either before or after a write. TRIM discards only the whole blocks inside
 * its range (the protocol allows rounding inwards), so it never needs a read-modify-write.
 *
 * <p>Durability: a write with {@code fua}, a FLUSH and a TRIM with {@code fua} commit the cache before they return;
 * the cache commit covers every write acknowledged on any connection, so several connections may share the export.
 */
public final class NbdExport {
    private static final int ZERO_CHUNK = 1 << 20;

    private final WriteCache cache;
    private final String name;
    private final int blockSize;
    private final long size;
    private final ReentrantReadWriteLock rmw = new ReentrantReadWriteLock();
    private final ByteBuffer zeros = ByteBuffer.allocate(ZERO_CHUNK).asReadOnlyBuffer();

    /**
     * @param cache the cache to serve; it stays owned by the caller.
     * @param name  the export name clients ask for ("" is accepted as the default export too).
     */
    public NbdExport(final WriteCache cache, final String name) {
        this.cache = Objects.requireNonNull(cache, "cache");
        this.name = Objects.requireNonNull(name, "name");
        if (name.length() > NbdProtocol.MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("export name longer than " + NbdProtocol.MAX_NAME_LENGTH + " bytes");
        }
        this.blockSize = cache.blockSize();
        this.size = cache.size();
    }

    /** @return the export name. */
    public String name() {
        return name;
    }

    /** @return the size in bytes clients see. */
    public long size() {
        return size;
    }

    /** @return the cache block size: minimum and preferred NBD block size. */
    public int blockSize() {
        return blockSize;
    }

    /** @return the transmission flags: only what this export really does. */
    public int transmissionFlags() {
        return NbdProtocol.FLAG_HAS_FLAGS | NbdProtocol.FLAG_SEND_FLUSH | NbdProtocol.FLAG_SEND_FUA
            | NbdProtocol.FLAG_SEND_TRIM | NbdProtocol.FLAG_SEND_WRITE_ZEROES | NbdProtocol.FLAG_CAN_MULTI_CONN;
    }

    /** @return whether {@code [offset, offset + length)} lies inside the export (both taken as unsigned). */
    public boolean contains(final long offset, final long length) {
        return offset >= 0 && length >= 0 && offset <= size && length <= size - offset;
    }

    /** Reads {@code dst.remaining()} bytes at {@code offset}; the range must be inside the export. */
    public void read(final long offset, final ByteBuffer dst) throws IOException {
        final int length = dst.remaining();
        if (isAligned(offset, length)) {
            cache.read(offset, dst);
            return;
        }
        final long start = alignDown(offset);
        final ByteBuffer whole = ByteBuffer.allocate(Math.toIntExact(alignUp(offset + length) - start));
        cache.read(start, whole);
        dst.put(whole.array(), (int) (offset - start), length);
    }

    /** Writes {@code src.remaining()} bytes at {@code offset}; the range must be inside the export. */
    public void write(final long offset, final ByteBuffer src, final boolean fua) throws IOException {
        final int length = src.remaining();
        if (isAligned(offset, length)) {
            rmw.readLock().lock();
            try {
                cache.write(offset, src, fua);
            } finally {
                rmw.readLock().unlock();
            }
            return;
        }
        rmw.writeLock().lock();
        try {
            final long start = alignDown(offset);
            final ByteBuffer whole = readEnds(start, alignUp(offset + length));
            whole.put((int) (offset - start), src, src.position(), length);
            cache.write(start, whole, fua);
        } finally {
            rmw.writeLock().unlock();
        }
    }

    /** Writes zeros over {@code [offset, offset + length)}; the range must be inside the export. */
    public void writeZeroes(final long offset, final long length, final boolean fua) throws IOException {
        long pos = offset;
        final long end = offset + length;
        final long headEnd = Math.min(end, alignUp(offset));
        if (pos < headEnd) {
            write(pos, zeros.duplicate().limit((int) (headEnd - pos)), false);
            pos = headEnd;
        }
        final long bodyEnd = Math.max(pos, alignDown(end));
        while (pos < bodyEnd) {
            final int n = (int) Math.min(ZERO_CHUNK, bodyEnd - pos);
            write(pos, zeros.duplicate().limit(n), false);
            pos += n;
        }
        if (pos < end) {
            write(pos, zeros.duplicate().limit((int) (end - pos)), false);
        }
        if (fua) {
            cache.flush();
        }
    }

    /** Drops the cached contents of the whole blocks inside {@code [offset, offset + length)}. */
    public void trim(final long offset, final long length, final boolean fua) throws IOException {
        final long start = alignUp(offset);
        final long end = alignDown(offset + length);
        if (start < end) {
            rmw.readLock().lock();
            try {
                cache.discard(start, end - start);
            } finally {
                rmw.readLock().unlock();
            }
        }
        if (fua) {
            cache.flush();
        }
    }

    /** Commits every write acknowledged so far, on every connection. */
    public void flush() throws IOException {
        cache.flush();
    }

    private ByteBuffer readEnds(final long start, final long end) throws IOException {
        final ByteBuffer whole = ByteBuffer.allocate(Math.toIntExact(end - start));
        cache.read(start, whole.slice(0, blockSize));
        if (end - start > blockSize) {
            cache.read(end - blockSize, whole.slice(whole.capacity() - blockSize, blockSize));
        }
        return whole;
    }

    private boolean isAligned(final long offset, final long length) {
        return ((offset | length) & (blockSize - 1)) == 0;
    }

    private long alignDown(final long v) {
        return v & -blockSize;
    }

    private long alignUp(final long v) {
        return (v + blockSize - 1) & -blockSize;
    }
}
