package org.writecache.freelist;

import org.HdrHistogram.Histogram;
import org.agrona.concurrent.NanoClock;
import org.writecache.WaitPolicy;

/**
 * Wait observability for one freelist: wait episodes and their times, wakeups, futile wakeups and stranded time, plus
 * the matching JFR events. Called only with the freelist's monitor held; time from the injected clock.
 */
final class WaitRecorder {
    private final WaitPolicy policy;
    private final NanoClock clock;
    private final Histogram waitTimes = new Histogram(3);
    private long waits;
    private long wakeups;
    private long futileWakeups;
    private long strandedNanos;
    private long blips;
    private long longestBlipNanos;
    private long strandedSince = -1;
    private FreeListBlipEvent blipEvent;

    WaitRecorder(final WaitPolicy policy, final NanoClock clock) {
        this.policy = policy;
        this.clock = clock;
    }

    void beginWait(final Waiter w) {
        w.waiting = true;
        w.waitStartNanos = clock.nanoTime();
        w.wakeups = 0;
        final FreeListWaitEvent e = new FreeListWaitEvent();
        if (e.isEnabled()) {
            e.begin();
            w.event = e;
        }
    }

    void endWait(final Waiter w, final boolean consumed) {
        if (!w.waiting) {
            return;
        }
        w.waiting = false;
        waits++;
        waitTimes.recordValue(Math.max(0, clock.nanoTime() - w.waitStartNanos));
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

    void woken(final Waiter w) {
        wakeups++;
        w.wakeups++;
    }

    void futile() {
        futileWakeups++;
    }

    /** The freelist is (or is not) in the stranded state now. */
    void stranded(final boolean now, final int spare, final int parked) {
        if (now && strandedSince < 0) {
            strandedSince = clock.nanoTime();
            blips++;
            final FreeListBlipEvent e = new FreeListBlipEvent();
            if (e.isEnabled()) {
                e.begin();
                e.freeBlocks = spare;
                e.parkedWaiters = parked;
                blipEvent = e;
            }
        } else if (!now && strandedSince >= 0) {
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
    }

    WaitStats snapshot(final int waiting) {
        long stranded = strandedNanos;
        long longest = longestBlipNanos;
        if (strandedSince >= 0) {
            final long open = clock.nanoTime() - strandedSince;
            stranded += open;
            longest = Math.max(longest, open);
        }
        return new WaitStats(policy, waits, waiting, wakeups, futileWakeups,
            waitTimes.getValueAtPercentile(50), waitTimes.getValueAtPercentile(99),
            waitTimes.getValueAtPercentile(99.9), waitTimes.getMaxValue(), stranded, blips, longest);
    }

    void reset() {
        waitTimes.reset();
        waits = 0;
        wakeups = 0;
        futileWakeups = 0;
        strandedNanos = 0;
        blips = strandedSince >= 0 ? 1 : 0;
        longestBlipNanos = 0;
        if (strandedSince >= 0) {
            strandedSince = clock.nanoTime();
        }
    }
}
