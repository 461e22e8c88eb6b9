package org.writecache.freelist;

/**
 * The wake-up rule of one {@link org.writecache.WaitPolicy}: where a freed block goes, who is woken, what a woken
 * waiter passes on when it comes back, and where one that still cannot be served queues again. Runs only on the
 * freelist's slow path, with its lock held; the fast path (blocks free, nobody waiting) never reaches it.
 */
interface WaitStrategy {
    /**
     * @return true if a newcomer may take shared blocks while others wait (barging); false if freed blocks are
     *         reserved for waiters, which lets the fast path refuse without the lock whenever anyone waits.
     */
    boolean barging();

    /**
     * Places a freed block: on the shared list ({@link FreeList#pushShared}) or straight into a waiter's hand
     * ({@link FreeList#grant}), and wakes whoever the policy wakes ({@link FreeList#wake}).
     */
    void onFree(FreeList list, int block);

    /**
     * A woken waiter came back, took its blocks ({@code consumed}) or not (need met another way, cancelled by timeout,
     * interrupt or close, or too few blocks), and its promise has just been released: pass on whatever it leaves.
     * Called whenever a woken waiter comes back, also when it took fewer blocks than it was promised.
     */
    void onWokenReturned(FreeList list, boolean consumed);

    /**
     * {@code w} was woken, came back, and still cannot be served: queue it again ({@link FreeList#queueLast} or
     * {@link FreeList#queueInArrivalOrder}), deciding what it keeps in hand.
     */
    void requeue(FreeList list, Waiter w);

    /** {@code w} has just been queued wanting {@link Waiter#needed} blocks; by default nothing happens. */
    default void onQueued(final FreeList list, final Waiter w) {
        // Most policies leave queued waiters alone until a block is freed.
    }
}
