package org.writecache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link BlockDevice} decorator that records every write (offset, length) and sync, in order, and can run a hook
 * before a write reaches the device (to change the world while a writeback is in flight).
 */
final class RecordingDevice implements BlockDevice {
    /** Runs before a write. */
    @FunctionalInterface
    interface WriteHook {
        /** Called with the offset of the write about to be made. */
        void beforeWrite(long offset) throws IOException;
    }

    private final BlockDevice inner;
    final List<long[]> writes = new ArrayList<>();
    int syncs;
    int reads;
    /** Runs before every write; null for none. */
    WriteHook hook;

    RecordingDevice(final BlockDevice inner) {
        this.inner = inner;
    }

    @Override
    public long size() {
        return inner.size();
    }

    @Override
    public synchronized void read(final long offset, final ByteBuffer dst) throws IOException {
        reads++;
        inner.read(offset, dst);
    }

    @Override
    public synchronized void write(final long offset, final ByteBuffer src) throws IOException {
        if (hook != null) {
            hook.beforeWrite(offset);
        }
        writes.add(new long[] {offset, src.remaining()});
        inner.write(offset, src);
    }

    @Override
    public synchronized void sync() throws IOException {
        syncs++;
        inner.sync();
    }

    @Override
    public String describe() {
        return "recording " + inner.describe();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
