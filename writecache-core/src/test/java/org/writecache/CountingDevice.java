package org.writecache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A backing device over a file that counts calls, records the largest write and the most bytes written between two
 * syncs (the bytes in flight), and fails writes at or beyond a given offset when told to.
 */
final class CountingDevice implements BlockDevice {
    private final BlockDevice inner;
    final AtomicInteger reads = new AtomicInteger();
    final AtomicInteger writes = new AtomicInteger();
    final AtomicInteger syncs = new AtomicInteger();
    final AtomicLong maxWrite = new AtomicLong();
    final AtomicLong maxUnsynced = new AtomicLong();
    private long unsynced;
    volatile long failAtOrAbove = Long.MAX_VALUE;

    CountingDevice(final BlockDevice inner) {
        this.inner = inner;
    }

    @Override
    public long size() {
        return inner.size();
    }

    @Override
    public void read(final long offset, final ByteBuffer dst) throws IOException {
        reads.incrementAndGet();
        inner.read(offset, dst);
    }

    @Override
    public synchronized void write(final long offset, final ByteBuffer src) throws IOException {
        if (offset + src.remaining() > failAtOrAbove) {
            throw new IOException("injected write error");
        }
        writes.incrementAndGet();
        maxWrite.accumulateAndGet(src.remaining(), Math::max);
        unsynced += src.remaining();
        maxUnsynced.accumulateAndGet(unsynced, Math::max);
        inner.write(offset, src);
    }

    @Override
    public synchronized void sync() throws IOException {
        syncs.incrementAndGet();
        unsynced = 0;
        inner.sync();
    }

    int calls() {
        return reads.get() + writes.get() + syncs.get();
    }

    @Override
    public String describe() {
        return "counting " + inner.describe();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
