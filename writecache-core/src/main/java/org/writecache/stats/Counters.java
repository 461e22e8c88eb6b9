package org.writecache.stats;

import java.util.concurrent.atomic.AtomicLongArray;

import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.status.CountersReader;

/**
 * Current values of every {@link Counter} and {@link Gauge}: on the heap, or in the values buffer of a
 * {@link CountersFile} that other processes read while the cache runs. Thread safe; increments are single atomic adds.
 */
public final class Counters {
    private static final int SLOTS = Counter.values().length + Gauge.values().length;

    private final AtomicLongArray heap;
    private final AtomicBuffer values;

    /** Counters on the heap. */
    public Counters() {
        this.heap = new AtomicLongArray(SLOTS);
        this.values = null;
    }

    /** Counters in a counters file's values buffer, where counter id i lives in record i. */
    Counters(final AtomicBuffer values) {
        this.heap = null;
        this.values = values;
    }

    /** @return the number of counter and gauge slots. */
    public static int slots() {
        return SLOTS;
    }

    private static int offset(final int id) {
        return CountersReader.counterOffset(id);
    }

    /** Adds one to {@code c}. */
    public void increment(final Counter c) {
        add(c, 1);
    }

    /** Adds {@code delta} to {@code c}. */
    public void add(final Counter c, final long delta) {
        if (values == null) {
            heap.getAndAdd(c.id(), delta);
        } else {
            values.getAndAddLong(offset(c.id()), delta);
        }
    }

    /** @return the value of {@code c}. */
    public long get(final Counter c) {
        return values == null ? heap.get(c.id()) : values.getLongVolatile(offset(c.id()));
    }

    /** Sets gauge {@code g} to {@code v}. */
    public void set(final Gauge g, final long v) {
        if (values == null) {
            heap.lazySet(g.id(), v);
        } else {
            values.putLongRelease(offset(g.id()), v);
        }
    }

    /** @return the value of gauge {@code g}. */
    public long get(final Gauge g) {
        return values == null ? heap.get(g.id()) : values.getLongVolatile(offset(g.id()));
    }

    /** Sets every counter to zero (dm-writecache's clear_stats); gauges keep their values. */
    public void clear() {
        for (final Counter c : Counter.values()) {
            if (values == null) {
                heap.set(c.id(), 0);
            } else {
                values.putLongVolatile(offset(c.id()), 0);
            }
        }
    }
}
