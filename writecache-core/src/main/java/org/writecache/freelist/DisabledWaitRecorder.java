package org.writecache.freelist;

import org.writecache.WaitPolicy;

/**
 * Records nothing ({@code freelist.stats=false}): every call is empty, so the JIT removes them, and the freelist skips
 * its stranded check. {@link FreeList#waitStats()} then reports zeros except the writers waiting now.
 */
final class DisabledWaitRecorder implements WaitRecorder {
    private final WaitPolicy policy;

    DisabledWaitRecorder(final WaitPolicy policy) {
        this.policy = policy;
    }

    @Override
    public boolean enabled() {
        return false;
    }

    @Override
    public void began(final Waiter w) {
        // Nothing recorded.
    }

    @Override
    public void ended(final Waiter w, final boolean consumed) {
        // Nothing recorded.
    }

    @Override
    public void woken(final Waiter w) {
        // Nothing recorded.
    }

    @Override
    public void futile() {
        // Nothing recorded.
    }

    @Override
    public void stranded(final boolean now, final int spare, final int parked) {
        // Nothing recorded.
    }

    @Override
    public Tally tally(final int waiting) {
        return new Tally(waiting, 0, 0, 0, 0, 0);
    }

    @Override
    public WaitStats stats(final Tally t) {
        return new WaitStats(policy, 0, t.waiting(), 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    @Override
    public void resetTally() {
        // Nothing recorded.
    }

    @Override
    public void resetHistogram() {
        // Nothing recorded.
    }
}
