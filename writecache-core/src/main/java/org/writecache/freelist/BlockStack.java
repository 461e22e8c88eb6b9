package org.writecache.freelist;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.IntConsumer;

/**
 * The shared free blocks: an array stack of block numbers (4 bytes per cache block) under one state word that also
 * holds the freelist's "someone is waiting" flag, so that one CAS both moves the stack and proves nobody queued
 * meanwhile.
 *
 * <pre>
 * state (one long):
 *   63            33  32  31  30                0
 *   +---------------+---+---+-------------------+
 *   |    version    | P | W |        top        |   top: blocks on the stack, in slots[0..top)
 *   +---------------+---+---+-------------------+   W: waiters are queued;  P: a push is filling its slots
 * </pre>
 *
 * <p>Pop: read the state, copy {@code slots[top-n..top)}, CAS the state to {@code top - n}. Every change of the state
 * adds one to the 31-bit version, so the CAS fails if anything moved between the read and the CAS (unless exactly
 * 2^31 operations did), and the slots copied were the ones on the stack. Push: CAS the state to set P (reserving the
 * slots above top), store the blocks into them, then publish {@code top + n} with P clear by a release store; while P
 * is set nobody else changes the state, so that store needs no CAS. The slot stores happen before the release store,
 * and a popper reads the slots after a volatile read of the state: it sees them. A popper or pusher that finds P set
 * waits for the three-instruction window to close (spinning, then yielding), so pushes are serialized but short.
 *
 * <p>The flag: while it is set, pushes that respect it fail and go through the freelist's lock, where the wait policy
 * decides where a freed block goes. Pops may ignore it (policies that let newcomers barge) or respect it (direct
 * hand-off).
 */
final class BlockStack {
    /** {@link #pop} took the blocks. */
    static final int TAKEN = 0;
    /** {@link #pop} found fewer blocks than asked for and took none. */
    static final int SHORT = 1;
    /** {@link #pop} respected the waiting flag, which was set, and took none. */
    static final int WAITERS = 2;

    private static final long TOP = (1L << 31) - 1;
    private static final long WAITING = 1L << 31;
    private static final long PUSHING = 1L << 32;
    private static final long VERSION_ONE = 1L << 33;
    private static final int SPINS_BEFORE_YIELD = 64;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(BlockStack.class, "state", long.class);
        } catch (final ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int[] slots;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile long state;

    BlockStack(final int capacity) {
        this.slots = new int[capacity];
    }

    /** @return the blocks on the stack now. */
    int size() {
        return (int) (state & TOP);
    }

    /**
     * Pops {@code n >= 1} blocks into {@code out[0..n)}, all or none.
     *
     * @param respectWaiters take nothing while the waiting flag is set.
     * @return {@link #TAKEN}, {@link #SHORT} or {@link #WAITERS}.
     */
    int pop(final int n, final int[] out, final boolean respectWaiters) {
        while (true) {
            final long s = settled();
            if (respectWaiters && (s & WAITING) != 0) {
                return WAITERS;
            }
            final int top = (int) (s & TOP);
            if (top < n) {
                return SHORT;
            }
            for (int i = 0; i < n; i++) {
                out[i] = slots[top - 1 - i];
            }
            if (STATE.compareAndSet(this, s, next(s, top - n))) {
                return TAKEN;
            }
        }
    }

    /**
     * Pushes {@code blocks[0..n)}.
     *
     * @param respectWaiters push nothing while the waiting flag is set.
     * @return false if the flag was set and respected.
     */
    boolean push(final int[] blocks, final int n, final boolean respectWaiters) {
        if (n == 0) {
            return true;
        }
        final long reserved = reserve(respectWaiters);
        if (reserved == 0) {
            return false;
        }
        System.arraycopy(blocks, 0, slots, (int) (reserved & TOP), n);
        publish(reserved, n);
        return true;
    }

    /** Pushes one block; @return false if the waiting flag was set and respected. */
    boolean push(final int block, final boolean respectWaiters) {
        final long reserved = reserve(respectWaiters);
        if (reserved == 0) {
            return false;
        }
        slots[(int) (reserved & TOP)] = block;
        publish(reserved, 1);
        return true;
    }

    /** Sets P: @return the state it set (P is never 0), or 0 if the waiting flag was set and respected. */
    private long reserve(final boolean respectWaiters) {
        while (true) {
            final long s = settled();
            if (respectWaiters && (s & WAITING) != 0) {
                return 0;
            }
            final long reserved = next(s, (int) (s & TOP)) | PUSHING;
            if (STATE.compareAndSet(this, s, reserved)) {
                return reserved;
            }
        }
    }

    /** Clears P and publishes the {@code n} slots filled above the top that {@code reserved} holds. */
    private void publish(final long reserved, final int n) {
        STATE.setRelease(this, next(reserved & ~PUSHING, (int) (reserved & TOP) + n));
    }

    /** Sets or clears the waiting flag. */
    void setWaiting(final boolean on) {
        while (true) {
            final long s = settled();
            final long flagged = on ? s | WAITING : s & ~WAITING;
            if (STATE.compareAndSet(this, s, next(flagged, (int) (s & TOP)))) {
                return;
            }
        }
    }

    /** Calls {@code visitor} with each block on the stack; only while nothing else changes the stack. */
    void forEach(final IntConsumer visitor) {
        final int top = size();
        for (int i = 0; i < top; i++) {
            visitor.accept(slots[i]);
        }
    }

    /** @return {@code s} with its version advanced and its top set to {@code top}. */
    private static long next(final long s, final int top) {
        return ((s & ~TOP) + VERSION_ONE) | top;
    }

    /** @return the state once no push is filling its slots: spins a little, then yields, while one is. */
    private long settled() {
        for (int spins = 0; ; spins++) {
            final long s = (long) STATE.getVolatile(this);
            if ((s & PUSHING) == 0) {
                return s;
            }
            if (spins < SPINS_BEFORE_YIELD) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }
}
