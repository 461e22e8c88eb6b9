package org.writecache.freelist;

import java.util.Arrays;

/**
 * One writer waiting for free blocks: created by {@link FreeList#newWaiter()}, owned by one thread, reusable for
 * later waits once {@link FreeList#endWait} (or a successful {@link FreeList#allocate}) ended the previous one.
 * Under the direct hand-off policy it is also the writer's hand-off cell: freed blocks are granted into it.
 *
 * <p>Who touches what: {@link #signalled} is volatile, set by a waker under the freelist's lock and read by the owner
 * without it. The queue fields, the need, the hand and the promise are guarded by the freelist's lock, except that the
 * owner may read them once it has seen {@code signalled} (the waker wrote them before setting it, and nobody touches a
 * signalled waiter until it is queued again). The episode fields are the owner's alone.
 */
public final class Waiter {
    private final Thread thread;
    volatile boolean signalled;

    // ---- guarded by the freelist's lock ----
    /** True while in the freelist's queue. */
    boolean queued;
    /** Arrival order of this wait episode: a waiter that queues again keeps it. */
    long ticket;
    /** Blocks wanted when it last asked. */
    int needed;
    /** Blocks handed to this waiter directly (direct hand-off policy), not yet taken. */
    int[] granted = new int[4];
    int grantedCount;
    /** Blocks counted as promised to this waiter from the shared list while it is woken and not back yet. */
    int promise;
    /** Queue links. */
    Waiter prev;
    Waiter next;
    /** Times woken in this episode. */
    int wakeups;
    /**
     * The next waiter woken in the same critical section, which this one unparks once it sees its own signal: written
     * by the waker before {@link #signalled}, read and cleared by the owner after it.
     */
    Waiter chainNext;

    // ---- the owner's alone ----
    /** True from the first time it queued until its wait ends: the freelist knows it. */
    boolean active;
    /** When the episode began (recording only). */
    long waitStartNanos;
    /** The JFR event of the episode, when JFR records it. */
    FreeListWaitEvent event;

    Waiter(final Thread thread) {
        this.thread = thread;
    }

    /** @return the owning thread. */
    public Thread thread() {
        return thread;
    }

    /** @return blocks still wanted beyond those in hand. */
    int outstanding() {
        return Math.max(0, needed - grantedCount);
    }

    void grant(final int block) {
        if (grantedCount == granted.length) {
            granted = Arrays.copyOf(granted, granted.length * 2);
        }
        granted[grantedCount++] = block;
    }
}
