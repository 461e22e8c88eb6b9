package org.writecache.nbd.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.writecache.nbd.NbdProtocol;

/**
 * One request sent and awaiting its reply: completed by the connection's reader thread with the server's error code,
 * or failed with the connection. Its callback runs exactly once, on whichever thread ends it.
 */
final class Pending {
    final long cookie;
    final int type;
    final long offset;
    final int length;
    /** Where a READ's data goes (a slice of the caller's buffer); null for other commands. */
    final ByteBuffer readInto;
    /** System.nanoTime by which the reply must have come. */
    final long deadline;
    private final Consumer<Pending> onDone;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile int error = -1;
    private volatile IOException failure;

    Pending(final long cookie, final int type, final long offset, final int length, final ByteBuffer readInto,
            final long deadline, final Consumer<Pending> onDone) {
        this.cookie = cookie;
        this.type = type;
        this.offset = offset;
        this.length = length;
        this.readInto = readInto;
        this.deadline = deadline;
        this.onDone = onDone;
    }

    /** The server replied with {@code code} (0 for success). */
    void complete(final int code) {
        if (ended.compareAndSet(false, true)) {
            error = code;
            finish();
        }
    }

    /** The connection was lost before the reply came. */
    void fail(final IOException cause) {
        if (ended.compareAndSet(false, true)) {
            failure = cause;
            finish();
        }
    }

    private void finish() {
        try {
            if (onDone != null) {
                onDone.accept(this);
            }
        } finally {
            done.countDown();
        }
    }

    /** @return whether it ended within {@code nanos}. */
    boolean await(final long nanos) throws java.io.InterruptedIOException {
        try {
            return done.await(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted waiting for the reply to " + describe());
        }
    }

    /** @return the server's error code, 0 for success, -1 while none came. */
    int error() {
        return error;
    }

    /** @return why the connection failed it, or null. */
    IOException failure() {
        return failure;
    }

    /** @return whether it ended with a success reply. */
    boolean succeeded() {
        return error == 0;
    }

    /** @return e.g. {@code WRITE of bytes [0, 4096)}. */
    String describe() {
        return type == NbdProtocol.CMD_FLUSH ? "FLUSH"
            : NbdProtocol.commandName(type) + " of bytes [" + offset + ", " + (offset + length) + ")";
    }
}
