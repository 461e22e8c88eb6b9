package org.writecache.pmem;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Allocates storage for a file {@link LockedFile} creates, so that a full file system fails the allocation, with an
 * {@link IOException}, instead of a later store into the mapping faulting. The seam tests use to make a file system
 * run out of space.
 */
@FunctionalInterface
interface Allocator {
    /** posix_fallocate where the C library is reachable, else zeros written through the channel. */
    Allocator DEFAULT = (channel, descriptor, old, size) -> {
        if (descriptor != null) {
            descriptor.allocate(size);
        } else {
            zeroFill(channel, Math.min(old, size), size);
        }
    };

    /**
     * Allocates {@code [0, size)} of the file, keeping the bytes already in {@code [0, old)}.
     *
     * @param descriptor the native descriptor, null where the C library is not reachable.
     */
    void allocate(FileChannel channel, NativeFile descriptor, long old, long size) throws IOException;

    /** Allocates {@code [from, to)} by writing zeros. */
    private static void zeroFill(final FileChannel channel, final long from, final long to) throws IOException {
        final int chunk = 1 << 20;
        final ByteBuffer zeros = ByteBuffer.allocateDirect(chunk);
        for (long at = from; at < to; ) {
            zeros.clear().limit((int) Math.min(chunk, to - at));
            at += channel.write(zeros, at);
        }
    }
}
