package org.writecache.bench.wakeup;

import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;

import org.writecache.freelist.WaitStats;

/**
 * Peer: an {@link ArrayBlockingQueue} of free block numbers, taken one at a time. A writer whose need is met after
 * waiting puts back what it took.
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
    public int acquire(final int need, final int[] out, final Random random, final double needMet)
        throws InterruptedException {
        boolean waited = false;
        for (int i = 0; i < need; i++) {
            Integer b = free.poll();
            if (b == null) {
                waited = true;
                b = free.take();
            }
            if (b == POISON || closed) {
                if (b != POISON) {
                    free.add(b);
                }
                giveBack(out, i);
                free.offer(POISON);
                return CLOSED;
            }
            out[i] = b;
        }
        if (waited && random.nextDouble() < needMet) {
            giveBack(out, need);
            return NEED_MET;
        }
        return need;
    }

    private void giveBack(final int[] out, final int n) {
        for (int i = 0; i < n; i++) {
            free.add(out[i]);
        }
    }

    @Override
    public void release(final int[] blocks, final int n) {
        for (int i = 0; i < n; i++) {
            free.add(blocks[i]);
        }
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
