package org.writecache.nbd.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link NbdBlockDevice} talks to its server.
 *
 * @param blockSize         the cache's block size: the unit of the in-flight window; the server's minimum block size
 *                          must not exceed it.
 * @param windowBlocks      most blocks in flight at once (the cache's {@code writeback.jobs}); requests are split so
 *                          that none is larger than this window.
 * @param requestTimeout    longest wait for any reply (and for connecting and the handshake); a request without a
 *                          reply by then fails, and the connection with it.
 * @param reconnectAttempts how many times a lost connection is re-established before operations fail: 0 never.
 * @param reconnectBackoff  wait before the second attempt; it doubles for each further one (the first is immediate).
 */
public record NbdClientSettings(int blockSize, int windowBlocks, Duration requestTimeout, int reconnectAttempts,
                                Duration reconnectBackoff) {
    /** Default request timeout. */
    public static final Duration REQUEST_TIMEOUT_DEFAULT = Duration.ofSeconds(30);
    /** Default reconnect attempts. */
    public static final int RECONNECT_ATTEMPTS_DEFAULT = 3;
    /** Default wait before the second reconnect attempt. */
    public static final Duration RECONNECT_BACKOFF_DEFAULT = Duration.ofMillis(200);

    /** Validates every setting, naming the bad one. */
    public NbdClientSettings {
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(reconnectBackoff, "reconnectBackoff");
        if (blockSize < 512 || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("block size must be a power of two of at least 512: " + blockSize);
        }
        if (windowBlocks < 1) {
            throw new IllegalArgumentException("the in-flight window must hold at least one block: " + windowBlocks);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("request timeout must be positive: " + requestTimeout);
        }
        if (reconnectAttempts < 0) {
            throw new IllegalArgumentException("reconnect attempts must not be negative: " + reconnectAttempts);
        }
        if (reconnectBackoff.isNegative()) {
            throw new IllegalArgumentException("reconnect backoff must not be negative: " + reconnectBackoff);
        }
    }

    /** @return settings for blocks of {@code blockSize} and a window of {@code windowBlocks}, defaults otherwise. */
    public static NbdClientSettings of(final int blockSize, final int windowBlocks) {
        return new NbdClientSettings(blockSize, windowBlocks, REQUEST_TIMEOUT_DEFAULT, RECONNECT_ATTEMPTS_DEFAULT,
            RECONNECT_BACKOFF_DEFAULT);
    }

    /** @return these settings with another request timeout. */
    public NbdClientSettings withRequestTimeout(final Duration v) {
        return new NbdClientSettings(blockSize, windowBlocks, v, reconnectAttempts, reconnectBackoff);
    }

    /** @return these settings with another reconnect policy. */
    public NbdClientSettings withReconnect(final int attempts, final Duration backoff) {
        return new NbdClientSettings(blockSize, windowBlocks, requestTimeout, attempts, backoff);
    }

    /** @return the window in bytes. */
    long windowBytes() {
        return (long) windowBlocks * blockSize;
    }
}
