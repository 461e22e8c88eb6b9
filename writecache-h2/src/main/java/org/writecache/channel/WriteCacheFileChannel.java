package org.writecache.channel;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

import org.writecache.WriteCache;

/**
 * A {@link FileChannel} whose bytes live in a {@link WriteCache}: a file-shaped view of the cache's device for
 * embedded databases (H2, for one) that store their data through a {@code FileChannel}.
 *
 * <h2>Format and size</h2>
 * The device's first block holds a {@link ChannelHeader} with the logical size; the channel's bytes follow it, so
 * position {@code p} lives at device offset {@code blockSize + p} and the channel holds at most
 * {@code cache.size() - blockSize} bytes ({@link #capacity()}). {@link #size()} is the end of the furthest byte
 * written since the last {@link #truncate}, as for a file. Bytes between the old size and a write that starts past
 * it read as zeros (the gap is written with zeros). The size is persisted in the header in the same commit as the
 * write that changed it, so it survives close, crash and reopen.
 *
 * <h2>Durability</h2>
 * <b>Every {@code write} is durable when it returns</b>: the channel commits the cache before returning, as a file
 * opened with {@code O_DSYNC} would. Databases that never call {@code force} (H2 with {@code WRITE_DELAY=0}) thus get
 * commits that survive a process kill and, on real persistent memory, power loss; a commit costs a fence and one
 * 8-byte store in persistent memory, microseconds, not an fsync. {@link #force} commits too (a no-op in effect).
 * A write spanning several blocks is not atomic: after a crash, a prefix of its blocks may be new, as with a file.
 * {@link #truncate} is durable when it returns.
 *
 * <h2>Concurrency</h2>
 * Thread safe. Writes (and truncation) are serialised by one lock, so concurrent writers to the same block never lose
 * each other's bytes in a partial-block read-modify-write. A read of one block sees it before or after a write, never
 * half of it; a read of several blocks may see some of a concurrent write, as with a file. Relative reads and writes
 * serialise on the position. The channel is not interruptible: an interrupt does not close it.
 *
 * <h2>Locks</h2>
 * {@link #lock} and {@link #tryLock} are held in this channel (overlapping requests throw
 * {@link java.nio.channels.OverlappingFileLockException}); exclusion between processes comes from the cache itself,
 * which holds an exclusive lock on its cache file while open. {@link #map} is not supported.
 *
 * <p>The channel does not own the cache: closing the channel leaves the cache open (or runs the {@code onClose}
 * given to {@link #open(WriteCache, boolean, Closeable)}).
 */
public final class WriteCacheFileChannel extends FileChannel {
    /** Largest piece a transfer moves at once. */
    private static final int CHUNK = 64 << 10;

    private final WriteCache cache;
    private final boolean writable;
    private final int blockSize;
    private final long capacity;
    private final String name;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ReentrantLock positionLock = new ReentrantLock();
    private final ChannelLocks locks = new ChannelLocks(this);
    private final ChannelBlocks blocks;
    private final Closeable onClose;
    private volatile long size;
    private long position;

    private WriteCacheFileChannel(final WriteCache cache, final boolean writable, final long size,
                                  final Closeable onClose) {
        this.cache = cache;
        this.writable = writable;
        this.onClose = onClose;
        this.blocks = new ChannelBlocks(cache);
        this.blockSize = cache.blockSize();
        this.capacity = cache.size() - blockSize;
        this.name = "channel over cache " + cache.config().cacheFile();
        this.size = size;
    }

    /**
     * Opens a channel over {@code cache}'s device. A fresh device (first block all zeros) opens empty; a writable
     * channel then writes its header durably.
     *
     * @param writable false for a read-only channel: writes and truncation throw {@link NonWritableChannelException}.
     * @throws org.writecache.CorruptCacheException if the first block is not a channel header for this cache.
     * @throws IllegalArgumentException             if the device holds no block besides the header.
     */
    public static WriteCacheFileChannel open(final WriteCache cache, final boolean writable) throws IOException {
        return open(cache, writable, null);
    }

