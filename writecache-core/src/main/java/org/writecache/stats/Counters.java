package org.writecache.stats;

import java.util.concurrent.atomic.AtomicLongArray;

import org.writecache.pmem.SharedRegion;

/**
 * Current values of every {@link Counter} and {@link Gauge}: on the heap, or in the value records of a
 * {@link CountersFile} that other processes read while the cache runs. Thread safe; increments are single atomic adds.
 */
public final class Counters {
    private static final int SLOTS = Counter.values().length + Gauge.values().length;

    private final AtomicLongArray heap;
    private final SharedRegion region;

    /** Counters on the heap. */
    public Counters() {
        this.heap = new AtomicLongArray(SLOTS);
        this.region = null;
    }

    /** Counters in a counters file, where slot i lives in value record i. */
    Counters(final SharedRegion region) {
        this.heap = null;
        this.region = region;
    }

    /** @return the number of counter and gauge slots. */
    public static int slots() {
        return SLOTS;
    }

    private static long offset(final int id) {
        return CountersFileDescriptor.valueOffset(SLOTS, id);
    }

    /** Adds one to {@code c}. */
    public void increment(final Counter c) {
        add(c, 1);
    }

    /** Adds {@code delta} to {@code c}. */
    public void add(final Counter c, final long delta) {
        if (region == null) {
            heap.getAndAdd(c.id(), delta);
        } else {
            region.getAndAddLong(offset(c.id()), delta);
        }
    }

    /** @return the value of {@code c}. */
    public long get(final Counter c) {
        return get(c.id());
    }

    /** Sets gauge {@code g} to {@code v}. */
    public void set(final Gauge g, final long v) {
        set(g.id(), v);
    }

    /** @return the value of gauge {@code g}. */
    public long get(final Gauge g) {
        return get(g.id());
    }

    private long get(final int id) {
        return region == null ? heap.get(id) : region.getLongAcquire(offset(id));
    }

    private void set(final int id, final long v) {
        if (region == null) {
            heap.lazySet(id, v);
        } else {
            region.putLongRelease(offset(id), v);
        }
    }

    /** Sets every counter to zero (dm-writecache's clear_stats); gauges keep their values. */
    public void clear() {
        for (final Counter c : Counter.values()) {
            set(c.id(), 0);
        }
    }
}
