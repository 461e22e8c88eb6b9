package org.writecache.bench.wakeup;

import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.agrona.concurrent.ManyToManyConcurrentArrayQueue;
import org.writecache.freelist.WaitStats;

/**
 * Peer: a {@link Semaphore} counts free blocks, a lock-free array queue holds their numbers. The fair one is FIFO on
 * its fast path too ({@code tryAcquire(n, 0, unit)} honours the queue; plain {@code tryAcquire} would barge), as
 * direct hand-off is. A writer whose need is met after waiting cannot give up a semaphore acquire, so it takes the
 * permits and gives them straight back. Per allocation: one CAS on the permits when they are free (else a park in
 * the semaphore's queue), and one lock-free poll per block number.
 */
final class SemaphorePool implements BlockPool {
    private final Semaphore permits;
    private final ManyToManyConcurrentArrayQueue<Integer> free;
    private final boolean fair;
    private volatile boolean closed;

    SemaphorePool(final boolean fair, final int blocks) {
        this.fair = fair;
        this.permits = new Semaphore(blocks, fair);
        this.free = new ManyToManyConcurrentArrayQueue<>(blocks);
        for (int b = 0; b < blocks; b++) {
            free.offer(b);
        }
    }

    @Override
    public String name() {
        return fair ? "semaphore-fair" : "semaphore";
    }

    @Override
    public int acquire(final int need, final int[] out, final Random random, final double needMet)
        throws InterruptedException {
        if (!(fair ? permits.tryAcquire(need, 0, TimeUnit.NANOSECONDS) : permits.tryAcquire(need))) {
            permits.acquire(need);
            if (closed) {
                permits.release(need);
                return CLOSED;
            }
            if (random.nextDouble() < needMet) {
                permits.release(need);
                return NEED_MET;
            }
        }
        for (int i = 0; i < need; i++) {
            Integer b;
            while ((b = free.poll()) == null) {
                if (closed) {
                    giveBack(out, i);
                    return CLOSED;
                }
                Thread.onSpinWait();
            }
            out[i] = b;
        }
        return need;
    }

    @Override
    public void release(final int[] blocks, final int n) {
        giveBack(blocks, n);
        permits.release(n);
    }

    /** Puts block numbers back; an offer can fail while a poller that claimed a slot has not finished reading it. */
    private void giveBack(final int[] blocks, final int n) {
        for (int i = 0; i < n; i++) {
            while (!free.offer(blocks[i])) {
                Thread.onSpinWait();
            }
        }
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
