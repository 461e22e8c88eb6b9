package org.writecache.channel;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.writecache.UnalignedAccess;
import org.writecache.WriteCache;

/**
 * Byte ranges of a {@link WriteCacheFileChannel} mapped onto whole cache blocks: channel position {@code p} lives at
 * device offset {@code blockSize + p} (block 0 holds the {@link ChannelHeader}). Partial blocks are read, modified and
 * written back ({@link UnalignedAccess}); callers that write hold the channel's write lock. Nothing here commits.
 */
final class ChannelBlocks {
    private final WriteCache cache;
    private final int blockSize;
    private final UnalignedAccess access;

    ChannelBlocks(final WriteCache cache) {
        this.cache = cache;
        this.blockSize = cache.blockSize();
        this.access = new UnalignedAccess(cache);
    }

    /** Writes the header block recording {@code newSize}, without committing. */
    void writeHeader(final long newSize) throws IOException {
        final ByteBuffer block = ByteBuffer.allocate(blockSize);
        ChannelHeader.encode(block, blockSize, newSize);
        cache.write(0, block, false);
    }

    /** Reads {@code dst.remaining()} channel bytes at {@code pos}. */
    void read(final long pos, final ByteBuffer dst) throws IOException {
        access.read(blockSize + pos, dst);
    }

    /** Writes {@code src} at {@code pos} without committing; caller holds the write lock. */
    void write(final long pos, final ByteBuffer src) throws IOException {
        access.write(blockSize + pos, src, false);
    }

    /** Writes zeros over {@code [from, to)} without committing; caller holds the write lock. */
    void fillZeros(final long from, final long to) throws IOException {
        access.writeZeroes(blockSize + from, to - from, false);
    }
}
