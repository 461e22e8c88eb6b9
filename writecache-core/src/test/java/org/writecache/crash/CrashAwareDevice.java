package org.writecache.crash;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

import org.writecache.BlockDevice;

/**
 * An in-memory backing device whose writes become durable only at {@link #sync()}, for crash tests.
 *
 * <p>Reads see every write, as a page cache would. Each write and each sync is stamped with the persistent-memory
 * event count at that moment ({@code events}, typically {@code CrashSimulatingMemory::eventCount}), so that for any
 * crash cut point {@link #durableAt} can build what the device may hold after that crash: its initial contents, every
 * write synced before the cut, and optionally a random subset, in order, of the 512-byte sectors of the writes issued
 * but not synced by then (a device promises sector atomicity, not write atomicity).
 *
 * <p>The timing rule: a call made when the event count was {@code e} happened after events {@code [0, e)} and before
 * event {@code e}. A crash at cut {@code c} (events {@code [0, c)} happened) therefore certainly follows a sync
 * stamped {@code e < c}; a write stamped {@code e <= c} may have been issued before it.
 */
final class CrashAwareDevice implements BlockDevice {
    /** The unit an unsynced write lands in: a write may land in part, a sector never does. */
    static final int SECTOR = 512;
    private record Write(long offset, byte[] data, long event) {
    }

    private final byte[] initial;
    private final byte[] current;
    private final LongSupplier events;
    private final List<Write> writes = new ArrayList<>();
    /** For each sync: its event stamp and how many writes preceded it. */
    private final List<long[]> syncs = new ArrayList<>();
    private LongConsumer interceptor;

    /**
     * @param initial the durable contents at the start; the device size is its length.
     * @param events  the persistent-memory event count, read at every write and sync.
     */
    CrashAwareDevice(final byte[] initial, final LongSupplier events) {
        this.initial = initial.clone();
        this.current = initial.clone();
        this.events = Objects.requireNonNull(events, "events");
    }

    @Override
    public long size() {
        return current.length;
    }

    @Override
    public void read(final long offset, final ByteBuffer dst) {
        final int n = dst.remaining();
        Objects.checkFromIndexSize(offset, n, current.length);
        dst.put(current, (int) offset, n);
    }

    @Override
    public void write(final long offset, final ByteBuffer src) {
        final int n = src.remaining();
        Objects.checkFromIndexSize(offset, n, current.length);
        final byte[] data = new byte[n];
        src.get(data);
        System.arraycopy(data, 0, current, (int) offset, n);
        writes.add(new Write(offset, data, events.getAsLong()));
        final LongConsumer once = interceptor;
        if (once != null) {
            interceptor = null;
            once.accept(offset);
        }
    }

    /**
     * Runs {@code hook} with the offset of the next write, once, after that write: the cache is then in the middle of
     * a writeback batch, outside its lock, so the hook can overwrite or discard a block while it is being written
     * back, deterministically on one thread. Null cancels a hook not yet run.
     */
    void interceptNextWrite(final LongConsumer hook) {
        interceptor = hook;
    }

    @Override
    public void sync() {
        syncs.add(new long[] {events.getAsLong(), writes.size()});
    }

    /** @return the number of syncs so far. */
    int syncCount() {
        return syncs.size();
    }

    /**
     * What the device may hold after a crash at {@code cut}, as a new device.
     *
     * @param cut    the crash point, in persistent-memory events.
     * @param extras null for the synced writes only; otherwise each sector of each write issued by the cut but not
     *               synced before it is applied (in order) if this generator says so: an unsynced multi-block write
     *               may land in part.
     * @return a fresh device holding that state, whose own writes and syncs are stamped 0.
     */
    CrashAwareDevice durableAt(final long cut, final Random extras) {
        return new CrashAwareDevice(durableImageAt(cut, extras), () -> 0);
    }

    /** @return the contents {@link #durableAt} would give the device. */
    byte[] durableImageAt(final long cut, final Random extras) {
        int synced = 0;
        for (final long[] s : syncs) {
            if (s[0] < cut) {
                synced = (int) s[1];
            }
        }
        final byte[] image = initial.clone();
        for (int i = 0; i < writes.size(); i++) {
            final Write w = writes.get(i);
            if (i < synced) {
                System.arraycopy(w.data(), 0, image, (int) w.offset(), w.data().length);
            } else if (extras != null && w.event() <= cut) {
                for (int at = 0; at < w.data().length; at += SECTOR) {
                    if (extras.nextBoolean()) {
                        System.arraycopy(w.data(), at, image, (int) w.offset() + at,
                            Math.min(SECTOR, w.data().length - at));
                    }
                }
            }
        }
        return image;
    }

    @Override
    public String describe() {
        return "crash-aware memory device (" + current.length + " bytes, " + writes.size() + " writes, "
            + syncs.size() + " syncs)";
    }

    /** Does nothing: the device lives on so the cache can be reopened on it. */
    @Override
    public void close() {
    }
}
