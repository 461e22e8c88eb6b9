package org.writecache.freelist;

/**
 * The wake-up rule of one {@link org.writecache.WaitPolicy}: where a freed block goes, who is woken, and what happens
 * when a woken waiter does not consume. Every method is called with the freelist's monitor held.
 */
interface WaitStrategy {
    /**
     * Places a freed block: on the shared list ({@link FreeList#pushLocked}) or straight into a waiter's hand
     * ({@link Waiter#grant}), and wakes whoever the policy wakes ({@link FreeList#wake}).
     */
    void onFree(FreeList list, int block);

    /**
     * A waiter that had been woken stopped waiting without consuming blocks (need met another way, cancelled by
     * timeout, interrupt or close, or too few blocks for its need). It is no longer queued when this is called.
     */
    void onWokenNotConsumed(FreeList list);

    /** {@code w} has just been queued wanting {@link Waiter#needed} blocks; by default nothing happens. */
    default void onQueued(final FreeList list, final Waiter w) {
        // Most policies leave queued waiters alone until a block is freed.
    }
}
