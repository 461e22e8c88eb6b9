package org.writecache.freelist;

/**
 * Exclusive wake-one with the pass-on rule: each free wakes the oldest waiter; a woken waiter, whenever it comes back,
 * passes on what it was promised and did not take (all of it if it took nothing: need met another way, timeout,
 * interrupt, close, need larger than what is free; the rest if its need shrank and it took less). Passing on wakes the
 * oldest queued waiters whose needs the unpromised free blocks cover, as many as they cover; waking only waiters that
 * can be served stops two waiters that both need more than is free from waking each other forever. A waiter that
 * still cannot be served queues again at the tail, as an exclusive kernel waiter does.
 */
final class Exclusive implements WaitStrategy {
    @Override
    public boolean barging() {
        return true;
    }

    @Override
    public void onFree(final FreeList list, final int block) {
        list.pushShared(block);
        list.wakeHead();
    }

    @Override
    public void onWokenReturned(final FreeList list, final boolean consumed) {
        list.passOn();
    }

    @Override
    public void requeue(final FreeList list, final Waiter w) {
        list.queueLast(w);
    }
}
