package org.writecache.nbd;

import java.time.Duration;
import java.util.Objects;

/**
 * What one {@link NbdServer} lets its clients take: connections, time and memory. Every session holds at most one
 * payload buffer of {@code chunkSize} bytes (requests of up to {@link NbdProtocol#MAX_PAYLOAD} are read and answered
 * in pieces of that size) plus two 64 KiB stream buffers, so the server's payload memory is bounded by
 * {@link #maxBufferedBytes()} whatever clients announce.
 *
 * @param maxConnections   sessions served at once; further connections are closed at once (logged, then counted).
 * @param handshakeTimeout time a client has from connecting to the end of option haggling.
 * @param requestTimeout   longest stall a client may make in the middle of a message: while sending the rest of a
 *                         request it has begun, or while the server waits to send it a reply. Idle time between
 *                         requests is not limited.
 * @param chunkSize        the payload piece, in bytes: at least 4096, at most {@link NbdProtocol#MAX_PAYLOAD}.
 */
public record NbdServerLimits(int maxConnections, Duration handshakeTimeout, Duration requestTimeout, int chunkSize) {
    /** Default cap on sessions. */
    public static final int MAX_CONNECTIONS_DEFAULT = 64;
    /** Default handshake timeout (qemu-nbd's handshake limit). */
    public static final Duration HANDSHAKE_TIMEOUT_DEFAULT = Duration.ofSeconds(10);
    /** Default mid-message stall timeout. */
    public static final Duration REQUEST_TIMEOUT_DEFAULT = Duration.ofSeconds(60);
    /** Default payload piece: 256 KiB. */
    public static final int CHUNK_SIZE_DEFAULT = 256 << 10;
    /** Bytes of the stream buffers every session has besides its payload buffer. */
    static final int STREAM_BUFFERS = 2 << 16;

    /** Validates every limit, naming the bad one. */
    public NbdServerLimits {
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (maxConnections < 1) {
            throw new IllegalArgumentException("max connections must be at least 1: " + maxConnections);
        }
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshake timeout must be positive: " + handshakeTimeout);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("request timeout must be positive: " + requestTimeout);
        }
        if (chunkSize < 4096 || chunkSize > NbdProtocol.MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload chunk of " + chunkSize + " bytes must be 4096 to "
                + NbdProtocol.MAX_PAYLOAD);
        }
    }

    /** @return the defaults: 64 connections, 10 s handshake, 60 s stall, 256 KiB pieces. */
    public static NbdServerLimits defaults() {
        return new NbdServerLimits(MAX_CONNECTIONS_DEFAULT, HANDSHAKE_TIMEOUT_DEFAULT, REQUEST_TIMEOUT_DEFAULT,
            CHUNK_SIZE_DEFAULT);
    }

    /** @return these limits with another connection cap. */
    public NbdServerLimits withMaxConnections(final int v) {
        return new NbdServerLimits(v, handshakeTimeout, requestTimeout, chunkSize);
    }

    /** @return these limits with another handshake timeout. */
    public NbdServerLimits withHandshakeTimeout(final Duration v) {
        return new NbdServerLimits(maxConnections, v, requestTimeout, chunkSize);
    }

    /** @return these limits with another request timeout. */
    public NbdServerLimits withRequestTimeout(final Duration v) {
        return new NbdServerLimits(maxConnections, handshakeTimeout, v, chunkSize);
    }

    /** @return these limits with another payload piece. */
    public NbdServerLimits withChunkSize(final int v) {
        return new NbdServerLimits(maxConnections, handshakeTimeout, requestTimeout, v);
    }

    /** @return the most bytes of buffers all sessions together hold: connections times (chunk + stream buffers). */
    public long maxBufferedBytes() {
        return (long) maxConnections * (chunkSize + STREAM_BUFFERS);
    }
}
