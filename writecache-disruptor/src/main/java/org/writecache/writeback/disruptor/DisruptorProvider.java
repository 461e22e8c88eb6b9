package org.writecache.writeback.disruptor;

import org.writecache.BlockDevice;
import org.writecache.writeback.WritebackPipeline;
import org.writecache.writeback.WritebackPipelineProvider;

/** Registers {@link DisruptorPipeline} as {@link WritebackPipeline.Kind#DISRUPTOR} (a service entry). */
public final class DisruptorProvider implements WritebackPipelineProvider {
    /** Called by {@link java.util.ServiceLoader}. */
    public DisruptorProvider() {
        // Stateless.
    }

    @Override
    public WritebackPipeline.Kind kind() {
        return WritebackPipeline.Kind.DISRUPTOR;
    }

    @Override
    public WritebackPipeline create(final BlockDevice device, final int jobs, final int blockSize) {
        return new DisruptorPipeline(device, jobs, blockSize);
    }
}
