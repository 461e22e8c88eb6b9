package org.writecache.freelist;

/**
 * Negative control: direct hand-off with the re-queue it had before the fix. A woken writer whose need grew queues
 * again at the tail and keeps the blocks already handed to it, while frees go only to the head: once every block sits
 * in such hands nothing is dirty, writeback frees nothing and every writer waits forever.
 */
final class PlantedDirect implements WaitStrategy {
    private final DirectHandoff fixed = new DirectHandoff();

    @Override
    public boolean barging() {
        return fixed.barging();
    }

    @Override
    public void onFree(final FreeList list, final int block) {
        fixed.onFree(list, block);
    }

    @Override
    public void onWokenReturned(final FreeList list, final boolean consumed) {
        fixed.onWokenReturned(list, consumed);
    }

    @Override
    public void requeue(final FreeList list, final Waiter w) {
        list.queueLast(w);
    }

    @Override
    public void onQueued(final FreeList list, final Waiter w) {
        list.fillFromShared(w);
    }
}
