package org.writecache.freelist;

/**
 * A {@link Parker} for model checking: each waiter sleeps on its own monitor until its explicit {@link Waiter#signalled}
 * flag is set. A model checker treats {@code LockSupport.park} as possibly spurious, which would hide a lost wakeup;
 * this parker only returns when the flag says so, so a lost wakeup shows up as a thread that never returns.
 */
final class MonitorParker implements Parker {
    @Override
    public void park(final Waiter waiter, final long timeoutNanos) {
        synchronized (waiter) {
            try {
                while (!waiter.signalled) {
                    waiter.wait();
                }
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void unpark(final Waiter waiter) {
        synchronized (waiter) {
            waiter.notifyAll();
        }
    }
}
