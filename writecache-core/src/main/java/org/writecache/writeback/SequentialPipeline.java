package org.writecache.writeback;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.writecache.BlockDevice;

/**
 * Copies each run into one staging buffer of {@code jobs} blocks and writes it, on the writeback thread: queued
 * ({@link BlockDevice#writeQueued}, so a device that can keeps several runs in flight) and completed by one sync, or
 * with {@code syncEachRun} each run durable on its own ({@link BlockDevice#writeFua}).
 */
final class SequentialPipeline implements WritebackPipeline {
    private final BlockDevice device;
    private final ByteBuffer staging;
    private final int blockSize;

    SequentialPipeline(final BlockDevice device, final int jobs, final int blockSize) {
        this.device = device;
        this.blockSize = blockSize;
        this.staging = ByteBuffer.allocateDirect(Math.multiplyExact(jobs, blockSize));
    }

    @Override
    public void write(final WritebackBatch batch, final boolean syncEachRun) throws IOException {
        for (int r = 0; r < batch.runs(); r++) {
            final int n = batch.runLength(r);
            staging.clear();
            batch.copyRun(r, 0, n, staging, 0);
            staging.limit(n * blockSize);
            final long at = batch.runDeviceBlock(r) * blockSize;
            try {
                if (syncEachRun) {
                    device.writeFua(at, staging);
                } else {
                    device.writeQueued(at, staging);
                }
            } catch (final IOException e) {
                throw WritebackBatch.failure(at, (long) n * blockSize, e);
            }
            batch.countIo();
        }
        if (!syncEachRun) {
            try {
                device.sync();
            } catch (final IOException e) {
                throw batch.syncFailure(e);
            }
        }
    }

    @Override
    public void close() {
    }
}
