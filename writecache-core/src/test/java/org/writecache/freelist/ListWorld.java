package org.writecache.freelist;

import java.util.ArrayDeque;
import java.util.List;

/**
 * One run's world for exploring the freelist directly: writers that use it the way the cache engine does (under an
 * engine lock they look their need up, try, queue, then await outside it, and end the wait whatever happens), and a
 * writeback that holds every block a writer took until the environment frees it, one at a time, two at once or all
 * at once. A writer's need after each wake-up comes from its script, so needs shrink (met another way), grow (a
 * commit landed) or stay, as the explorer's choice when the script says so.
 */
final class ListWorld {
    /** One allocation a writer makes: its first need, its need after each wake-up, and its deadline (0: none). */
    record Op(int need, Relook relook, long timeoutNanos) {
    }

    /** Builds the freelist under test on the conductor's parker and clock. */
    @FunctionalInterface
    interface Maker {
        FreeList make(int capacity, Conductor c);
    }

    /** A writer's need after a wake-up. */
    @FunctionalInterface
    interface Relook {
        int need(int previous, ListWorld world);

        Relook SAME = (n, w) -> n;
        Relook MET_ELSEWHERE = (n, w) -> 0;

        /** @return grows by one each wake-up, up to {@code max}. */
        static Relook grows(final int max) {
            return (n, w) -> Math.min(max, n + 1);
        }

        /** @return shrinks by one each wake-up, down to {@code min}. */
        static Relook shrinks(final int min) {
            return (n, w) -> Math.max(min, n - 1);
        }

        /** @return the explorer chooses: the same need (default), one less, or one more up to {@code max}. */
        static Relook chosen(final int max) {
            return (n, w) -> {
                final int options = n < max ? 3 : 2;
                return switch (w.conductor.choose(options)) {
                    case 0 -> n;
                    case 1 -> n - 1;
                    default -> n + 1;
                };
            };
        }
    }

    final int capacity;
    final FreeList list;
    final Conductor conductor;
    private final Object engine = new Object();
    private final ArrayDeque<Integer> dirty = new ArrayDeque<>();
    private boolean closed;

    /**
     * A world whose blocks all start with the writeback (the cache is full) but {@code free} of them.
     *
     */
    ListWorld(final Conductor conductor, final int capacity, final int free, final Maker make) {
        this.conductor = conductor;
        this.capacity = capacity;
        this.list = make.make(capacity, conductor);
        for (int b = 0; b < capacity; b++) {
            if (b < free) {
                list.add(b);
            } else {
                dirty.add(b);
            }
        }
    }

    /** Adds a writer making {@code ops} in turn; with {@code reuse} it keeps one waiter for all of them. */
    void writer(final String name, final boolean reuse, final Op... ops) {
        conductor.actor(name, () -> {
            Waiter mine = null;
            for (final Op op : ops) {
                if (reuse && mine == null) {
                    mine = list.newWaiter();
                }
                write(op, mine);
            }
        });
    }

    /** Offers the environment steps: free the oldest block, two at once, all at once; and close. */
    void writebackSteps(final int singles, final int pairs, final int alls, final int closes) {
        conductor.step("free 1", singles, () -> !dirty.isEmpty(), () -> free(1));
        conductor.step("free 2 at once", pairs, () -> dirty.size() >= 2, () -> free(2));
        conductor.step("free all at once", alls, () -> dirty.size() >= 2, () -> free(dirty.size()));
        conductor.step("close", closes, () -> !closed, this::close);
    }

    /** The quiescent checks: no lost wakeup, no idle hand, every block once. */
    void check() {
        FreeListProbe.checkParked(list);
        FreeListProbe.checkAccounting(list, capacity, each -> dirty.forEach(each::accept));
    }

    /**
     * After the explored steps: writeback frees everything until every writer has finished (none may stay parked
     * once nothing is held), then the list closes and every block must be free.
     */
    void finish() throws Exception {
        final List<Conductor.Actor> stuck = conductor.settle(() -> free(dirty.size()) > 0);
        if (!stuck.isEmpty()) {
            throw new AssertionError("hang: " + stuck + " still parked after writeback freed every block ("
                + FreeListProbe.describe(list) + ")");
        }
        close();
        conductor.settle(() -> false);
        if (!dirty.isEmpty()) {
            free(dirty.size());
        }
        for (final Conductor.Actor a : conductor.actors()) {
            if (a.failure() != null) {
                throw new AssertionError(a + " failed: " + a.failure(), a.failure());
            }
        }
        check();
        if (list.available() != capacity || list.waiters() != 0) {
            throw new AssertionError("after the run " + FreeListProbe.describe(list));
        }
    }

    private int free(final int n) {
        final int[] blocks = new int[n];
        for (int i = 0; i < n; i++) {
            blocks[i] = dirty.poll();
        }
        if (n == 1) {
            list.release(blocks[0]);
        } else {
            list.release(blocks, n);
        }
        return n;
    }

    private void close() {
        synchronized (engine) {
            closed = true;
        }
        list.close();
    }

    /** The engine's write path in miniature: the same calls in the same order as {@code CacheEngine.writeChunk}. */
    private void write(final Op op, final Waiter reused) {
        final long deadline = op.timeoutNanos() == 0 ? 0 : conductor.nanoTime() + op.timeoutNanos();
        int need = op.need();
        boolean woke = false;
        Waiter waiter = null;
        try {
            while (true) {
                synchronized (engine) {
                    if (closed) {
                        return;
                    }
                    if (woke) {
                        need = op.relook().need(need, this);
                    }
                    if (need == 0) {
                        return;
                    }
                    final int[] out = new int[need];
                    boolean got = waiter == null ? list.tryAllocate(need, out) : list.allocate(need, waiter, out);
                    if (!got && waiter == null) {
                        waiter = reused != null ? reused : list.newWaiter();
                        got = list.allocate(need, waiter, out);
                    }
                    if (got) {
                        list.endWait(waiter);
                        waiter = null;
                        for (final int b : out) {
                            dirty.add(b);
                        }
                        return;
                    }
                }
                if (!list.await(waiter, deadline)) {
                    return;
                }
                woke = true;
            }
        } catch (final InterruptedException e) {
            // Gave up, as the engine does; the finally tells the freelist.
        } finally {
            list.endWait(waiter);
        }
    }
}
