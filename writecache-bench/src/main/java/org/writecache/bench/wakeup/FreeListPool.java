package org.writecache.bench.wakeup;

import java.util.Random;

import org.agrona.concurrent.SystemNanoClock;
import org.writecache.WaitPolicy;
import org.writecache.freelist.FreeList;
import org.writecache.freelist.Parker;
import org.writecache.freelist.WaitStats;
import org.writecache.freelist.Waiter;

/**
 * The cache's {@link FreeList} under one {@link WaitPolicy}, driven the way the cache engine drives it: try, else
 * queue a waiter (one per writer thread, reused), await, and on each wake-up either find the need met (end the wait,
 * take nothing) or ask again; the wait always ends with {@code endWait}.
 */
final class FreeListPool implements BlockPool {
    private final WaitPolicy policy;
    private final boolean stats;
    private final FreeList list;
    private final ThreadLocal<Waiter> waiters;
    private volatile boolean closed;

    FreeListPool(final WaitPolicy policy, final boolean stats, final int blocks) {
        this.policy = policy;
        this.stats = stats;
        this.list = new FreeList(blocks, policy, Parker.LOCK_SUPPORT, new SystemNanoClock(), stats);
        this.waiters = ThreadLocal.withInitial(list::newWaiter);
        for (int b = 0; b < blocks; b++) {
            list.add(b);
        }
    }

    @Override
    public String name() {
        return stats ? policy.label() : policy.label() + " (stats off)";
    }

    @Override
    public int acquire(final int need, final int[] out, final Random random, final double needMet)
        throws InterruptedException {
        if (list.tryAllocate(need, out)) {
            return need;
        }
        final Waiter w = waiters.get();
        try {
            while (true) {
                if (closed) {
                    return CLOSED;
                }
                if (list.allocate(need, w, out)) {
                    return need;
                }
                list.await(w, 0);
                if (random.nextDouble() < needMet) {
                    return NEED_MET;
                }
            }
        } finally {
            list.endWait(w);
        }
    }

    @Override
    public void release(final int[] blocks, final int n) {
        list.release(blocks, n);
    }

    @Override
    public void close() {
        closed = true;
        list.close();
    }

    @Override
    public void startMeasuring() {
        list.clearWaitStats();
    }

    @Override
    public WaitStats waitStats() {
        return list.waitStats();
    }
}
