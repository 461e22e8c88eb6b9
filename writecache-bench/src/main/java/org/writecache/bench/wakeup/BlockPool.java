package org.writecache.bench.wakeup;

import java.util.Random;

import org.writecache.freelist.WaitStats;

/**
 * A pool of block numbers that writers take and a writeback thread gives back: the thing being measured. One
 * implementation wraps the cache's freelist under each wait policy; the others are JDK peers. Every pool is driven
 * by the same harness in the same way: no pool runs inside a lock the others do not.
 */
interface BlockPool {
    /** Value of {@link #acquire} when the writer's need was met another way after it had waited: no block taken. */
    int NEED_MET = 0;
    /** Value of {@link #acquire} when the pool was closed while the writer waited. */
    int CLOSED = -1;

    /** @return a short name for reports. */
    String name();

    /**
     * Takes {@code need} blocks into {@code out}, waiting if too few are free. A writer that had to wait finds its
     * need met on waking with probability {@code needMet} (another writer cached its blocks meanwhile) and then takes
     * nothing, whatever that costs the pool.
     *
     * @return {@code need}, {@link #NEED_MET} or {@link #CLOSED}.
     */
    int acquire(int need, int[] out, Random random, double needMet) throws InterruptedException;

    /** Gives {@code n} blocks back at once, as a writeback batch completes. */
    void release(int[] blocks, int n);

    /** Wakes every waiter for good; they return {@link #CLOSED}. */
    void close();

    /** Starts the measured interval: zeroes the pool's own wait statistics if it keeps any. */
    void startMeasuring();

    /** @return the pool's own wait statistics for the measured interval, or null for a JDK peer. */
    WaitStats waitStats();
}
