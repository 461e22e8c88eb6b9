package org.writecache.freelist;

/**
 * Direct hand-off: a waiting writer's {@link Waiter} is its hand-off cell. A freed block goes straight into the hand of
 * the oldest waiter and never through the shared list, so no newcomer can take it and the woken writer has nothing to
 * re-check against others; the waiter is unparked only when its whole need is granted. Blocks it does not use after
 * all (need met another way, cancelled) go back through {@link #onFree}, to the next waiter.
 *
 * <p>Fairness: strict FIFO with head-of-line blocking. A writer that needs several blocks keeps the head of the queue
 * and collects blocks one by one while smaller requests behind it wait; large requests are never starved, at the
 * cost of latency for the small ones behind them. When a waiter queues, free blocks on the shared list (there can be
 * some only if nobody was queued) are moved into its hand, so while anyone waits the shared list stays empty.
 */
final class DirectHandoff implements WaitStrategy {
    @Override
    public void onFree(final FreeList list, final int block) {
        final Waiter head = list.firstWaiter();
        if (head == null) {
            list.pushLocked(block);
            return;
        }
        head.grant(block);
        if (head.grantedCount >= head.needed) {
            list.wake(head);
        }
    }

    @Override
    public void onWokenNotConsumed(final FreeList list) {
        // Its granted blocks were already handed on through onFree.
    }

    @Override
    public void onQueued(final FreeList list, final Waiter w) {
        while (w.grantedCount < w.needed && list.sharedLocked() > 0) {
            w.grant(list.popLocked());
        }
    }
}
