package org.writecache.bench.wakeup;

import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

import org.writecache.freelist.WaitStats;

/**
 * Peer: a {@link Semaphore} counts free blocks, a lock-free queue holds their numbers. A writer whose need is met
 * after waiting cannot give up a semaphore acquire, so it takes the permit and gives it straight back.
 */
final class SemaphorePool implements BlockPool {
    private final Semaphore permits;
    private final ConcurrentLinkedQueue<Integer> free = new ConcurrentLinkedQueue<>();
    private final boolean fair;
    private volatile boolean closed;

    SemaphorePool(final boolean fair, final int blocks) {
        this.fair = fair;
        this.permits = new Semaphore(blocks, fair);
        for (int b = 0; b < blocks; b++) {
            free.add(b);
        }
    }

    @Override
    public String name() {
        return fair ? "semaphore-fair" : "semaphore";
    }

    @Override
    public int acquire(final Random random, final double needMet) throws InterruptedException {
        if (!permits.tryAcquire()) {
            permits.acquire();
            if (closed) {
                permits.release();
                return CLOSED;
            }
            if (random.nextDouble() < needMet) {
                permits.release();
                return NEED_MET;
            }
        }
        return free.poll();
    }

    @Override
    public void release(final int block) {
        free.add(block);
        permits.release();
    }

    @Override
    public void close() {
        closed = true;
        permits.release(1 << 20);
    }

    @Override
    public void startMeasuring() {
        // No statistics of its own.
    }

    @Override
    public WaitStats waitStats() {
        return null;
    }
}
