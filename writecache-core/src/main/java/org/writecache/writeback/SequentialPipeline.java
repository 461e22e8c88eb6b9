package org.writecache.writeback;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.writecache.BlockDevice;

/**
 * Copies each run into one staging buffer of {@code jobs} blocks and writes it, on the writeback thread; a block that
 * fails its checksum splits its run around it.
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
                    write(batch, runAt + (long) from * blockSize, good);
                }
                from += good < n - from ? good + 1 : good; // a block that failed its checksum is skipped
            }
            if (syncEachRun) {
                try {
                    device.sync();
                } catch (final IOException e) {
                    throw WritebackBatch.failure(runAt, (long) n * blockSize, e);
                }
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

    private void write(final WritebackBatch batch, final long at, final int blocks) throws IOException {
        staging.limit(blocks * blockSize).position(0);
        try {
            device.write(at, staging);
        } catch (final IOException e) {
            throw WritebackBatch.failure(at, (long) blocks * blockSize, e);
        }
        batch.countIo();
    }

    @Override
    public void close() {
    }
}
