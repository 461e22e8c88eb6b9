package org.writecache;

import org.writecache.pmem.EnumNames;

/**
 * How writers that find the freelist empty are woken when writeback frees blocks. Selected with the
 * {@code freelist.wait} setting.
 *
 * <p>Wake-one is correct only under one rule: every woken waiter either consumes the block it was woken for or wakes
 * the next waiter. A writer can fail to consume in several ways: on waking it looks its device blocks up again and may
 * find them cached and uncommitted (another writer put them there, so it overwrites in place and needs nothing); it
 * may time out, be interrupted or see the cache close; it may need more blocks than were freed; or a newcomer that
 * never slept may take the block first. The policies differ in how they keep (or break) that rule.
 */
public enum WaitPolicy {
    /**
     * <strong>Unsafe, for measurement only.</strong> The 2018 dm-writecache rule: each free wakes the oldest waiter
     * and a woken waiter that does not consume passes nothing on, so a freed block can sit idle while another writer
     * sleeps until an unrelated free comes, or forever if traffic stops.
     */
    SWAIT("swait", false),
    /**
     * Wake one with pass-on: each free wakes the oldest waiter; a woken waiter that does not consume wakes the oldest
     * queued waiter the free blocks can serve. Correct because every path out of a wait reports to the freelist.
     */
    EXCLUSIVE("exclusive", true),
    /** Wake every waiter on each free; they race for the blocks. Correct without any rule; costs a thundering herd. */
    WAKE_ALL("wake-all", true),
    /**
     * Direct hand-off: the releaser puts the freed block straight into the oldest waiter's hand and unparks it once its
     * whole need is granted; blocks it no longer needs go to the next waiter. No re-check race and no barging; strict
     * FIFO, so a writer needing several blocks holds the head of the queue and smaller requests wait behind it.
     */
    DIRECT("direct", true);

    private final String label;
    private final boolean safe;

    WaitPolicy(final String label, final boolean safe) {
        this.label = label;
        this.safe = safe;
    }

    /** @return the name used in configuration, such as {@code wake-all}. */
    public String label() {
        return label;
    }

    /** @return false for a policy that can strand a waiter next to a free block ({@link #SWAIT}). */
    public boolean safe() {
        return safe;
    }

    /**
     * @return the policy whose label (or enum name) is {@code text}, ignoring case.
     * @throws IllegalArgumentException naming the bad value and the valid ones.
     */
    public static WaitPolicy parse(final String text) {
        return EnumNames.parse(WaitPolicy.class, "wait policy", text);
    }

    @Override
    public String toString() {
        return label;
    }
}
