package org.writecache.freelist;

/** Wake every waiter on each free; they race for the blocks. Correct without any pass-on rule; costs wakeups. */
final class WakeAll implements WaitStrategy {
    @Override
    public void onFree(final FreeList list, final int block) {
        list.pushLocked(block);
        while (list.firstWaiter() != null) {
            list.wake(list.firstWaiter());
        }
    }

    @Override
    public void onWokenNotConsumed(final FreeList list) {
        // Everyone was woken already: nothing to pass on.
    }
}
