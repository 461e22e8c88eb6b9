package org.writecache.fault;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;

import org.writecache.BlockDevice;

/**
 * A {@link BlockDevice} that adds a fixed latency before each operation of the device it wraps, as dm-delay and
 * nbdkit's delay filter do. The delay goes through a {@link Sleeper}, so tests can record it instead of waiting.
 * Delays can be changed while the device is in use.
 */
public final class DelayingBlockDevice implements BlockDevice {
    private final BlockDevice inner;
    private final Sleeper sleeper;
    private final AtomicLongArray delayNanos = new AtomicLongArray(DeviceOperation.values().length);

    /**
     * @param inner   the device to slow down; closed with this one.
     * @param sleeper how to wait: {@link Sleeper#THREAD} for real delays.
     */
    public DelayingBlockDevice(final BlockDevice inner, final Sleeper sleeper) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /** Delays every {@code operation} by {@code delay} (zero removes the delay). */
    public DelayingBlockDevice delaying(final DeviceOperation operation, final Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay of " + operation + " must not be negative: " + delay);
        }
        delayNanos.set(operation.ordinal(), delay.toNanos());
        return this;
    }

    private void delay(final DeviceOperation operation) throws IOException {
        final long nanos = delayNanos.get(operation.ordinal());
        if (nanos > 0) {
            sleeper.sleep(nanos);
        }
    }

    @Override
    public long size() {
        return inner.size();
    }

    @Override
    public void read(final long offset, final ByteBuffer dst) throws IOException {
        delay(DeviceOperation.READ);
        inner.read(offset, dst);
    }

    @Override
    public void write(final long offset, final ByteBuffer src) throws IOException {
        delay(DeviceOperation.WRITE);
        inner.write(offset, src);
    }

    @Override
    public void sync() throws IOException {
        delay(DeviceOperation.SYNC);
        inner.sync();
    }

    @Override
    public String describe() {
        return "delayed " + inner.describe();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
