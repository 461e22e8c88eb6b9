package org.writecache.bench.wakeup;

import java.util.Random;

import org.agrona.concurrent.SystemNanoClock;
import org.writecache.WaitPolicy;
import org.writecache.freelist.FreeList;
import org.writecache.freelist.Parker;
import org.writecache.freelist.WaitStats;
import org.writecache.freelist.Waiter;

/** The cache's {@link FreeList} under one {@link WaitPolicy}, driven the way the cache engine drives it. */
final class FreeListPool implements BlockPool {
    private final WaitPolicy policy;
    private final FreeList list;
    private volatile boolean closed;

    FreeListPool(final WaitPolicy policy, final int blocks) {
        this.policy = policy;
        this.list = new FreeList(blocks, policy, Parker.LOCK_SUPPORT, new SystemNanoClock());
        for (int b = 0; b < blocks; b++) {
            list.add(b);
        }
    }

    @Override
    public String name() {
        return policy.label();
    }

    @Override
    public int acquire(final Random random, final double needMet) throws InterruptedException {
        final int[] out = new int[1];
        if (list.tryAllocate(1, out)) {
            return out[0];
        }
        final Waiter w = list.newWaiter();
        try {
            while (true) {
                if (closed) {
                    return CLOSED;
                }
                if (list.allocate(1, w, out)) {
                    return out[0];
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
    public void release(final int block) {
        list.release(block);
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
