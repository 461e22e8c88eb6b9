package org.writecache;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

import org.writecache.freelist.Parker;
import org.writecache.freelist.Waiter;

/**
 * A {@link Parker} that tells the test when threads park, so tests wait for events instead of sleeping. Permits work
 * like {@link java.util.concurrent.locks.LockSupport}'s: an unpark before the park makes the park return at once.
 * Timeouts are ignored: tests using it wait without a deadline.
 */
final class RecordingParker implements Parker {
    private static final long PATIENCE_MILLIS = 10_000;
    private final Set<Thread> parked = new HashSet<>();
    private final Set<Thread> permits = new HashSet<>();
    private final Set<Thread> done = new HashSet<>();

    @Override
    public synchronized void park(final Waiter waiter, final long timeoutNanos) {
        final Thread t = waiter.thread();
        if (permits.remove(t)) {
            return;
        }
        parked.add(t);
        notifyAll();
        try {
            while (!permits.remove(t)) {
                wait();
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            parked.remove(t);
            notifyAll();
        }
    }

    @Override
    public synchronized void unpark(final Waiter waiter) {
        permits.add(waiter.thread());
        notifyAll();
    }

    /** Called by a test thread as it ends. */
    synchronized void finished(final Thread t) {
        done.add(t);
        notifyAll();
    }

    /** @return true if {@code t} is parked with no permit pending: only an unpark can move it. */
    synchronized boolean isStuck(final Thread t) {
        return parked.contains(t) && !permits.contains(t);
    }

    /** @return true if {@code t} has finished. */
    synchronized boolean isDone(final Thread t) {
        return done.contains(t);
    }

    /** Waits until {@code t} is parked without a permit. */
    synchronized void awaitParked(final Thread t) throws InterruptedException {
        final long end = System.currentTimeMillis() + PATIENCE_MILLIS;
        while (!isStuck(t)) {
            waitUntil(end, t + " never parked");
        }
    }

    /** Waits until each of {@code threads} has either finished or is parked without a permit. */
    synchronized void awaitQuiescent(final Collection<Thread> threads) throws InterruptedException {
        final long end = System.currentTimeMillis() + PATIENCE_MILLIS;
        while (!threads.stream().allMatch(t -> done.contains(t) || isStuck(t))) {
            waitUntil(end, "threads never settled: " + threads);
        }
    }

    private void waitUntil(final long end, final String failure) throws InterruptedException {
        final long left = end - System.currentTimeMillis();
        if (left <= 0) {
            fail(failure);
        }
        wait(left);
    }
}
