package org.writecache.freelist;

/**
 * One writer waiting for free blocks: created by {@link FreeList#newWaiter()}, owned by one thread. The fields are
 * guarded by the freelist's monitor except {@link #signalled}, which the owner polls while parked.
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
    /** Queue links. */
    Waiter prev;
    Waiter next;

    Waiter(final Thread thread) {
        this.thread = thread;
    }

    /** @return the owning thread. */
    public Thread thread() {
        return thread;
    }

    void grant(final int block) {
        if (grantedCount == granted.length) {
            granted = java.util.Arrays.copyOf(granted, granted.length * 2);
        }
        granted[grantedCount++] = block;
    }
}
