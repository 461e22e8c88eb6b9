package org.writecache.freelist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.writecache.WaitPolicy;

/**
 * Many writers in bursts against a slow writeback releaser, the way the engine uses the freelist: a writer wants one or
 * two blocks for a key; if a block for its key is already cached its need is met and it takes nothing; some writers
 * give up after a short deadline. After every burst each block must be free exactly once and nobody may wait, and for
 * the correct policies no parked waiter may ever have sat next to free blocks that would serve it.
 */
class FreeListStressTest {
    private static final int CAPACITY = 8;
    private static final int WRITERS = 12;
    private static final int BURSTS = 12;
    private static final int OPS_PER_BURST = 40;
    private static final int KEYS = 48;
    private static final long WRITEBACK_NANOS_PER_BLOCK = 20_000;
    private static final long BURST_PATIENCE_SECONDS = 10;

    private record Dirty(int key, int[] blocks) {
    }

    private final Object engine = new Object();
    private final boolean[] cached = new boolean[KEYS];
    private final boolean[] held = new boolean[CAPACITY];
    private final LinkedBlockingQueue<Dirty> writeback = new LinkedBlockingQueue<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private int inFlight;

    @ParameterizedTest
    @EnumSource(value = WaitPolicy.class, names = "SWAIT", mode = EnumSource.Mode.EXCLUDE)
    void noBlockLostOrDuplicatedAndNoWaiterStranded(final WaitPolicy policy) throws Exception {
        final long seed = System.nanoTime();
        final String ctx = policy + ", seed " + seed;
        final FreeList list = new FreeList(CAPACITY, policy, Parker.LOCK_SUPPORT, new SystemNanoClock());
        for (int b = 0; b < CAPACITY; b++) {
            list.add(b);
        }
        final CyclicBarrier burst = new CyclicBarrier(WRITERS + 1);
        final Thread releaser = Thread.ofPlatform().daemon().name("writeback").start(() -> releaseLoop(list));
        final List<Thread> writers = new ArrayList<>();
        for (int i = 0; i < WRITERS; i++) {
            final Random random = new Random(seed + i);
            writers.add(Thread.ofPlatform().daemon().name("writer-" + i).start(() -> writerLoop(list, random, burst)));
        }
        try {
            for (int b = 0; b < BURSTS; b++) {
                try {
                    burst.await(BURST_PATIENCE_SECONDS, TimeUnit.SECONDS);
                    burst.await(BURST_PATIENCE_SECONDS, TimeUnit.SECONDS);
                } catch (final TimeoutException | BrokenBarrierException e) {
                    fail(ctx + ": burst " + b + " did not finish: a writer is stranded; " + list.waitStats()
                        + "; writer failure: " + failure.get());
                }
                awaitDrained(ctx);
                if (failure.get() != null) {
                    throw new AssertionError(ctx + ": " + failure.get(), failure.get());
                }
                assertEquals(CAPACITY, list.available(), ctx + ": every block is free after burst " + b);
                assertEquals(0, list.waiters(), ctx + ": nobody waits after burst " + b);
            }
        } finally {
            releaser.interrupt();
            writers.forEach(Thread::interrupt);
        }
        final WaitStats stats = list.waitStats();
        assertTrue(stats.waits() > 0, ctx + ": the run must make writers wait: " + stats);
        assertEquals(0, stats.blips(), ctx + ": no waiter stranded next to free blocks: " + stats);
    }

    private void writerLoop(final FreeList list, final Random random, final CyclicBarrier burst) {
        try {
            while (true) {
                burst.await();
                for (int op = 0; op < OPS_PER_BURST; op++) {
                    write(list, random.nextInt(KEYS), 1 + random.nextInt(2),
                        random.nextInt(10) == 0 ? 100_000 + random.nextInt(200_000) : 0);
                }
                burst.await();
            }
        } catch (final InterruptedException | BrokenBarrierException e) {
            Thread.currentThread().interrupt();
        } catch (final Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    /** The engine's write path in miniature. {@code timeoutNanos} 0 waits as long as it takes. */
    private void write(final FreeList list, final int key, final int count, final long timeoutNanos)
        throws InterruptedException {
        final int[] out = new int[count];
        final long deadline = timeoutNanos == 0 ? 0 : System.nanoTime() + timeoutNanos;
        Waiter w = null;
        try {
            while (true) {
                synchronized (engine) {
                    if (cached[key]) {
                        return;
                    }
                    boolean got = w == null ? list.tryAllocate(count, out) : list.allocate(count, w, out);
                    if (!got && w == null) {
                        w = list.newWaiter();
                        got = list.allocate(count, w, out);
                    }
                    if (got) {
                        list.endWait(w);
                        w = null;
                        for (final int b : out) {
                            if (held[b]) {
                                throw new IllegalStateException("block " + b + " handed out twice");
                            }
                            held[b] = true;
                        }
                        cached[key] = true;
                        inFlight += count;
                        writeback.add(new Dirty(key, out));
                        return;
                    }
                }
                if (!list.await(w, deadline)) {
                    return;
                }
            }
        } finally {
            list.endWait(w);
        }
    }

    private void releaseLoop(final FreeList list) {
        try {
            while (true) {
                final Dirty d = writeback.take();
                LockSupport.parkNanos(WRITEBACK_NANOS_PER_BLOCK * d.blocks().length);
                synchronized (engine) {
                    cached[d.key()] = false;
                    for (final int b : d.blocks()) {
                        if (!held[b]) {
                            throw new IllegalStateException("block " + b + " freed twice");
                        }
                        held[b] = false;
                    }
                    list.release(d.blocks(), d.blocks().length);
                    inFlight -= d.blocks().length;
                    engine.notifyAll();
                }
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (final Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    private void awaitDrained(final String ctx) throws InterruptedException {
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(BURST_PATIENCE_SECONDS);
        synchronized (engine) {
            while (inFlight > 0) {
                final long left = end - System.nanoTime();
                if (left <= 0) {
                    fail(ctx + ": writeback never drained: " + inFlight + " blocks in flight");
                }
                TimeUnit.NANOSECONDS.timedWait(engine, left);
            }
        }
    }
}
