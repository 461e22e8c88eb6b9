package org.writecache.bench.wakeup;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.writecache.freelist.WaitStats;

/**
 * Runs one point: {@code writers} threads take blocks from a pool ({@code 1} to {@code maxNeed} per allocation,
 * uniformly) and hand them to a writeback-like releaser thread, which returns up to {@value #BATCH} at a time in one
 * call after spinning {@code writebackNanos} per batch (a device write). Writers measure their own allocation wait;
 * CPU time comes from {@link ThreadMXBean}.
 */
final class Shootout {
    private static final int BATCH = 16;
    private final BlockPool pool;
    private final int writers;
    private final int blocks;
    private final int maxNeed;
    private final long warmupNanos;
    private final long measureNanos;
    private final long writebackNanos;
    private final double needMet;
    private final long seed;
    private volatile boolean measuring;
    private volatile boolean stopWriters;
    private volatile boolean stopReleaser;

    Shootout(final BlockPool pool, final int writers, final int blocks, final int maxNeed, final long warmupNanos,
             final long measureNanos, final long writebackNanos, final double needMet, final long seed) {
        this.pool = pool;
        this.writers = writers;
        this.blocks = blocks;
        this.maxNeed = maxNeed;
        this.warmupNanos = warmupNanos;
        this.measureNanos = measureNanos;
        this.writebackNanos = writebackNanos;
        this.needMet = needMet;
        this.seed = seed;
    }

    Result run() throws InterruptedException {
        final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        final ManyToOneConcurrentArrayQueue<Integer> dirty = new ManyToOneConcurrentArrayQueue<>(blocks + 1);
        final Histogram[] waits = new Histogram[writers];
        final long[] allocations = new long[writers];
        final long[] needMets = new long[writers];
        final CountDownLatch started = new CountDownLatch(writers + 1);
        final List<Thread> threads = new ArrayList<>();
        final Thread releaser = Thread.ofPlatform().name("releaser").start(() -> {
            started.countDown();
            final IdleStrategy idle = new BackoffIdleStrategy();
            final int[] batch = new int[BATCH];
            while (!stopReleaser) {
                int n = 0;
                Integer b;
                while (n < BATCH && (b = dirty.poll()) != null) {
                    batch[n++] = b;
                }
                if (n == 0) {
                    idle.idle();
                    continue;
                }
                idle.reset();
                final long until = System.nanoTime() + writebackNanos;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                pool.release(batch, n);
            }
        });
        for (int i = 0; i < writers; i++) {
            final int id = i;
            waits[i] = new Histogram(3);
            threads.add(Thread.ofPlatform().name("writer-" + i).start(() -> {
                final Random random = new Random(seed + id);
                final int[] out = new int[maxNeed];
                started.countDown();
                try {
                    while (!stopWriters) {
                        final int need = maxNeed == 1 ? 1 : 1 + random.nextInt(maxNeed);
                        final long t0 = System.nanoTime();
                        final int got = pool.acquire(need, out, random, needMet);
                        if (got == BlockPool.CLOSED) {
                            return;
                        }
                        if (measuring) {
                            waits[id].recordValue(System.nanoTime() - t0);
                            if (got == BlockPool.NEED_MET) {
                                needMets[id]++;
                            } else {
                                allocations[id]++;
                            }
                        }
                        for (int k = 0; k < got; k++) {
                            while (!dirty.offer(out[k])) {
                                Thread.onSpinWait();
                            }
                        }
                    }
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        threads.add(releaser);
        started.await();
        TimeUnit.NANOSECONDS.sleep(warmupNanos);
        pool.startMeasuring();
        final long cpu0 = cpu(mx, threads);
        final long t0 = System.nanoTime();
        measuring = true;
        TimeUnit.NANOSECONDS.sleep(measureNanos);
        measuring = false;
        final long elapsed = System.nanoTime() - t0;
        final long cpu = cpu(mx, threads) - cpu0;
        final WaitStats stats = pool.waitStats();
        stopWriters = true;
        int stuck = 0;
        final long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        for (final Thread t : threads.subList(0, writers)) {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(settle - System.nanoTime())));
            if (t.isAlive()) {
                stuck++;
            }
        }
        pool.close();
        stopReleaser = true;
        for (final Thread t : threads) {
            t.join();
        }
        final Histogram all = new Histogram(3);
        long allocs = 0;
        long met = 0;
        for (int i = 0; i < writers; i++) {
            all.add(waits[i]);
            allocs += allocations[i];
            met += needMets[i];
        }
        final double seconds = elapsed / 1e9;
        return new Result(pool.name(), writers, maxNeed, seconds, allocs, met, all.getValueAtPercentile(50),
            all.getValueAtPercentile(99), all.getValueAtPercentile(99.9), all.getMaxValue(), allocs / seconds,
            allocs == 0 ? 0 : (double) cpu / allocs,
            stats == null ? -1 : stats.wakeups(), stats == null ? -1 : stats.futileWakeups(),
            stats == null ? -1 : stats.strandedNanos(), stats == null ? -1 : stats.longestBlipNanos(), stuck);
    }

    private static long cpu(final ThreadMXBean mx, final List<Thread> threads) {
        long sum = 0;
        for (final Thread t : threads) {
            final long c = mx.getThreadCpuTime(t.threadId());
            if (c > 0) {
                sum += c;
            }
        }
        return sum;
    }
}
