package org.writecache.writeback;

import java.io.IOException;

import org.writecache.BlockDevice;

/**
 * How the runs of a {@link WritebackBatch} reach the backing device. Every implementation keeps at most the batch's
 * capacity ({@code writeback.jobs}) blocks in flight and returns only when every run is durable.
 */
public interface WritebackPipeline extends AutoCloseable {
    /** The pipelines there are, selected with {@code writeback.pipeline}. */
    enum Kind {
        /** {@link SequentialPipeline}: the writeback thread copies and writes each run in turn. */
        SEQUENTIAL,
        /** {@link DisruptorPipeline}: copies go into a Disruptor ring, a second thread writes them. */
        DISRUPTOR;

        /** @return a pipeline of this kind for batches of up to {@code jobs} blocks. */
        public WritebackPipeline create(final BlockDevice device, final int jobs, final int blockSize) {
            return switch (this) {
                case SEQUENTIAL -> new SequentialPipeline(device, jobs, blockSize);
                case DISRUPTOR -> new DisruptorPipeline(device, jobs, blockSize);
            };
        }
    }

    /**
     * Writes every run of {@code batch} and makes the device durable: after each run with {@code syncEachRun}, else
     * once at the end.
     *
     * @throws IOException naming the byte range of the first write that failed.
     */
    void write(WritebackBatch batch, boolean syncEachRun) throws IOException;

    /** Releases threads and buffers. */
    @Override
    void close();
}
