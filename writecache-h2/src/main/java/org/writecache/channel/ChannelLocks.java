package org.writecache.channel;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.util.ArrayList;
import java.util.List;

/**
 * The byte-range locks held on one {@link WriteCacheFileChannel}. As with the JDK's file locks inside one JVM, a
 * request that overlaps a lock already held throws {@link OverlappingFileLockException}.
 */
final class ChannelLocks {
    private final FileChannel channel;
    private final List<RangeLock> held = new ArrayList<>();

    ChannelLocks(final FileChannel channel) {
        this.channel = channel;
    }

    synchronized FileLock acquire(final long position, final long size, final boolean shared) {
        for (final RangeLock l : held) {
            if (l.overlaps(position, size)) {
                throw new OverlappingFileLockException();
            }
        }
        final RangeLock lock = new RangeLock(position, size, shared);
        held.add(lock);
        return lock;
    }

    synchronized void releaseAll() {
        for (final RangeLock l : held) {
            l.valid = false;
        }
        held.clear();
    }

    private synchronized void release(final RangeLock lock) {
        lock.valid = false;
        held.remove(lock);
    }

    private synchronized boolean valid(final RangeLock lock) {
        return lock.valid;
    }

    /** One held range. */
    private final class RangeLock extends FileLock {
        private boolean valid = true;

        RangeLock(final long position, final long size, final boolean shared) {
            super(channel, position, size, shared);
        }

        @Override
        public boolean isValid() {
            return channel.isOpen() && valid(this);
        }

        @Override
        public void release() throws IOException {
            if (!channel.isOpen()) {
                throw new java.nio.channels.ClosedChannelException();
            }
            ChannelLocks.this.release(this);
        }
    }
}
