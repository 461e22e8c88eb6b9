package org.writecache.bench.wakeup;

import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;

import org.writecache.freelist.WaitStats;

/**
 * Peer: an {@link ArrayBlockingQueue} of free block numbers. A writer whose need is met after waiting takes the block
 * and puts it straight back.
 */
final class QueuePool implements BlockPool {
    private static final int POISON = Integer.MIN_VALUE;
    private final ArrayBlockingQueue<Integer> free;
    private volatile boolean closed;

    QueuePool(final int blocks) {
        free = new ArrayBlockingQueue<>(blocks + 1024);
        for (int b = 0; b < blocks; b++) {
            free.add(b);
        }
    }

    @Override
    public String name() {
        return "array-blocking-queue";
    }

    @Override
    public int acquire(final Random random, final double needMet) throws InterruptedException {
        final Integer polled = free.poll();
        if (polled != null) {
            return checked(polled);
        }
        final int b = checked(free.take());
        if (b >= 0 && random.nextDouble() < needMet) {
            free.add(b);
            return NEED_MET;
        }
        return b;
    }

    private int checked(final int b) {
        if (b == POISON || closed) {
            if (b != POISON) {
                free.add(b);
            }
            free.offer(POISON);
            return CLOSED;
        }
        return b;
    }

    @Override
    public void release(final int block) {
        free.add(block);
    }

    @Override
    public void close() {
        closed = true;
        free.offer(POISON);
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
