package org.writecache.freelist;

import java.util.Arrays;

/**
 * One writer waiting for free blocks: created by {@link FreeList#newWaiter()}, owned by one thread, reusable for
 * later waits. The fields are guarded by the freelist's monitor except {@link #signalled}, which the owner polls
 * while parked. Under the direct hand-off policy it is also the writer's hand-off cell: freed blocks are granted into
 * it.
 */
public final class Waiter {
    private final Thread thread;
    volatile boolean signalled;
    /** True while in the freelist's queue. */
    boolean queued;
    /** Blocks still wanted when it last queued. */
    int needed;
    /** Blocks handed to this waiter directly (direct hand-off policy), not yet taken. */
    int[] granted = new int[4];
    int grantedCount;
    /** Blocks counted as promised to this waiter while it is woken and has not come back yet. */
    int promise;
    /** Queue links. */
    Waiter prev;
    Waiter next;
    /** Wait-episode bookkeeping for {@link WaitRecorder}. */
    boolean waiting;
    long waitStartNanos;
    int wakeups;
    FreeListWaitEvent event;

    Waiter(final Thread thread) {
        this.thread = thread;
    }

    /** @return the owning thread. */
    public Thread thread() {
        return thread;
    }

    void grant(final int block) {
        if (grantedCount == granted.length) {
            granted = Arrays.copyOf(granted, granted.length * 2);
        }
        granted[grantedCount++] = block;
    }
}
