package org.writecache.freelist;

import java.util.BitSet;
import java.util.function.IntConsumer;

/**
 * Looks inside a {@link FreeList} for tests in other packages, while nothing else runs: the explorer's checks when
 * every actor is parked, and the planting of today's known bugs as negative controls.
 */
public final class FreeListProbe {
    /** Variants of policies with a known bug, which the explorer must catch. */
    public enum Planted {
        /** Direct hand-off as it was: a woken writer whose need grew queues again at the tail, keeping its hand. */
        DIRECT_REQUEUE_KEEPS_HAND,
        /** Exclusive as it was: a woken writer that takes part of its promise passes the rest on to nobody. */
        EXCLUSIVE_PARTIAL_PROMISE_LOST
    }

    private FreeListProbe() {
    }

    /** @return a freelist under a planted variant, recording statistics. */
    public static FreeList planted(final Planted p, final int capacity, final Parker parker,
                                   final org.agrona.concurrent.NanoClock clock) {
        return new FreeList(capacity, policyOf(p), strategyOf(p), parker, clock, true);
    }

    /** Swaps {@code list}'s strategy for the planted variant, before anyone waits (a freelist built by the engine). */
    public static void plant(final FreeList list, final Planted p) {
        list.replaceStrategy(strategyOf(p));
    }

    private static org.writecache.WaitPolicy policyOf(final Planted p) {
        return p == Planted.DIRECT_REQUEUE_KEEPS_HAND ? org.writecache.WaitPolicy.DIRECT
            : org.writecache.WaitPolicy.EXCLUSIVE;
    }

    private static WaitStrategy strategyOf(final Planted p) {
        return switch (p) {
            case DIRECT_REQUEUE_KEEPS_HAND -> new PlantedDirect();
            case EXCLUSIVE_PARTIAL_PROMISE_LOST -> new PlantedExclusive();
        };
    }

    /**
     * The checks when every writer is parked: no parked waiter whose outstanding need the unpromised shared blocks
     * cover; no blocks in the hand of a parked waiter other than the head (the one the policy fills); the head not
     * left holding its whole need; and no promise outstanding, since nobody is woken.
     *
     * @throws AssertionError saying which.
     */
    public static void checkParked(final FreeList list) {
        final WaitQueue q = list.queue();
        final int spare = list.spare();
        if (list.promised() != 0) {
            throw new AssertionError(list.promised() + " blocks promised to woken waiters while every writer is parked");
        }
        for (Waiter w = q.head(); w != null; w = w.next) {
            if (w.outstanding() <= spare) {
                throw new AssertionError("lost wakeup: a parked waiter needs " + w.outstanding() + " more block(s) and "
                    + spare + " unpromised free block(s) sit on the shared list (" + describe(list) + ")");
            }
        }
        if (q.heldBehindHead() > 0) {
            throw new AssertionError(q.heldBehindHead() + " block(s) idle in the hands of parked waiters behind the "
                + "head (" + describe(list) + ")");
        }
    }

    /**
     * Every block of a freelist of {@code capacity} blocks, on the shared list, in a queued waiter's hand, or held
     * elsewhere as {@code elsewhere} reports, exactly once.
     *
     * @param elsewhere calls its argument with each block the caller knows to be outside the freelist.
     * @throws AssertionError naming a block seen twice or never.
     */
    public static void checkAccounting(final FreeList list, final int capacity,
                                       final java.util.function.Consumer<IntConsumer> elsewhere) {
        final BitSet seen = new BitSet(capacity);
        final IntConsumer once = b -> {
            if (b < 0 || b >= capacity || seen.get(b)) {
                throw new AssertionError("block " + b + " accounted for twice or out of range (" + describe(list) + ")");
            }
            seen.set(b);
        };
        list.forEachShared(once);
        for (Waiter w = list.queue().head(); w != null; w = w.next) {
            for (int i = 0; i < w.grantedCount; i++) {
                once.accept(w.granted[i]);
            }
        }
        elsewhere.accept(once);
        if (seen.cardinality() != capacity) {
            final BitSet missing = new BitSet(capacity);
            missing.set(0, capacity);
            missing.andNot(seen);
            throw new AssertionError("blocks lost: " + missing + " (" + describe(list) + ")");
        }
    }

    /** Calls {@code visitor} with each block in the freelist: shared, or in a queued waiter's hand. */
    public static void forEachFree(final FreeList list, final IntConsumer visitor) {
        list.forEachShared(visitor);
        for (Waiter w = list.queue().head(); w != null; w = w.next) {
            for (int i = 0; i < w.grantedCount; i++) {
                visitor.accept(w.granted[i]);
            }
        }
    }

    /** @return the queue and the shared list, for failure messages. */
    public static String describe(final FreeList list) {
        final StringBuilder sb = new StringBuilder("shared ").append(list.available()).append(", promised ")
            .append(list.promised()).append(", queue [");
        for (Waiter w = list.queue().head(); w != null; w = w.next) {
            sb.append(w.thread().getName()).append(" needs ").append(w.needed).append(" holds ").append(w.grantedCount)
                .append(w.next == null ? "" : "; ");
        }
        return sb.append(']').toString();
    }
}
