package org.writecache.nbd;

import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Logs a stream of similar failures without flooding the log: the first one in full (with its stack trace), then
 * only a count, summarised at most once per interval and when the log is closed. A failure after a quiet interval is
 * logged in full again. During a device error every NBD request fails the same way; this keeps that to two lines.
 * Thread safe.
 */
final class FailureLog {
    private final System.Logger log;
    private final String subject;
    private final LongSupplier nanoClock;
    private final long intervalNanos;
    private long windowStart;
    private long lastFailure;
    private boolean any;
    private long suppressed;
    private String lastMessage;

    /**
     * @param log           where to log.
     * @param subject       what fails, plural, for the summary ("NBD requests").
     * @param nanoClock     a monotonic clock in nanoseconds.
     * @param intervalNanos the shortest time between two summaries, and the quiet time after which a failure is
     *                      logged in full again.
     */
    FailureLog(final System.Logger log, final String subject, final LongSupplier nanoClock, final long intervalNanos) {
        this.log = log;
        this.subject = subject;
        this.nanoClock = nanoClock;
        this.intervalNanos = intervalNanos;
    }

    /** A failure log with a 10-second interval on the system clock. */
    FailureLog(final System.Logger log, final String subject) {
        this(log, subject, System::nanoTime, TimeUnit.SECONDS.toNanos(10));
    }

    /** Records one failure: {@code message} says what failed, {@code cause} (may be null) why. */
    synchronized void failed(final String message, final Throwable cause) {
        final long now = nanoClock.getAsLong();
        final boolean quiet = !any || now - lastFailure >= intervalNanos;
        any = true;
        lastFailure = now;
        if (quiet) {
            summarise(now);
            log.log(Level.WARNING, message + (cause == null ? "" : ": " + cause.getMessage())
                + " (further failures are counted, not logged one by one)", cause);
            windowStart = now;
            return;
        }
        suppressed++;
        lastMessage = message + (cause == null ? "" : ": " + cause.getMessage());
        if (now - windowStart >= intervalNanos) {
            summarise(now);
        }
    }

    /** @return failures counted but not yet logged. */
    synchronized long suppressed() {
        return suppressed;
    }

    /** Logs the count of failures not yet reported, if any. */
    synchronized void close() {
        summarise(nanoClock.getAsLong());
    }

    private void summarise(final long now) {
        if (suppressed == 0) {
            return;
        }
        log.log(Level.WARNING, "{0} more {1} failed in the last {2} ms; the last: {3}", suppressed, subject,
            TimeUnit.NANOSECONDS.toMillis(now - windowStart), lastMessage);
        suppressed = 0;
        windowStart = now;
    }
}
