package org.writecache.freelist;

/**
 * Direct hand-off: a waiting writer's {@link Waiter} is its hand-off cell. A freed block goes straight into the hand of
 * the oldest waiter and never through the shared list, so no newcomer can take it and the woken writer has nothing to
 * re-check against others; the waiter is unparked once, when its whole need is granted, and then takes its blocks out
 * of its own hand without the lock.
 *
 * <p>Fairness: strict FIFO with head-of-line blocking. A writer that needs several blocks keeps the head of the queue
 * and collects blocks one by one while smaller requests behind it wait; large requests are never starved. Only the
 * head ever holds blocks while queued: when a waiter queues, free blocks on the shared list (there can be some only if
 * nobody was queued) move into its hand, so while anyone waits the shared list stays empty and the fast path can
 * refuse newcomers without the lock.
 *
 * <p>A woken writer whose need grew meanwhile (a commit made the uncommitted block it meant to overwrite in place
 * committed) gives back everything in its hand, to the head of the queue, and queues again in its arrival order; if
 * that makes it the head, it takes over what the old head had collected. It never waits holding blocks behind
 * someone else: that would let every block end up idle in the hands of waiters that all need one more.
 */
final class DirectHandoff implements WaitStrategy {
    @Override
    public boolean barging() {
        return false;
    }

    @Override
    public void onFree(final FreeList list, final int block) {
        final Waiter head = list.head();
        if (head == null) {
            list.pushShared(block);
            return;
        }
        list.grant(head, block);
        if (head.outstanding() == 0) {
            list.wake(head);
        }
    }

    @Override
    public void onWokenReturned(final FreeList list, final boolean consumed) {
        // Blocks it did not use went back through onFree, to the next waiter.
    }

    @Override
    public void requeue(final FreeList list, final Waiter w) {
        list.returnHand(w);
        list.queueInArrivalOrder(w);
    }

    @Override
    public void onQueued(final FreeList list, final Waiter w) {
        if (list.head() != w) {
            return;
        }
        if (w.next != null) {
            list.moveHand(w.next, w);
        }
        list.fillFromShared(w);
    }
}
