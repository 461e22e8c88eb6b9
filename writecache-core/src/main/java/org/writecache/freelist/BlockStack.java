package org.writecache.freelist;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The shared free blocks: a lock-free stack (Treiber's) threaded through the blocks themselves, plus the freelist's
 * "someone is waiting" flag in the same word, so that one CAS both moves the stack and proves nobody queued meanwhile.
 *
 * <pre>
 * state (one long, CAS only):
 *   63            33  32  31                  0
 *   +---------------+---+---------------------+
 *   |    version    | W |  top block + 1      |   top 0: empty; W: waiters are queued
 *   +---------------+---+---------------------+
 *
 * links[b] for a block b on the stack:
 *   63                  32 31                  0
 *   +---------------------+---------------------+
 *   | depth (b and below) |  next block + 1     |
 *   +---------------------+---------------------+
 * </pre>
 *
 * Every successful CAS adds one to the 31-bit version, so a popper that read the top, was descheduled while others
 * popped and pushed it back, fails its CAS unless exactly 2^31 operations happened in between (the tag argument of
 * every array-based Treiber stack). The depth stored with each node makes {@link #size()} and the "enough for n?"
 * check O(1). Links are plain array elements: a writer stores them before the CAS that publishes them (a volatile
 * write), a reader loads them after reading the state (a volatile read); a racy load of a link that is being rewritten
 * returns some earlier or later link, and the CAS that follows fails because the version moved.
 *
 * <p>The flag: while it is set, pushes fail here and go through the freelist's lock, where the wait policy decides
 * where a freed block goes. Pops may ignore it (policies that let newcomers barge) or respect it (direct hand-off).
 */
final class BlockStack {
    /** {@link #pop} took the blocks. */
    static final int TAKEN = 0;
    /** {@link #pop} found fewer blocks than asked for and took none. */
    static final int SHORT = 1;
    /** {@link #pop} respected the waiting flag, which was set, and took none. */
    static final int WAITERS = 2;

    private static final long TOP = 0xFFFF_FFFFL;
    private static final long WAITING = 1L << 32;
    private static final long VERSION_ONE = 1L << 33;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(BlockStack.class, "state", long.class);
        } catch (final ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long[] links;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile long state;

    BlockStack(final int capacity) {
        this.links = new long[capacity];
    }

    /** @return the blocks on the stack now (a snapshot that may be stale when it returns). */
    int size() {
        final int top = (int) (state & TOP);
        return top == 0 ? 0 : depth(links[top - 1]);
    }

    /** @return true if the waiting flag is set. */
    boolean waiting() {
        return (state & WAITING) != 0;
    }

    /**
     * Pops {@code n >= 1} blocks into {@code out[0..n)}, all or none.
     *
     * @param respectWaiters take nothing while the waiting flag is set.
     * @return {@link #TAKEN}, {@link #SHORT} or {@link #WAITERS}.
     */
    int pop(final int n, final int[] out, final boolean respectWaiters) {
        while (true) {
            final long s = (long) STATE.getVolatile(this);
            if (respectWaiters && (s & WAITING) != 0) {
                return WAITERS;
            }
            int next = (int) (s & TOP);
            if (next == 0 || depth(links[next - 1]) < n) {
                return SHORT;
            }
            int i = 0;
            while (i < n && next != 0) {
                final int b = next - 1;
                out[i++] = b;
                next = (int) (links[b] & TOP);
            }
            if (i == n && STATE.compareAndSet(this, s, bump(s) | next)) {
                return TAKEN;
            }
        }
    }

    /**
     * Pushes {@code block}.
     *
     * @param respectWaiters push nothing while the waiting flag is set.
     * @return false if the flag was set and respected.
     */
    boolean push(final int block, final boolean respectWaiters) {
        while (true) {
            final long s = (long) STATE.getVolatile(this);
            if (respectWaiters && (s & WAITING) != 0) {
                return false;
            }
            final int top = (int) (s & TOP);
            links[block] = link(top == 0 ? 1 : depth(links[top - 1]) + 1, top);
            if (STATE.compareAndSet(this, s, bump(s) | (block + 1))) {
                return true;
            }
        }
    }

    /** Pushes {@code blocks[0..n)} with one CAS; @return false if the waiting flag was set and respected. */
    boolean pushAll(final int[] blocks, final int n, final boolean respectWaiters) {
        if (n == 0) {
            return true;
        }
        while (true) {
            final long s = (long) STATE.getVolatile(this);
            if (respectWaiters && (s & WAITING) != 0) {
                return false;
            }
            int below = (int) (s & TOP);
            int depth = below == 0 ? 0 : depth(links[below - 1]);
            for (int i = 0; i < n; i++) {
                links[blocks[i]] = link(++depth, below);
                below = blocks[i] + 1;
            }
            if (STATE.compareAndSet(this, s, bump(s) | below)) {
                return true;
            }
        }
    }

    /** Sets or clears the waiting flag. */
    void setWaiting(final boolean on) {
        while (true) {
            final long s = (long) STATE.getVolatile(this);
            final long flagged = on ? s | WAITING : s & ~WAITING;
            if (STATE.compareAndSet(this, s, bump(flagged) | (s & TOP))) {
                return;
            }
        }
    }

    /** Calls {@code visitor} with each block on the stack, top first; only while nothing else changes the stack. */
    void forEach(final java.util.function.IntConsumer visitor) {
        for (int next = (int) (state & TOP); next != 0; next = (int) (links[next - 1] & TOP)) {
            visitor.accept(next - 1);
        }
    }

    /** @return {@code s} with its version advanced and its top cleared. */
    private static long bump(final long s) {
        return (s & ~TOP) + VERSION_ONE;
    }

    private static long link(final int depth, final int next) {
        return ((long) depth << 32) | (next & TOP);
    }

    private static int depth(final long link) {
        return (int) (link >>> 32);
    }
}
