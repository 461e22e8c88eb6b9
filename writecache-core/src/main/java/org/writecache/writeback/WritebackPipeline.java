package org.writecache.writeback;

import java.io.IOException;
import java.util.Locale;
import java.util.ServiceLoader;

import org.writecache.BlockDevice;

/**
 * How the runs of a {@link WritebackBatch} reach the backing device. Every implementation keeps at most the batch's
 * capacity ({@code writeback.jobs}) blocks in flight and returns only when every run is durable.
 */
public interface WritebackPipeline extends AutoCloseable {
    /**
     * The pipelines there are, selected with {@code writeback.pipeline}. {@link #SEQUENTIAL} is built in;
     * {@link #DISRUPTOR} lives in the {@code writecache-disruptor} artifact and is found through its
     * {@link WritebackPipelineProvider} when selected.
     */
    enum Kind {
        /** {@link SequentialPipeline}: the writeback thread copies and writes each run in turn. */
        SEQUENTIAL(null),
        /** Copies go into an LMAX Disruptor ring, a second thread writes them ({@code writecache-disruptor}). */
        DISRUPTOR("org.writecache:writecache-disruptor");

        private final String artifact;

        Kind(final String artifact) {
            this.artifact = artifact;
        }

        /**
         * @return a pipeline of this kind for batches of up to {@code jobs} blocks.
         * @throws IllegalStateException naming the missing artifact, unless {@link #isAvailable()}.
         */
        public WritebackPipeline create(final BlockDevice device, final int jobs, final int blockSize) {
            if (artifact == null) {
                return new SequentialPipeline(device, jobs, blockSize);
            }
            return provider().create(device, jobs, blockSize);
        }

        /** @return true if this pipeline can be used here: built in, or its artifact is on the class path. */
        public boolean isAvailable() {
            return artifact == null || find() != null;
        }

        /** @throws IllegalStateException naming the missing artifact, unless {@link #isAvailable()}. */
        public void requireAvailable() {
            if (artifact != null) {
                provider();
            }
        }

        private WritebackPipelineProvider provider() {
            final WritebackPipelineProvider p = find();
            if (p == null) {
                throw new IllegalStateException("writeback.pipeline=" + name().toLowerCase(Locale.ROOT) + " needs the "
                    + "artifact " + artifact + " on the class path; it was not found (the built-in pipeline is "
                    + "sequential)");
            }
            return p;
        }

        private WritebackPipelineProvider find() {
            for (final WritebackPipelineProvider p : ServiceLoader.load(WritebackPipelineProvider.class)) {
                if (p.kind() == this) {
                    return p;
                }
            }
            return null;
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
