package org.writecache.bench.wakeup;

import java.util.Random;

/**
 * A pool of block numbers that writers take and a writeback thread gives back: the thing being measured. One
 * implementation wraps the cache's freelist under each wait policy; the others are JDK peers.
 */
interface BlockPool {
    /** Value of {@link #acquire} when the writer's need was met another way after it had waited: no block taken. */
    int NEED_MET = -1;
    /** Value of {@link #acquire} when the pool was closed while the writer waited. */
    int CLOSED = -2;

    /** @return a short name for reports. */
    String name();

    /**
     * Takes one block, waiting if none is free. A writer that had to wait finds its need met on waking with
     * probability {@code needMet} (another writer cached its block meanwhile) and then takes nothing.
     *
     * @return the block, {@link #NEED_MET} or {@link #CLOSED}.
     */
    int acquire(Random random, double needMet) throws InterruptedException;

    /** Gives a block back. */
    void release(int block);

    /** Wakes every waiter for good; they return {@link #CLOSED}. */
    void close();

    /** Starts the measured interval: zeroes the pool's own wait statistics if it keeps any. */
    void startMeasuring();

    /** @return the pool's own wait statistics for the measured interval, or null for a JDK peer. */
    org.writecache.freelist.WaitStats waitStats();
}
