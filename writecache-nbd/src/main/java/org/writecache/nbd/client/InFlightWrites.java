package org.writecache.nbd.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The byte ranges of writes (and trims) sent but not yet answered. An NBD server may execute requests in any order, so
 * a request that overlaps one of them must wait for it: a later write of the same block would otherwise race the
 * earlier one, and a read could return the data from before a write issued ahead of it. Ranges in flight never
 * overlap one another, which keeps the lookup to one floor entry of a sorted map.
 */
final class InFlightWrites {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final TreeMap<Long, Long> ranges = new TreeMap<>();

    /** Waits until nothing in flight overlaps {@code [from, to)}, then records it as in flight. */
    void register(final long from, final long to, final long deadline, final String what) throws IOException {
        lock.lock();
        try {
            awaitNoOverlap(from, to, deadline, what);
            ranges.put(from, to);
        } finally {
            lock.unlock();
        }
    }

    /** The request starting at {@code from} has ended. */
    void remove(final long from) {
        lock.lock();
        try {
            ranges.remove(from);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until nothing in flight overlaps {@code [from, to)}. */
    void awaitNoOverlap(final long from, final long to, final long deadline, final String what) throws IOException {
        lock.lock();
        try {
            while (true) {
                final Map.Entry<Long, Long> e = ranges.floorEntry(to - 1);
                if (e == null || e.getValue() <= from) {
                    return;
                }
                await(deadline, what);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits until nothing is in flight. */
    void awaitEmpty(final long deadline, final String what) throws IOException {
        lock.lock();
        try {
            while (!ranges.isEmpty()) {
                await(deadline, what);
            }
        } finally {
            lock.unlock();
        }
    }

    private void await(final long deadline, final String what) throws IOException {
        final long left = deadline - System.nanoTime();
        try {
            if (left <= 0 || !changed.await(left, TimeUnit.NANOSECONDS) && deadline - System.nanoTime() <= 0) {
                throw new IOException(what + ": earlier writes still unanswered after the request timeout");
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(what + ": interrupted waiting for earlier writes");
        }
    }
}
