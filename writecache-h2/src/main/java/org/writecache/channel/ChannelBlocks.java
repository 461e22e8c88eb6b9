package org.writecache.channel;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.writecache.WriteCache;

/**
 * Byte ranges of a {@link WriteCacheFileChannel} mapped onto whole cache blocks: channel position {@code p} lives at
 * device offset {@code blockSize + p} (block 0 holds the {@link ChannelHeader}). Partial blocks are read, modified and
 * written back; callers that write hold the channel's write lock. Nothing here commits.
 */
final class ChannelBlocks {
    /** Largest piece a zero fill writes at once. */
    private static final int CHUNK = 64 << 10;

    private final WriteCache cache;
    private final int blockSize;

    ChannelBlocks(final WriteCache cache) {
        this.cache = cache;
        this.blockSize = cache.blockSize();
    }

    /** Writes the header block recording {@code newSize}, without committing. */
    void writeHeader(final long newSize) throws IOException {
        final ByteBuffer block = ByteBuffer.allocate(blockSize);
        ChannelHeader.encode(block, blockSize, newSize);
        cache.write(0, block, false);
    }

    /** Reads {@code dst.remaining()} channel bytes at {@code pos}: whole blocks straight into dst, edges via a copy. */
    void read(final long pos, final ByteBuffer dst) throws IOException {
        final long mask = blockSize - 1;
        long p = pos;
        ByteBuffer scratch = null;
        while (dst.hasRemaining()) {
            final int inBlock = (int) (p & mask);
            if (inBlock == 0 && dst.remaining() >= blockSize) {
                final int whole = dst.remaining() & -blockSize;
                cache.read(blockSize + p, dst.slice(dst.position(), whole));
                dst.position(dst.position() + whole);
                p += whole;
                continue;
            }
            if (scratch == null) {
                scratch = ByteBuffer.allocate(blockSize);
            }
            scratch.clear();
            cache.read(blockSize + p - inBlock, scratch);
            final int n = Math.min(blockSize - inBlock, dst.remaining());
            dst.put(scratch.array(), inBlock, n);
            p += n;
        }
    }

    /** Writes {@code src} at {@code pos} without committing; caller holds the write lock. */
    void write(final long pos, final ByteBuffer src) throws IOException {
        final long mask = blockSize - 1;
        long p = pos;
        ByteBuffer scratch = null;
        while (src.hasRemaining()) {
            final int inBlock = (int) (p & mask);
            if (inBlock == 0 && src.remaining() >= blockSize) {
                final int whole = src.remaining() & -blockSize;
                cache.write(blockSize + p, src.slice(src.position(), whole), false);
                src.position(src.position() + whole);
                p += whole;
                continue;
            }
            if (scratch == null) {
                scratch = ByteBuffer.allocate(blockSize);
            }
            final long blockStart = p - inBlock;
            scratch.clear();
            cache.read(blockSize + blockStart, scratch);
            final int n = Math.min(blockSize - inBlock, src.remaining());
            scratch.put(inBlock, src, src.position(), n);
            src.position(src.position() + n);
            scratch.clear();
            cache.write(blockSize + blockStart, scratch, false);
            p += n;
        }
    }

    /** Writes zeros over {@code [from, to)}; caller holds the write lock. */
    void fillZeros(final long from, final long to) throws IOException {
        final ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(CHUNK, to - from));
        for (long p = from; p < to; ) {
            final int n = (int) Math.min(zeros.capacity(), to - p);
            zeros.clear().limit(n);
            write(p, zeros);
            p += n;
        }
    }
}
