package org.writecache.nbd.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The current connection of an {@link NbdBlockDevice}, re-established under the reconnect policy when it is found
 * broken: the first attempt at once, then after the backoff, doubling each time. A new connection must offer at least
 * the device's size. Thread safe: one thread reconnects while the others wait for it.
 */
final class ConnectionKeeper {
    private static final System.Logger LOG = System.getLogger(ConnectionKeeper.class.getName());

    /** How to wait between reconnect attempts; tests record the waits instead. */
    @FunctionalInterface
    interface Backoff {
        void pause(Duration duration) throws InterruptedIOException;
    }

    /** Sleeps on the calling thread. */
    static final Backoff SLEEP = d -> {
        try {
            Thread.sleep(d);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted between reconnect attempts");
        }
    };

    private final NbdUri uri;
    private final NbdClientSettings settings;
    private final Backoff backoff;
    private final Object lock = new Object();
    private volatile ClientConnection current;
    private volatile long size = -1;
    private volatile boolean closed;
    private long reconnects;

    ConnectionKeeper(final NbdUri uri, final NbdClientSettings settings, final Backoff backoff,
                     final ClientConnection first) {
        this.uri = uri;
        this.settings = settings;
        this.backoff = backoff;
        this.current = first;
    }

    /** Sets the size every later connection must offer at least. */
    void requireSize(final long bytes) {
        size = bytes;
    }

    /**
     * @param onLoss told why the connection broke before a new one is made (writes not yet flushed may be gone).
     * @return a live connection: the current one, or a new one.
     * @throws IOException naming the URI, the cause of the loss and the last attempt's failure when no attempt
     *                     succeeds (at once when reconnecting is off).
     */
    ClientConnection get(final Consumer<IOException> onLoss) throws IOException {
        final ClientConnection c = current;
        if (c.isAlive()) {
            return c;
        }
        synchronized (lock) {
            final ClientConnection now = current;
            if (now.isAlive()) {
                return now;
            }
            if (closed) {
                throw new IOException(uri + ": the device is closed");
            }
            final IOException cause = now.brokenBecause();
            onLoss.accept(cause);
            final int attempts = settings.reconnectAttempts();
            if (attempts == 0) {
                throw new ConnectionLostException(uri + ": connection lost: " + cause.getMessage()
                    + " (reconnecting is off)", cause);
            }
            IOException last = cause;
            for (int a = 1; a <= attempts; a++) {
                if (a > 1) {
                    backoff.pause(settings.reconnectBackoff().multipliedBy(1L << Math.min(a - 2, 20)));
                }
                try {
                    final ClientConnection fresh = ClientConnection.open(uri, settings.requestTimeout());
                    if (fresh.info.size() < size) {
                        fresh.close();
                        throw new IOException(uri + ": the export now holds " + fresh.info.size() + " bytes, fewer"
                            + " than " + size);
                    }
                    current = fresh;
                    reconnects++;
                    LOG.log(Level.INFO, "{0}: reconnected after {1} attempt(s)", uri, a);
                    return fresh;
                } catch (final IOException e) {
                    last = e;
                }
            }
            throw new ConnectionLostException(uri + ": connection lost (" + cause.getMessage() + ") and not "
                + "re-established in " + attempts + " attempts: " + last.getMessage(), last);
        }
    }

    /** @return how many times a lost connection was re-established. */
    long reconnects() {
        synchronized (lock) {
            return reconnects;
        }
    }

    /** @return whether {@link #close()} was called. */
    boolean isClosed() {
        return closed;
    }

    /** Closes the current connection; no new one is made afterwards. */
    void close() {
        synchronized (lock) {
            closed = true;
            current.close();
        }
    }
}
