package org.writecache.fault;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.writecache.BlockDevice;

/**
 * A {@link BlockDevice} that fails operations of the device it wraps on demand, as dm-flakey and nbdkit's error
 * filter do. Each {@link DeviceOperation} has at most one {@link FaultTrigger}; when it fires the operation throws an
 * {@link IOException} whose message starts with "Input/output error" and names the operation, the byte range and the
 * device, and the wrapped device is not touched. Triggers can be set and removed while the device is in use.
 */
public final class FaultyBlockDevice implements BlockDevice {
    private final BlockDevice inner;
    private final AtomicReferenceArray<FaultTrigger> triggers =
        new AtomicReferenceArray<>(DeviceOperation.values().length);
    private final AtomicLong injected = new AtomicLong();

    /** @param inner the device whose operations are failed; closed with this one. */
    public FaultyBlockDevice(final BlockDevice inner) {
        this.inner = Objects.requireNonNull(inner, "inner");
    }

    /** Makes {@code operation} fail whenever {@code trigger} fires, replacing any earlier trigger for it. */
    public FaultyBlockDevice failing(final DeviceOperation operation, final FaultTrigger trigger) {
        triggers.set(operation.ordinal(), Objects.requireNonNull(trigger, "trigger"));
        return this;
    }

    /** Removes every trigger: from now on every operation reaches the wrapped device. */
    public void heal() {
        for (int i = 0; i < triggers.length(); i++) {
            triggers.set(i, null);
        }
    }

    /** @return how many operations have been failed so far. */
    public long faultsInjected() {
        return injected.get();
    }

    private void check(final DeviceOperation operation, final long offset, final long length) throws IOException {
        final FaultTrigger trigger = triggers.get(operation.ordinal());
        if (trigger != null && trigger.fires(offset, length)) {
            injected.incrementAndGet();
            throw new IOException("Input/output error (EIO, injected " + trigger + "): " + operation.name()
                .toLowerCase(java.util.Locale.ROOT) + " of bytes [" + offset + ", " + (offset + length) + ") on "
                + inner.describe());
        }
    }

    @Override
    public long size() {
        return inner.size();
    }

    @Override
    public void read(final long offset, final ByteBuffer dst) throws IOException {
        check(DeviceOperation.READ, offset, dst.remaining());
        inner.read(offset, dst);
    }

    @Override
    public void write(final long offset, final ByteBuffer src) throws IOException {
        check(DeviceOperation.WRITE, offset, src.remaining());
        inner.write(offset, src);
    }

    @Override
    public void sync() throws IOException {
        check(DeviceOperation.SYNC, 0, inner.size());
        inner.sync();
    }

    @Override
    public String describe() {
        return "faulty " + inner.describe();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
