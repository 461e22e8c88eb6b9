package org.writecache.freelist;

/**
 * Exclusive wake-one with the pass-on rule: each free wakes the oldest waiter; a woken waiter that does not consume
 * (need met another way, timeout, interrupt, close, need larger than what is free) passes on what it was promised:
 * it wakes the oldest queued waiters whose needs the unpromised free blocks cover, as many as they cover (a writer
 * that was promised two blocks and needs none may leave two one-block writers to wake). Waking only waiters that can
 * be served stops two waiters that both need more than is free from waking each other forever.
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
        for (Waiter next = list.firstSatisfiable(); next != null; next = list.firstSatisfiable()) {
            list.wake(next);
        }
    }
}
