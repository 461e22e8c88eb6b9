package org.writecache.freelist;

import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.writecache.WaitPolicy;

/**
 * A freelist of one block used the way the cache engine uses it, for model checking. Each operation is a writer:
 * {@link #writeX} writes device block X (once X is cached its need is met: it overwrites in place and consumes
 * nothing), {@link #writeY} always needs a block, {@link #cancel} queues and gives up as soon as it is woken. A writer
 * that got a block hands it to writeback, which frees it at once, so every wait has a free coming. Blocks must never be
 * handed out twice, and after every scenario every block is free and nobody waits; a lost wakeup shows up as a writer
 * that never returns.
 */
public abstract class FreeListModel {
    private static final int CAPACITY = 1;
    private final FreeList list;
    private final boolean[] held = new boolean[CAPACITY];
    /** Stands for the cache engine's lock: the need check and the allocation happen under it. */
    private final Object engine = new Object();
    private boolean xCached;

    FreeListModel(final WaitPolicy policy) {
        list = new FreeList(CAPACITY, policy, new MonitorParker(), () -> 0L);
        for (int b = 0; b < CAPACITY; b++) {
            list.add(b);
        }
    }

    @Operation
    public void writeX() throws InterruptedException {
        write(true);
    }

    @Operation
    public void writeY() throws InterruptedException {
        write(false);
    }

    @Operation
    public void cancel() throws InterruptedException {
        final int[] out = new int[1];
        final Waiter w;
        synchronized (engine) {
            if (list.tryAllocate(1, out)) {
                take(out[0]);
                free(out[0]);
                return;
            }
            w = list.newWaiter();
            if (list.allocate(1, w, out)) {
                list.endWait(w);
                take(out[0]);
                free(out[0]);
                return;
            }
        }
        try {
            list.await(w, 0);
        } finally {
            list.endWait(w);
        }
    }

    private void write(final boolean x) throws InterruptedException {
        final int[] out = new int[1];
        Waiter w = null;
        try {
            while (true) {
                synchronized (engine) {
                    if (x && xCached) {
                        return;
                    }
                    boolean got = w == null ? list.tryAllocate(1, out) : list.allocate(1, w, out);
                    if (!got && w == null) {
                        w = list.newWaiter();
                        got = list.allocate(1, w, out);
                    }
                    if (got) {
                        list.endWait(w);
                        w = null;
                        take(out[0]);
                        break;
                    }
                }
                list.await(w, 0);
            }
        } finally {
            list.endWait(w);
        }
        synchronized (engine) {
            if (x) {
                xCached = true;
            }
            free(out[0]);
        }
    }

    private void take(final int b) {
        if (held[b]) {
            throw new IllegalStateException("block " + b + " handed out twice");
        }
        held[b] = true;
    }

    private void free(final int b) {
        held[b] = false;
        list.release(b);
    }

    @Validate
    public void everyBlockFreeAndNobodyWaiting() {
        if (list.available() != CAPACITY || list.waiters() != 0) {
            throw new IllegalStateException(list.available() + " of " + CAPACITY + " blocks free, "
                + list.waiters() + " waiters after the scenario");
        }
    }
}
