package org.writecache.writeback;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.writecache.BlockDevice;

/**
 * Copies each run into one staging buffer of {@code jobs} blocks and writes it, on the writeback thread: queued
 * ({@link BlockDevice#writeQueued}, so a device that can keeps several runs in flight) and completed by one sync, or
 * with {@code syncEachRun} each run durable on its own ({@link BlockDevice#writeFua}). A block that fails its data
 * checksum splits its run around it and is not written.
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
            final long runAt = batch.runDeviceBlock(r) * blockSize;
            for (int from = 0; from < n; ) {
                final int good = batch.copyRun(r, from, n - from, staging.clear(), 0);
                if (good > 0) {
                    write(batch, runAt + (long) from * blockSize, good, syncEachRun);
                }
                from += good < n - from ? good + 1 : good; // a block that failed its checksum is skipped
            }
        }
        if (!syncEachRun) {
            try {
                device.sync();
            } catch (final IOException e) {
                throw batch.syncFailure(e);
            }
        }
    }

    /** Writes the first {@code blocks} blocks of the staging buffer at {@code at}. */
    private void write(final WritebackBatch batch, final long at, final int blocks, final boolean fua)
        throws IOException {
        staging.limit(blocks * blockSize).position(0);
        try {
            if (fua) {
                device.writeFua(at, staging);
            } else {
                device.writeQueued(at, staging);
            }
        } catch (final IOException e) {
            throw WritebackBatch.failure(at, (long) blocks * blockSize, e);
        }
        batch.countIo();
    }

    @Override
    public void close() {
    }
}
