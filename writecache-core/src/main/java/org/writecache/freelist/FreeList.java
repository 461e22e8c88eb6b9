package org.writecache.freelist;

import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

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
 *       may need fewer blocks now, none, or more) and goes back to step 2;</li>
 *   <li>whatever way it leaves, it calls {@link #endWait}: blocks handed to it and not used go back, and a waiter
 *       that was woken but consumed nothing lets the policy pass the wakeup on.</li>
 * </ol>
 * Which waiter is woken on a free is the {@link WaitStrategy}'s business. Thread safe.
 *
 * <p>It also records how writers waited ({@link #waitStats()}, JFR events {@code org.writecache.FreeListWait} and
 * {@code org.writecache.FreeListBlip}) unless built with recording off: a woken waiter is <em>promised</em> what it
 * still needs until it comes back, and the list is <em>stranded</em> while the shared blocks minus those promised
 * would cover a queued waiter's need, or while blocks sit in the hand of a queued waiter that is not the one being
 * filled (only the direct hand-off policy puts blocks in hands, and only the head's).
 *
 * <h2>Implementation notes</h2>
 *
 * <p><b>Fast path.</b> The shared blocks are an array stack ({@link BlockStack}) whose single state word also holds
 * a "waiters queued" flag W. While W is clear, {@link #tryAllocate} pops with one CAS, as {@code Semaphore.tryAcquire}
 * does, and {@link #release} pushes with one CAS and one release store, as {@code Semaphore.release} does with its
 * CAS; a batch release pushes all its blocks the same way. No lock, no clock read, no statistics: nobody waits, so
 * there is nothing to observe.
 *
 * <p><b>Slow path.</b> Everything else runs under {@link #lock}: queueing a waiter, a release while W is set, a woken
 * waiter coming back, ending a wait, close. The lock guards the queue ({@link WaitQueue}), the waiters' hands and
 * promises, and W: W is set when the first waiter queues and cleared when the last leaves, both under the lock. The
 * policy runs only here. The waiters a critical section wakes are signalled at its end and unparked after the lock is
 * released, as a chain: the caller unparks the first, and each woken waiter unparks the next as soon as it sees its
 * own signal. So a release that frees 16 blocks to 16 waiters takes the lock once, unparks each waiter once, and
 * costs the releasing thread (writeback, the bottleneck) one unpark; and no woken thread runs into the lock its waker
 * still holds.
 *
 * <p><b>Why no wakeup is lost.</b> A release either pushes with a CAS that succeeds only if W was clear in the very
 * state it replaced, or it takes the lock and lets the policy see the block. A writer queues its waiter and sets W
 * under the lock and only then checks, still under the lock, whether the shared blocks (plus its hand) cover its
 * need; any push that completed before W was set is counted by that check, and any later one fails its CAS and goes
 * through the lock. So a free is never both invisible to the queued writer's check and unseen by the policy. A waiter
 * is woken by setting its volatile {@link Waiter#signalled} flag under the lock before unparking it; {@link #await}
 * tests the flag before every park, and {@link Parker}s keep a permit for an unpark that comes before the park.
 * Which woken waiter must pass what on is the policy's rule, checked by the schedule explorer in the tests.
 *
 * <p><b>Memory ordering.</b> The stack's slots are published by the release store of its state (see
 * {@link BlockStack}). A
 * waiter's hand, need and queue links are written under the lock; its owner reads them without the lock only after
 * reading {@code signalled == true}, which the waker wrote last (volatile write, volatile read). Under direct hand-off
 * a woken waiter whose hand holds exactly what it needs takes its blocks without the lock: nobody else touches a
 * waiter that is signalled and not queued.
 *
 * <p><b>Statistics.</b> O(1) per slow-path operation: the queue keeps per-need counts of its waiters and the blocks in
 * their hands, so "is a queued waiter covered by the unpromised free blocks, or are blocks idle in a hand?" is a
 * comparison, and the recorder reads the clock only when that answer flips. Wait times go into per-thread histograms
 * outside the lock ({@link HistogramWaitRecorder}); with recording off ({@link DisabledWaitRecorder}) even the check
 * is skipped.
 */
public final class FreeList {
    private final BlockStack stack;
    private final WaitPolicy policy;
    private WaitStrategy strategy;
    private final boolean barging;
    private final Parker parker;
    private final NanoClock clock;
    private final WaitRecorder recorder;

    private final ReentrantLock lock = new ReentrantLock();
    // ---- guarded by lock ----
    private final WaitQueue queue = new WaitQueue();
    /** Blocks promised to woken waiters that have not come back yet (sum of their {@link Waiter#promise}). */
    private int promised;
    private Waiter[] unparks = new Waiter[4];
    private int unparkCount;
    private final int[] scratch = new int[1];
    /** Written under the lock, read by {@link #await} without it. */
    private volatile boolean closed;

    /**
     * A freelist that records wait statistics.
     *
     * @param capacity the number of cache blocks.
     * @param policy   the wake-up policy.
     * @param parker   how waiters sleep.
     * @param clock    the clock for wait deadlines and statistics.
     */
    public FreeList(final int capacity, final WaitPolicy policy, final Parker parker, final NanoClock clock) {
        this(capacity, policy, parker, clock, true);
    }

    /**
     * @param capacity    the number of cache blocks.
     * @param policy      the wake-up policy.
     * @param parker      how waiters sleep.
     * @param clock       the clock for wait deadlines and statistics.
     * @param recordStats false records nothing: {@link #waitStats()} reports zeros (setting {@code freelist.stats}).
     */
    public FreeList(final int capacity, final WaitPolicy policy, final Parker parker, final NanoClock clock,
                    final boolean recordStats) {
        this(capacity, policy, strategyOf(policy), parker, clock, recordStats);
    }

    /** For tests: a freelist under any strategy, such as a planted variant of a policy. */
    FreeList(final int capacity, final WaitPolicy policy, final WaitStrategy strategy, final Parker parker,
             final NanoClock clock, final boolean recordStats) {
        this.stack = new BlockStack(capacity);
        this.policy = policy;
        this.strategy = strategy;
        this.barging = strategy.barging();
        this.parker = parker;
        this.clock = clock;
        this.recorder = recordStats ? new HistogramWaitRecorder(policy, clock) : new DisabledWaitRecorder(policy);
    }

    private static WaitStrategy strategyOf(final WaitPolicy policy) {
        return switch (policy) {
            case SWAIT -> new Swait();
            case EXCLUSIVE -> new Exclusive();
            case WAKE_ALL -> new WakeAll();
            case DIRECT -> new DirectHandoff();
        };
    }

    /**
     * For tests that plant a variant of a policy into a freelist built elsewhere (the engine's): swaps the strategy
     * for one with the same barging rule. Only before any writer waits.
     */
    void replaceStrategy(final WaitStrategy s) {
        if (s.barging() != barging) {
            throw new IllegalArgumentException("a planted strategy must keep the barging rule of " + policy);
        }
        lock.lock();
        try {
            if (!queue.isEmpty()) {
                throw new IllegalStateException("writers are waiting");
            }
            strategy = s;
        } finally {
            lock.unlock();
        }
    }

    /** @return a waiter for the calling thread. */
    public Waiter newWaiter() {
        return new Waiter(Thread.currentThread());
    }

    /** @return bytes of heap per cache block: one stack slot. */
    public static int bytesPerBlock() {
        return Integer.BYTES;
    }

    /** @return the number of blocks on the shared list (not counting blocks in waiters' hands). */
    public int available() {
        return stack.size();
    }

    /** @return the number of queued waiters. */
    public int waiters() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** @return how writers have waited so far. */
    public WaitStats waitStats() {
        final WaitRecorder.Tally tally;
        lock.lock();
        try {
            tally = recorder.tally(queue.size());
        } finally {
            lock.unlock();
        }
        return recorder.stats(tally);
    }

    /** Zeroes the wait statistics (an open stranded interval restarts now). */
    public void clearWaitStats() {
        lock.lock();
        try {
            recorder.resetTally();
        } finally {
            lock.unlock();
        }
        recorder.resetHistogram();
    }

    /** Puts {@code block} on the list without waking anyone: for building the list at open. */
    public void add(final int block) {
        stack.push(block, false);
    }

    /** Puts the first {@code count} blocks of {@code blocks} on the list without waking anyone (open). */
    public void addAll(final int[] blocks, final int count) {
        stack.push(blocks, count, false);
    }

    /** Takes {@code n} blocks into {@code out} if that many are free, else takes nothing and returns false. */
    public boolean tryAllocate(final int n, final int[] out) {
        return stack.pop(n, out, !barging) == BlockStack.TAKEN;
    }

    /**
     * Takes {@code n} blocks into {@code out}, using blocks handed to {@code w} first. If too few are available, takes
     * nothing, queues {@code w} (wanting {@code n}) and returns false; the caller then drops its lock and awaits.
     */
    public boolean allocate(final int n, final Waiter w, final int[] out) {
        if (!barging && w.signalled && w.promise == 0 && w.grantedCount == n) {
            return takeHandWithoutLock(n, w, out);
        }
        boolean began = false;
        final boolean took;
        final boolean woken;
        lock.lock();
        try {
            woken = w.signalled;
            if (woken) {
                clearSignal(w);
            }
            if (w.queued) {
                queue.need(w, n);
            } else {
                w.needed = n;
                if (w.active) {
                    strategy.requeue(this, w);
                } else {
                    began = true;
                    w.active = true;
                    w.wakeups = 0;
                    queue.admit(w);
                    queueLast(w);
                }
                strategy.onQueued(this, w);
            }
            took = takeIfCovered(n, w, out);
            if (woken) {
                if (!took) {
                    recorder.futile();
                }
                strategy.onWokenReturned(this, took);
            }
            if (took) {
                w.active = false;
            }
            checkStranded();
        } finally {
            unlockAndUnpark();
        }
        if (woken) {
            passChain(w);
        }
        if (took && !began) {
            recorder.ended(w, true);
        } else if (!took && began) {
            recorder.began(w);
        }
        return took;
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
            if (closed) {
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
        passChain(w);
        return true;
    }

    /** Ends {@code w}'s wait, whatever the reason. Idempotent; {@code null} is ignored. */
    public void endWait(final Waiter w) {
        if (w == null || !w.active) {
            return;
        }
        final boolean woken;
        lock.lock();
        try {
            woken = w.signalled;
            if (woken) {
                clearSignal(w);
            }
            dequeue(w);
            returnHand(w);
            if (woken) {
                recorder.futile();
                strategy.onWokenReturned(this, false);
            }
            w.active = false;
            checkStranded();
        } finally {
            unlockAndUnpark();
        }
        if (woken) {
            passChain(w);
        }
        recorder.ended(w, false);
    }

    /** Frees {@code block}: the policy hands it on or puts it on the list, and wakes whom it wakes. */
    public void release(final int block) {
        if (stack.push(block, true)) {
            return;
        }
        lock.lock();
        try {
            strategy.onFree(this, block);
            checkStranded();
        } finally {
            unlockAndUnpark();
        }
    }

    /** Frees {@code count} blocks of {@code blocks}, taking the lock at most once and unparking each waiter once. */
    public void release(final int[] blocks, final int count) {
        if (stack.push(blocks, count, true)) {
            return;
        }
        lock.lock();
        try {
            for (int i = 0; i < count; i++) {
                strategy.onFree(this, blocks[i]);
            }
            checkStranded();
        } finally {
            unlockAndUnpark();
        }
    }

    /** Wakes every waiter for good: they find the cache closed when they retake the engine lock. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            while (wakeHead()) {
                // Wake them all.
            }
            checkStranded();
        } finally {
            unlockAndUnpark();
        }
    }

    // ---- for strategies and tests; lock held ----

    /** Puts a block on the shared list. */
    void pushShared(final int block) {
        stack.push(block, false);
    }

    /** @return the blocks on the shared list minus those promised to woken waiters (may be negative). */
    int spare() {
        return stack.size() - promised;
    }

    Waiter head() {
        return queue.head();
    }

    /** Wakes the head of the queue; @return false if nobody was queued. */
    boolean wakeHead() {
        final Waiter h = queue.head();
        if (h == null) {
            return false;
        }
        wake(h);
        return true;
    }

    /**
     * Dequeues {@code w}, promises it what it still needs and schedules its signal and unpark for the end of the
     * critical section.
     */
    void wake(final Waiter w) {
        if (!w.queued) {
            return;
        }
        dequeue(w);
        w.promise = w.outstanding();
        promised += w.promise;
        w.wakeups++;
        recorder.woken(w);
        if (unparkCount == unparks.length) {
            unparks = Arrays.copyOf(unparks, unparkCount * 2);
        }
        unparks[unparkCount++] = w;
    }

    /** The pass-on rule: wakes the oldest queued waiters the unpromised shared blocks cover, as many as they cover. */
    void passOn() {
        for (Waiter q = queue.firstCoveredBy(spare()); q != null; q = queue.firstCoveredBy(spare())) {
            wake(q);
        }
    }

    /** Puts {@code block} into queued {@code w}'s hand. */
    void grant(final Waiter w, final int block) {
        queue.grant(w, block);
    }

    /** Moves blocks from queued {@code from}'s hand into queued {@code to}'s, up to what {@code to} still needs. */
    void moveHand(final Waiter from, final Waiter to) {
        queue.moveHand(from, to, to.outstanding());
    }

    /** Moves shared blocks into queued {@code w}'s hand, up to what it still needs. */
    void fillFromShared(final Waiter w) {
        while (w.outstanding() > 0 && stack.pop(1, scratch, false) == BlockStack.TAKEN) {
            queue.grant(w, scratch[0]);
        }
    }

    /** Gives back everything in {@code w}'s hand, block by block, through the policy; {@code w} must not be queued. */
    void returnHand(final Waiter w) {
        while (w.grantedCount > 0) {
            strategy.onFree(this, w.granted[--w.grantedCount]);
        }
    }

    /** Queues {@code w} at the tail. */
    void queueLast(final Waiter w) {
        queue.addLast(w);
        flagIfFirst();
    }

    /** Queues {@code w} in its arrival order among those waiting. */
    void queueInArrivalOrder(final Waiter w) {
        queue.addInArrivalOrder(w);
        flagIfFirst();
    }

    /** Visits the blocks on the shared list; for tests that account for every block, with nothing else running. */
    void forEachShared(final java.util.function.IntConsumer visitor) {
        stack.forEach(visitor);
    }

    /** @return the queue, for tests that inspect it with nothing else running. */
    WaitQueue queue() {
        return queue;
    }

    /** @return blocks promised to woken waiters, for tests. */
    int promised() {
        return promised;
    }

    // ---- internals; lock held ----

    private void flagIfFirst() {
        if (queue.size() == 1) {
            stack.setWaiting(true);
        }
    }

    private void dequeue(final Waiter w) {
        if (w.queued) {
            queue.remove(w);
            if (queue.isEmpty()) {
                stack.setWaiting(false);
            }
        }
    }

    private void clearSignal(final Waiter w) {
        w.signalled = false;
        promised -= w.promise;
        w.promise = 0;
    }

    /** Takes {@code n} blocks, hand first, if hand and shared list cover them; leftovers of the hand go back. */
    private boolean takeIfCovered(final int n, final Waiter w, final int[] out) {
        final int fromHand = Math.min(n, w.grantedCount);
        final int fromShared = n - fromHand;
        if (fromShared > 0 && stack.pop(fromShared, out, false) != BlockStack.TAKEN) {
            return false;
        }
        dequeue(w);
        for (int i = fromShared; i < n; i++) {
            out[i] = w.granted[--w.grantedCount];
        }
        returnHand(w);
        return true;
    }

    /** Direct hand-off's woken waiter whose hand holds exactly its need: nobody else touches it now. */
    private boolean takeHandWithoutLock(final int n, final Waiter w, final int[] out) {
        passChain(w);
        System.arraycopy(w.granted, 0, out, 0, n);
        w.grantedCount = 0;
        w.promise = 0;
        w.signalled = false;
        w.active = false;
        recorder.ended(w, true);
        return true;
    }

    private void checkStranded() {
        if (!recorder.enabled()) {
            return;
        }
        final int spare = spare();
        final boolean now = !closed && !queue.isEmpty()
            && (queue.minOutstanding() <= spare || queue.heldBehindHead() > 0);
        recorder.stranded(now, spare, queue.size());
    }

    /**
     * Signals the waiters woken in this critical section, releases the lock and unparks the first of them; each woken
     * waiter unparks the next when it sees its own signal ({@link #passChain}), so a release that wakes many costs
     * its caller one unpark and each waiter is unparked once.
     */
    private void unlockAndUnpark() {
        final int n = unparkCount;
        if (n == 0) {
            lock.unlock();
            return;
        }
        final Waiter first = unparks[0];
        for (int i = 0; i < n; i++) {
            final Waiter w = unparks[i];
            unparks[i] = null;
            w.chainNext = i + 1 < n ? unparks[i + 1] : null;
            w.signalled = true;
        }
        unparkCount = 0;
        lock.unlock();
        parker.unpark(first);
    }

    /** The owner of {@code w} saw its signal: unparks the next waiter woken with it. */
    private void passChain(final Waiter w) {
        final Waiter next = w.chainNext;
        if (next != null) {
            w.chainNext = null;
            parker.unpark(next);
        }
    }
}
