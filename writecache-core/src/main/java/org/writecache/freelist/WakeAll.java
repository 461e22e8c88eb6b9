package org.writecache.freelist;

/** Wake every waiter on each free; they race for the blocks. Correct without any pass-on rule; costs wakeups. */
final class WakeAll implements WaitStrategy {
    @Override
    public boolean barging() {
        return true;
    }

    @Override
    public void onFree(final FreeList list, final int block) {
        list.pushShared(block);
        while (list.wakeHead()) {
            // Wake them all.
        }
    }

    @Override
    public void onWokenReturned(final FreeList list, final boolean consumed) {
        // Everyone was woken already: nothing to pass on.
    }

    @Override
    public void requeue(final FreeList list, final Waiter w) {
        list.queueLast(w);
    }
}
