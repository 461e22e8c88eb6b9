package org.writecache.fault;

import java.io.InterruptedIOException;

/** How a {@link DelayingBlockDevice} waits; tests inject one that records the delay instead of sleeping. */
@FunctionalInterface
public interface Sleeper {
    /** Sleeps on the calling thread with {@link Thread#sleep(long, int)}. */
    Sleeper THREAD = nanos -> {
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted during an injected device delay of " + nanos + " ns");
        }
    };

    /** Delays the calling thread by {@code nanos} nanoseconds. */
    void sleep(long nanos) throws InterruptedIOException;
}
