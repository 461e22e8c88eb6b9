package org.writecache.freelist;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;
import org.agrona.concurrent.NanoClock;
import org.writecache.WaitPolicy;

/**
 * Records waits ({@code freelist.stats=true}, the default): wait times into one HdrHistogram recorder per waiting
 * thread (single-writer, wait-free, merged only when statistics are read), wakeups and futile wakeups as plain
 * counters under the freelist's lock (which their callers hold anyway), stranded intervals from the O(1) check the
 * freelist runs after each change under its lock, and the JFR events {@code org.writecache.FreeListWait} (begun and
 * committed by the waiter outside the lock) and {@code org.writecache.FreeListBlip}. Time from the injected clock,
 * read at the start and end of a wait and when the stranded state flips, never on the fast path.
 */
final class HistogramWaitRecorder implements WaitRecorder {
    private final WaitPolicy policy;
    private final NanoClock clock;

    // ---- per thread, merged on read ----
    private final List<SingleWriterRecorder> recorders = new CopyOnWriteArrayList<>();
    private final ThreadLocal<SingleWriterRecorder> local = ThreadLocal.withInitial(this::newRecorder);
    /** Everything recorded up to the last merge; guarded by itself. */
    private final Histogram merged = new Histogram(3);

    // ---- guarded by the freelist's lock ----
    private long wakeups;
    private long futileWakeups;
    private long strandedNanos;
    private long blips;
    private long longestBlipNanos;
    private long strandedSince = -1;
    private FreeListBlipEvent blipEvent;

    HistogramWaitRecorder(final WaitPolicy policy, final NanoClock clock) {
        this.policy = policy;
        this.clock = clock;
    }

    private SingleWriterRecorder newRecorder() {
        final SingleWriterRecorder r = new SingleWriterRecorder(3);
        recorders.add(r);
        return r;
    }

    @Override
    public boolean enabled() {
        return true;
    }

    @Override
    public void began(final Waiter w) {
        w.waitStartNanos = clock.nanoTime();
        final FreeListWaitEvent e = new FreeListWaitEvent();
        if (e.isEnabled()) {
            e.begin();
            w.event = e;
        }
    }

    @Override
    public void ended(final Waiter w, final boolean consumed) {
        local.get().recordValue(Math.max(0, clock.nanoTime() - w.waitStartNanos));
        final FreeListWaitEvent e = w.event;
        if (e != null) {
            w.event = null;
            e.end();
            if (e.shouldCommit()) {
                e.policy = policy.label();
                e.blocksNeeded = w.needed;
                e.consumed = consumed;
                e.wakeups = w.wakeups;
                e.commit();
            }
        }
    }

    @Override
    public void woken(final Waiter w) {
        wakeups++;
    }

    @Override
    public void futile() {
        futileWakeups++;
    }

    @Override
    public void stranded(final boolean now, final int spare, final int parked) {
        if (now == (strandedSince >= 0)) {
            return;
        }
        if (now) {
            strandedSince = clock.nanoTime();
            blips++;
            final FreeListBlipEvent e = new FreeListBlipEvent();
            if (e.isEnabled()) {
                e.begin();
                e.freeBlocks = spare;
                e.parkedWaiters = parked;
                blipEvent = e;
            }
            return;
        }
        final long d = clock.nanoTime() - strandedSince;
        strandedSince = -1;
        strandedNanos += d;
        longestBlipNanos = Math.max(longestBlipNanos, d);
        final FreeListBlipEvent e = blipEvent;
        if (e != null) {
            blipEvent = null;
            e.end();
            if (e.shouldCommit()) {
                e.policy = policy.label();
                e.commit();
            }
        }
    }

    @Override
    public Tally tally(final int waiting) {
        long stranded = strandedNanos;
        long longest = longestBlipNanos;
        if (strandedSince >= 0) {
            final long open = clock.nanoTime() - strandedSince;
            stranded += open;
            longest = Math.max(longest, open);
        }
        return new Tally(waiting, wakeups, futileWakeups, stranded, blips, longest);
    }

    @Override
    public WaitStats stats(final Tally t) {
        synchronized (merged) {
            drainInto(merged);
            return new WaitStats(policy, merged.getTotalCount(), t.waiting(), t.wakeups(), t.futileWakeups(),
                merged.getValueAtPercentile(50), merged.getValueAtPercentile(99),
                merged.getValueAtPercentile(99.9), merged.getMaxValue(), t.strandedNanos(), t.blips(),
                t.longestBlipNanos());
        }
    }

    @Override
    public void resetTally() {
        wakeups = 0;
        futileWakeups = 0;
        strandedNanos = 0;
        blips = strandedSince >= 0 ? 1 : 0;
        longestBlipNanos = 0;
        if (strandedSince >= 0) {
            strandedSince = clock.nanoTime();
        }
    }

    @Override
    public void resetHistogram() {
        synchronized (merged) {
            drainInto(merged);
            merged.reset();
        }
    }

    private void drainInto(final Histogram into) {
        for (final SingleWriterRecorder r : recorders) {
            into.add(r.getIntervalHistogram());
        }
    }
}
