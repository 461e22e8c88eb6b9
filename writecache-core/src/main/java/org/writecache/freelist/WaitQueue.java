package org.writecache.freelist;

/**
 * The queued waiters, oldest first, with what the policies and the stranded check ask of them in O(1): how many
 * wait with each outstanding need (need minus blocks in hand; needs are bounded by the engine's chunk, 32), the
 * smallest such need, and the blocks held in queued waiters' hands. Guarded by the freelist's lock.
 */
final class WaitQueue {
    /** Outstanding needs from 0 to 63 have a bucket each; larger ones share the last. */
    private static final int BUCKETS = 64;

    private Waiter head;
    private Waiter tail;
    private int size;
    private long nextTicket;
    private final int[] byNeed = new int[BUCKETS + 1];
    /** Bit k set iff bucket k (k < 64) is not empty. */
    private long needMask;
    /** Blocks in the hands of queued waiters. */
    private int held;

    Waiter head() {
        return head;
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** @return blocks in the hands of queued waiters other than the head: idle, since only the head is filled. */
    int heldBehindHead() {
        return head == null ? 0 : held - head.grantedCount;
    }

    /** Starts a new wait episode for {@code w}: it gets the next ticket. */
    void admit(final Waiter w) {
        w.ticket = nextTicket++;
    }

    /** Appends {@code w} at the tail. */
    void addLast(final Waiter w) {
        link(w, tail, null);
    }

    /** Inserts {@code w} before the first queued waiter that arrived after it (its place by ticket). */
    void addInArrivalOrder(final Waiter w) {
        Waiter after = head;
        while (after != null && after.ticket < w.ticket) {
            after = after.next;
        }
        link(w, after == null ? tail : after.prev, after);
    }

    void remove(final Waiter w) {
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
        size--;
        held -= w.grantedCount;
        unbucket(w.outstanding());
    }

    /** Sets a queued waiter's need. */
    void need(final Waiter w, final int n) {
        unbucket(w.outstanding());
        w.needed = n;
        bucket(w.outstanding());
    }

    /** Puts {@code block} into queued {@code w}'s hand. */
    void grant(final Waiter w, final int block) {
        unbucket(w.outstanding());
        w.grant(block);
        held++;
        bucket(w.outstanding());
    }

    /** Moves up to {@code max} blocks from queued {@code from}'s hand into queued {@code to}'s. */
    void moveHand(final Waiter from, final Waiter to, final int max) {
        for (int i = 0; i < max && from.grantedCount > 0; i++) {
            unbucket(from.outstanding());
            final int b = from.granted[--from.grantedCount];
            bucket(from.outstanding());
            held--;
            grant(to, b);
        }
    }

    /** @return the smallest outstanding need of a queued waiter, or {@link Integer#MAX_VALUE} if none waits. */
    int minOutstanding() {
        if (needMask != 0) {
            return Long.numberOfTrailingZeros(needMask);
        }
        if (byNeed[BUCKETS] == 0) {
            return Integer.MAX_VALUE;
        }
        int min = Integer.MAX_VALUE;
        for (Waiter q = head; q != null; q = q.next) {
            min = Math.min(min, q.outstanding());
        }
        return min;
    }

    /** @return the oldest queued waiter whose outstanding need {@code spare} blocks cover, or null. */
    Waiter firstCoveredBy(final int spare) {
        if (minOutstanding() > spare) {
            return null;
        }
        for (Waiter q = head; q != null; q = q.next) {
            if (q.outstanding() <= spare) {
                return q;
            }
        }
        return null;
    }

    private void link(final Waiter w, final Waiter prev, final Waiter next) {
        w.prev = prev;
        w.next = next;
        if (prev != null) {
            prev.next = w;
        } else {
            head = w;
        }
        if (next != null) {
            next.prev = w;
        } else {
            tail = w;
        }
        w.queued = true;
        size++;
        held += w.grantedCount;
        bucket(w.outstanding());
    }

    private void bucket(final int need) {
        if (need >= BUCKETS) {
            byNeed[BUCKETS]++;
        } else if (byNeed[need]++ == 0) {
            needMask |= 1L << need;
        }
    }

    private void unbucket(final int need) {
        if (need >= BUCKETS) {
            byNeed[BUCKETS]--;
        } else if (--byNeed[need] == 0) {
            needMask &= ~(1L << need);
        }
    }
}
