package org.writecache.stats;

import java.util.concurrent.atomic.AtomicLongArray;

/** Current values of every {@link Counter}. Thread safe; increments are single atomic adds. */
public final class Counters {
    private final AtomicLongArray values = new AtomicLongArray(Counter.values().length);

    /** Adds one to {@code c}. */
    public void increment(final Counter c) {
        values.getAndIncrement(c.id());
    }

    /** Adds {@code delta} to {@code c}. */
    public void add(final Counter c, final long delta) {
        values.getAndAdd(c.id(), delta);
    }

    /** @return the value of {@code c}. */
    public long get(final Counter c) {
        return values.get(c.id());
    }

    /** Sets every counter to zero (dm-writecache's clear_stats). */
    public void clear() {
        for (int i = 0; i < values.length(); i++) {
            values.set(i, 0);
        }
    }
}
