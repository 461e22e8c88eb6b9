package org.writecache.freelist;

/**
 * Exclusive wake-one with the pass-on rule: each free wakes the oldest waiter; a woken waiter that does not consume
 * (need met another way, timeout, interrupt, close, need larger than what is free) wakes the oldest queued waiter
 * whose need the free blocks cover, if there is one. Waking only a waiter that can be served stops two waiters that
 * both need more than is free from waking each other forever.
 */
final class Exclusive implements WaitStrategy {
    @Override
    public void onFree(final FreeList list, final int block) {
        list.pushLocked(block);
        final Waiter head = list.firstWaiter();
        if (head != null) {
            list.wake(head);
        }
    }

    @Override
    public void onWokenNotConsumed(final FreeList list) {
        final Waiter next = list.firstSatisfiable();
        if (next != null) {
            list.wake(next);
        }
    }
}
