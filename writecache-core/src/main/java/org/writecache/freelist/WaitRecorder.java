package org.writecache.freelist;

/**
 * Observes how writers wait: {@link HistogramWaitRecorder} records, {@link DisabledWaitRecorder} (the
 * {@code freelist.stats=false} setting) records nothing and costs nothing. Which calls run under the freelist's lock
 * is said per method; the per-episode calls run on the waiter's own thread outside the lock, so no histogram or JFR
 * work ever lengthens the critical section.
 */
interface WaitRecorder {
    /** @return false if nothing is recorded: the freelist then skips the stranded check too. */
    boolean enabled();

    /** {@code w}'s wait episode began (owner thread, outside the lock). */
    void began(Waiter w);

    /** {@code w}'s wait episode ended, with blocks taken or not (owner thread, outside the lock). */
    void ended(Waiter w, boolean consumed);

    /** {@code w} was woken (lock held). */
    void woken(Waiter w);

    /** A woken waiter came back and took nothing (lock held). */
    void futile();

    /**
     * Whether the freelist is stranded now (lock held, after every change of the queue, the shared list or the
     * promises).
     *
     * @param spare  unpromised shared blocks.
     * @param parked queued waiters.
     */
    void stranded(boolean now, int spare, int parked);

    /** @return the counters kept under the lock (lock held). */
    Tally tally(int waiting);

    /** @return the full statistics: {@code tally} plus the wait-time histogram, merged now (outside the lock). */
    WaitStats stats(Tally tally);

    /** Zeroes the counters kept under the lock (lock held); an open stranded interval restarts now. */
    void resetTally();

    /** Zeroes the wait-time histogram (outside the lock). */
    void resetHistogram();

    /** Counters read under the freelist's lock, for {@link #stats}. */
    record Tally(int waiting, long wakeups, long futileWakeups, long strandedNanos, long blips, long longestBlipNanos) {
    }
}
