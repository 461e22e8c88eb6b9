package org.writecache.fault;

import java.util.concurrent.atomic.AtomicLong;

/** Fires on every {@code n}-th operation, at most {@code limit} times ({@code n = 1, limit = 1}: once). */
final class EveryNthTrigger implements FaultTrigger {
    private final long n;
    private final long limit;
    private final AtomicLong calls = new AtomicLong();

    EveryNthTrigger(final long n, final long limit) {
        if (n < 1) {
            throw new IllegalArgumentException("fault period must be at least 1: " + n);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("fault limit must be at least 1: " + limit);
        }
        this.n = n;
        this.limit = limit;
    }

    @Override
    public boolean fires(final long offset, final long length) {
        final long call = calls.incrementAndGet();
        return call % n == 0 && call / n <= limit;
    }

    @Override
    public String toString() {
        return limit == 1 ? "once" : "every " + n + "th call";
    }
}
