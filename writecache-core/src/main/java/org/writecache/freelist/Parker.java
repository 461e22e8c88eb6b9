package org.writecache.freelist;

import java.util.concurrent.locks.LockSupport;

/**
 * How a waiting writer sleeps and is woken. Injected so tests and the model checker can see every park and unpark
 * (a model checker treats {@link LockSupport#park} as possibly spurious, which hides lost wakeups).
 */
public interface Parker {
    /** The production parker: {@link LockSupport}. */
    Parker LOCK_SUPPORT = new Parker() {
        @Override
        public void park(final Waiter waiter, final long timeoutNanos) {
            if (timeoutNanos > 0) {
                LockSupport.parkNanos(waiter, timeoutNanos);
            } else {
                LockSupport.park(waiter);
            }
        }

        @Override
        public void unpark(final Waiter waiter) {
            LockSupport.unpark(waiter.thread());
        }
    };

    /**
     * Blocks the calling thread, which owns {@code waiter}, until {@link #unpark} is called for it, the timeout passes
     * ({@code timeoutNanos <= 0}: no timeout) or the thread is interrupted. May return spuriously: callers re-check.
     */
    void park(Waiter waiter, long timeoutNanos);

    /** Wakes the thread parked (or about to park) on {@code waiter}. */
    void unpark(Waiter waiter);
}
