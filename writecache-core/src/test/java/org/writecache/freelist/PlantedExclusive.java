package org.writecache.freelist;

/**
 * Negative control: exclusive wake-one with the success path it had before the fix. A woken writer that takes part of
 * what it was promised clears the whole promise and passes nothing on; a waiter that an earlier pass-on skipped
 * because those blocks were promised stays parked next to a free block.
 */
final class PlantedExclusive implements WaitStrategy {
    private final Exclusive fixed = new Exclusive();

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
        if (!consumed) {
            list.passOn();
        }
    }

    @Override
    public void requeue(final FreeList list, final Waiter w) {
        fixed.requeue(list, w);
    }
}
