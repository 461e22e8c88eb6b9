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

    /** A waiter that had been woken stopped waiting without consuming blocks (need met, cancelled, too few). */
    void onWokenNotConsumed(FreeList list);
}
