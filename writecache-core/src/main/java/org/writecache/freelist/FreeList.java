package org.writecache.freelist;

import org.agrona.concurrent.NanoClock;
import org.writecache.WaitPolicy;

/**
 * The free cache blocks and the writers waiting for them.
 *
 * <p>Protocol for a writer (the cache engine) that needs {@code n} blocks, holding its own lock:
 * <ol>
 *   <li>{@link #tryAllocate} takes them if enough are free;</li>
 *   <li>otherwise {@link #allocate} with a {@link Waiter} re-checks and queues it, <em>before</em> the caller drops
 *       its lock, so a free that happens in between is never missed;</li>
 *   <li>the caller drops its lock and calls {@link #await}, then retakes its lock, looks its request up again (it
 *       may need fewer blocks now, or none) and goes back to step 2;</li>
 *   <li>whatever way it leaves, it calls {@link #endWait}: blocks handed to it and not used go back, and a waiter
 *       that was woken but consumed nothing lets the policy pass the wakeup on.</li>
 * </ol>
 * Which waiter is woken on a free is the {@link WaitStrategy}'s business. Thread safe: every method synchronizes on
 * this object, and no method calls out while holding it except to the {@link Parker}'s unpark.
 *
 * <p>It also records how writers waited ({@link #waitStats()}, JFR events {@code org.writecache.FreeListWait} and
 * {@code org.writecache.FreeListBlip}): a woken waiter is <em>promised</em> what it still needs until it comes back,
 * and the list is <em>stranded</em> while the shared blocks minus those promised would cover a parked waiter's need.
 */
public final class FreeList {
    private final int[] stack;
    private int top;
    private final WaitStrategy strategy;
    private final Parker parker;
    private final NanoClock clock;
    private Waiter head;
    private Waiter tail;
    private int queued;
    private boolean closed;
    /** Blocks promised to woken waiters that have not come back yet (sum of their {@link Waiter#promise}). */
    private int promised;
    private final WaitRecorder stats;

    /**
     * @param capacity the number of cache blocks.
     * @param policy   the wake-up policy.
     * @param parker   how waiters sleep.
     * @param clock    the clock for wait deadlines.
     */
    public FreeList(final int capacity, final WaitPolicy policy, final Parker parker, final NanoClock clock) {
        this.stack = new int[capacity];
        this.strategy = switch (policy) {
            case SWAIT -> new Swait();
            case EXCLUSIVE -> new Exclusive();
            case WAKE_ALL -> new WakeAll();
            case DIRECT -> new DirectHandoff();
        };
        this.parker = parker;
        this.clock = clock;
        this.stats = new WaitRecorder(policy, clock);
    }

    /** @return a waiter for the calling thread. */
    public Waiter newWaiter() {
        return new Waiter(Thread.currentThread());
    }

    /** @return bytes of heap per cache block. */
    public static int bytesPerBlock() {
        return Integer.BYTES;
    }

    /** @return the number of blocks on the shared list. */
    public synchronized int available() {
        return top;
    }

    /** @return the number of queued waiters. */
    public synchronized int waiters() {
        return queued;
    }

    /** @return how writers have waited so far. */
    public synchronized WaitStats waitStats() {
        return stats.snapshot(queued);
    }

    /** Zeroes the wait statistics (an open stranded interval restarts now). */
    public synchronized void clearWaitStats() {
        stats.reset();
    }

    /** Puts {@code block} on the list without waking anyone: for building the list at open. */
    public synchronized void add(final int block) {
        pushLocked(block);
    }

    /** Puts the first {@code count} blocks of {@code blocks} on the list without waking anyone (open). */
    public synchronized void addAll(final int[] blocks, final int count) {
        System.arraycopy(blocks, 0, stack, top, count);
        top += count;
    }

    /** Takes {@code n} blocks into {@code out} if that many are free, else takes nothing and returns false. */
    public synchronized boolean tryAllocate(final int n, final int[] out) {
        if (top < n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            out[i] = stack[--top];
        }
        return true;
    }

    /**
     * Takes {@code n} blocks into {@code out}, using blocks handed to {@code w} first. If too few are available, takes
     * nothing, queues {@code w} (wanting {@code n}) and returns false; the caller then drops its lock and awaits.
     */
    public synchronized boolean allocate(final int n, final Waiter w, final int[] out) {
        if (w.grantedCount + top >= n) {
            int k = 0;
            while (k < n && w.grantedCount > 0) {
                out[k++] = w.granted[--w.grantedCount];
            }
            while (k < n) {
                out[k++] = stack[--top];
            }
            dequeue(w);
            clearSignal(w);
            returnGranted(w);
            stats.endWait(w, true);
            updateStranded();
            return true;
        }
        if (w.signalled) {
            clearSignal(w);
            stats.futile();
            strategy.onWokenNotConsumed(this);
        }
        w.needed = n;
        if (!w.waiting) {
            stats.beginWait(w);
        }
        if (!w.queued) {
            enqueue(w);
            strategy.onQueued(this, w);
        }
        updateStranded();
        return false;
    }

