package org.writecache.freelist;

/**
 * The 2018 dm-writecache rule, kept on purpose to measure it: each free wakes exactly one waiter (the oldest) and a
 * woken waiter that does not consume passes nothing on.
 *
 * <p><strong>Unsafe.</strong> Wake-one is only correct if every woken waiter either consumes the block or wakes the
 * next one. A writer that wakes and finds its need met another way (another writer cached the same device block, so
 * it overwrites in place), or that times out, is interrupted, or needs more blocks than were freed, leaves the freed
 * block idle while the next waiter sleeps: a blip until an unrelated free comes along, or a hang if none does.
 */
final class Swait implements WaitStrategy {
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
        // The bug this policy reproduces: the wakeup is swallowed.
    }

    @Override
    public void requeue(final FreeList list, final Waiter w) {
        list.queueLast(w);
    }
}
