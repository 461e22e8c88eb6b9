package org.writecache.writeback;

import org.writecache.BlockDevice;

/**
 * A {@link WritebackPipeline} that lives in an artifact of its own, found with {@link java.util.ServiceLoader} (a
 * {@code META-INF/services/org.writecache.writeback.WritebackPipelineProvider} entry) when its
 * {@link WritebackPipeline.Kind} is selected, so embedders who do not select it do not carry its dependencies.
 */
public interface WritebackPipelineProvider {
    /** @return the kind this provider implements. */
    WritebackPipeline.Kind kind();

    /** @return a pipeline for batches of up to {@code jobs} blocks of {@code blockSize} bytes. */
    WritebackPipeline create(BlockDevice device, int jobs, int blockSize);
}