    /**
     * Opens a channel as {@link #open(WriteCache, boolean)} does, running {@code onClose} once when the channel is
     * closed (an embedder that shares one cache among channels releases it there).
     *
     * @param onClose run after the channel has released its locks; may be null.
     */
    public static WriteCacheFileChannel open(final WriteCache cache, final boolean writable, final Closeable onClose)
        throws IOException {
        Objects.requireNonNull(cache, "cache");
        final int bs = cache.blockSize();
        if (cache.size() < 2L * bs) {
            throw new IllegalArgumentException("device of " + cache.size() + " bytes has no room for a channel: it needs"
                + " at least two blocks of " + bs + " (header and data)");
        }
        final ByteBuffer header = ByteBuffer.allocate(bs);
        cache.read(0, header);
        header.flip();
        final long size = ChannelHeader.decode(header, bs, cache.size() - bs, "cache " + cache.config().cacheFile());
        final WriteCacheFileChannel channel = new WriteCacheFileChannel(cache, writable, Math.max(size, 0), onClose);
        if (size < 0 && writable) {
            channel.blocks.writeHeader(0);
            cache.flush();
        }
        return channel;
    }

    /** @return the largest size this channel can grow to: the cache's device minus the header block. */
    public long capacity() {
        return capacity;
    }

    /** @return the cache under this channel. */
    public WriteCache cache() {
        return cache;
    }

    // ---------------------------------------------------------------- positional I/O

    @Override
    public int read(final ByteBuffer dst, final long pos) throws IOException {
        ensureOpen();
        if (pos < 0) {
            throw new IllegalArgumentException("negative read position: " + pos);
        }
        final long end = size;
        if (pos >= end) {
            return dst.hasRemaining() ? -1 : 0;
        }
        final int n = (int) Math.min(dst.remaining(), end - pos);
        final ByteBuffer target = dst.slice(dst.position(), n);
        blocks.read(pos, target);
        dst.position(dst.position() + n);
        return n;
    }

    @Override
    public int write(final ByteBuffer src, final long pos) throws IOException {
        ensureOpen();
        ensureWritable();
        if (pos < 0) {
            throw new IllegalArgumentException("negative write position: " + pos);
        }
        final int n = src.remaining();
        if (pos > capacity - n) {
            throw new IOException("write of " + n + " bytes at position " + pos + " ends beyond the capacity of "
                + capacity + " bytes of " + name);
        }
        if (n == 0) {
            return 0;
        }
        writeLock.lock();
        try {
            ensureOpen();
            final long oldSize = size;
            if (pos > oldSize) {
                blocks.fillZeros(oldSize, pos);
            }
            blocks.write(pos, src);
            final long end = pos + n;
            if (end > oldSize) {
                blocks.writeHeader(end);
                size = end;
            }
            cache.flush();
        } finally {
            writeLock.unlock();
        }
        return n;
    }

    // ---------------------------------------------------------------- relative I/O

    @Override
    public int read(final ByteBuffer dst) throws IOException {
        positionLock.lock();
        try {
            final int n = read(dst, position);
            if (n > 0) {
                position += n;
            }
            return n;
        } finally {
            positionLock.unlock();
        }
    }

