package org.writecache.freelist;

import org.writecache.WaitPolicy;

/**
 * A snapshot of how writers waited for free blocks under one {@link WaitPolicy}. Times are nanoseconds of the
 * cache's {@link org.agrona.concurrent.NanoClock}.
 *
 * @param policy            the wait policy.
 * @param waits             waits that ended (a writer queued, then got its blocks or gave up).
 * @param waiting           writers waiting now.
 * @param wakeups           waiters woken.
 * @param futileWakeups     woken waiters that got nothing: need met another way, cancelled, or too few blocks.
 * @param waitP50Nanos      median wait.
 * @param waitP99Nanos      99th percentile wait.
 * @param waitP999Nanos     99.9th percentile wait.
 * @param waitMaxNanos      longest wait.
 * @param strandedNanos     total time during which the free blocks, minus those already promised to woken waiters,
 *                          would have satisfied a parked waiter (an interval still open counts up to now).
 * @param blips             stranded intervals, closed or open.
 * @param longestBlipNanos  the longest stranded interval.
 */
public record WaitStats(WaitPolicy policy, long waits, int waiting, long wakeups, long futileWakeups,
                        long waitP50Nanos, long waitP99Nanos, long waitP999Nanos, long waitMaxNanos,
                        long strandedNanos, long blips, long longestBlipNanos) {
}