    /**
     * Parks until {@code w} is woken, the deadline passes, or the list is closed.
     *
     * @param deadlineNanos a {@link NanoClock} time, or 0 for no deadline.
     * @return false if the deadline passed first.
     * @throws InterruptedException if the thread is interrupted while waiting.
     */
    public boolean await(final Waiter w, final long deadlineNanos) throws InterruptedException {
        while (!w.signalled) {
            if (isClosed()) {
                return true;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for a free cache block");
            }
            long timeout = 0;
            if (deadlineNanos != 0) {
                timeout = deadlineNanos - clock.nanoTime();
                if (timeout <= 0) {
                    return false;
                }
            }
            parker.park(w, timeout);
        }
        return true;
    }

    /**
     * Ends {@code w}'s wait, whatever the reason. Idempotent; {@code null} is ignored.
     */
    public synchronized void endWait(final Waiter w) {
        if (w == null) {
            return;
        }
        dequeue(w);
        returnGranted(w);
        if (w.signalled) {
            clearSignal(w);
            stats.futile();
            strategy.onWokenNotConsumed(this);
        }
        stats.endWait(w, false);
        updateStranded();
    }

    /** Frees {@code block}: the policy hands it on or puts it on the list, and wakes whom it wakes. */
    public synchronized void release(final int block) {
        strategy.onFree(this, block);
        updateStranded();
    }

    /** Frees {@code count} blocks of {@code blocks}. */
    public synchronized void release(final int[] blocks, final int count) {
        for (int i = 0; i < count; i++) {
            strategy.onFree(this, blocks[i]);
        }
        updateStranded();
    }

    /** Wakes every waiter for good: they find the cache closed when they retake the engine lock. */
    public synchronized void close() {
        closed = true;
        while (head != null) {
            wake(head);
        }
        updateStranded();
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    // ---- for strategies, monitor held ----

    void pushLocked(final int block) {
        stack[top++] = block;
    }

    int popLocked() {
        return stack[--top];
    }

    /** @return the number of blocks on the shared list. */
    int sharedLocked() {
        return top;
    }

    Waiter firstWaiter() {
        return head;
    }

    /** @return the oldest queued waiter whose outstanding need the unpromised shared blocks cover, or null. */
    Waiter firstSatisfiable() {
        final int spare = top - promised;
        for (Waiter q = head; q != null && spare > 0; q = q.next) {
            if (q.needed - q.grantedCount <= spare) {
                return q;
            }
        }
        return null;
    }

    /** Dequeues {@code w}, marks it signalled (promising it what it still needs) and unparks it. */
    void wake(final Waiter w) {
        dequeue(w);
        if (!w.signalled) {
            w.promise = Math.max(0, w.needed - w.grantedCount);
            promised += w.promise;
            stats.woken(w);
        }
        w.signalled = true;
        parker.unpark(w);
    }

    private void clearSignal(final Waiter w) {
        w.signalled = false;
        promised -= w.promise;
        w.promise = 0;
    }

    /** Stranded: a parked waiter whose outstanding need the unpromised shared blocks would cover. */
    private void updateStranded() {
        final int spare = top - promised;
        boolean now = false;
        if (spare > 0 && !closed) {
            for (Waiter q = head; q != null; q = q.next) {
                if (q.needed - q.grantedCount <= spare) {
                    now = true;
                    break;
                }
            }
        }
        stats.stranded(now, spare, queued);
    }

    private void returnGranted(final Waiter w) {
        while (w.grantedCount > 0) {
            strategy.onFree(this, w.granted[--w.grantedCount]);
        }
    }

    private void enqueue(final Waiter w) {
        w.queued = true;
        w.prev = tail;
        w.next = null;
        if (tail != null) {
            tail.next = w;
        } else {
            head = w;
        }
        tail = w;
        queued++;
    }

    private void dequeue(final Waiter w) {
        if (!w.queued) {
            return;
        }
        if (w.prev != null) {
            w.prev.next = w.next;
        } else {
            head = w.next;
        }
        if (w.next != null) {
            w.next.prev = w.prev;
        } else {
            tail = w.prev;
        }
        w.prev = null;
        w.next = null;
        w.queued = false;
        queued--;
    }
}