    @Override
    public long read(final ByteBuffer[] dsts, final int offset, final int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        positionLock.lock();
        try {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                if (!dsts[i].hasRemaining()) {
                    continue;
                }
                final int n = read(dsts[i], position);
                if (n < 0) {
                    return total == 0 ? -1 : total;
                }
                position += n;
                total += n;
                if (dsts[i].hasRemaining()) {
                    break;
                }
            }
            return total;
        } finally {
            positionLock.unlock();
        }
    }

    @Override
    public int write(final ByteBuffer src) throws IOException {
        positionLock.lock();
        try {
            final int n = write(src, position);
            position += n;
            return n;
        } finally {
            positionLock.unlock();
        }
    }

    @Override
    public long write(final ByteBuffer[] srcs, final int offset, final int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        positionLock.lock();
        try {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                final int n = write(srcs[i], position);
                position += n;
                total += n;
            }
            return total;
        } finally {
            positionLock.unlock();
        }
    }

    @Override
    public long position() throws IOException {
        ensureOpen();
        positionLock.lock();
        try {
            return position;
        } finally {
            positionLock.unlock();
        }
    }

    @Override
    public FileChannel position(final long newPosition) throws IOException {
        ensureOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position: " + newPosition);
        }
        positionLock.lock();
        try {
            position = newPosition;
        } finally {
            positionLock.unlock();
        }
        return this;
    }

    // ---------------------------------------------------------------- size, truncate, force

    @Override
    public long size() throws IOException {
        ensureOpen();
        return size;
    }

    /**
     * Shrinks the channel to {@code newSize} bytes if it is larger (durably), drops the cached blocks wholly beyond
     * the new end, and moves the position back to {@code newSize} if it was beyond.
     */
    @Override
    public FileChannel truncate(final long newSize) throws IOException {
        ensureOpen();
        if (newSize < 0) {
            throw new IllegalArgumentException("negative size: " + newSize);
        }
        ensureWritable();
        writeLock.lock();
        try {
            final long oldSize = size;
            if (newSize < oldSize) {
                blocks.writeHeader(newSize);
                cache.flush();
                size = newSize;
                final long from = roundUp(newSize);
                final long to = roundUp(oldSize);
                if (to > from) {
                    cache.discard(blockSize + from, to - from);
                }
            }
        } finally {
            writeLock.unlock();
        }
        positionLock.lock();
        try {
            if (position > newSize) {
                position = newSize;
            }
        } finally {
            positionLock.unlock();
        }
        return this;
    }

    /** Commits the cache: every write so far is durable when this returns (each already was; see the class notes). */
    @Override
    public void force(final boolean metaData) throws IOException {
        ensureOpen();
        cache.flush();
    }

    // ---------------------------------------------------------------- transfers

    @Override
    public long transferTo(final long pos, final long count, final WritableByteChannel target) throws IOException {
        ensureOpen();
        if (pos < 0 || count < 0) {
            throw new IllegalArgumentException("negative position " + pos + " or count " + count);
        }
        final ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(count, 1)));
        long done = 0;
        while (done < count) {
            buf.clear().limit((int) Math.min(buf.capacity(), count - done));
            final int n = read(buf, pos + done);
            if (n <= 0) {
                break;
            }
            buf.flip();
            while (buf.hasRemaining()) {
                final int w = target.write(buf);
                if (w == 0 && buf.hasRemaining()) {
                    return done + n - buf.remaining();
                }
            }
            done += n;
        }
        return done;
    }

    @Override
    public long transferFrom(final ReadableByteChannel src, final long pos, final long count) throws IOException {
        ensureOpen();
        ensureWritable();
        if (pos < 0 || count < 0) {
            throw new IllegalArgumentException("negative position " + pos + " or count " + count);
        }
        if (pos > size) {
            return 0;
        }
        final ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, Math.max(count, 1)));
        long done = 0;
        while (done < count) {
            buf.clear().limit((int) Math.min(buf.capacity(), count - done));
            final int n = src.read(buf);
            if (n <= 0) {
                break;
            }
            buf.flip();
            write(buf, pos + done);
            done += n;
        }
        return done;
    }

    // ---------------------------------------------------------------- locks, map, close

    @Override
    public FileLock lock(final long pos, final long len, final boolean shared) throws IOException {
        return tryLock(pos, len, shared);
    }

    @Override
    public FileLock tryLock(final long pos, final long len, final boolean shared) throws IOException {
        ensureOpen();
        if (pos < 0 || len < 0) {
            throw new IllegalArgumentException("negative lock position " + pos + " or size " + len);
        }
        if (!shared) {
            ensureWritable();
        }
        return locks.acquire(pos, len, shared);
    }

    /** Not supported: the channel's bytes live in cache blocks and on the backing device, not in one mappable file. */
    @Override
    public MappedByteBuffer map(final MapMode mode, final long pos, final long len) {
        throw new UnsupportedOperationException("a WriteCacheFileChannel cannot be memory-mapped (" + name
            + "): its bytes live in cache blocks and on the backing device; use read and write");
    }

    @Override
    protected void implCloseChannel() throws IOException {
        locks.releaseAll();
        if (onClose != null) {
            onClose.close();
        }
    }

    @Override
    public String toString() {
        return name + " (size " + size + ")";
    }

    // ---------------------------------------------------------------- checks

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    private void ensureWritable() {
        if (!writable) {
            throw new NonWritableChannelException();
        }
    }

    private long roundUp(final long bytes) {
        return (bytes + blockSize - 1) & -blockSize;
    }
}
