package org.writecache;

import java.util.Arrays;
import java.util.List;

import org.writecache.writeback.WritebackPipeline;

/** Test parameters: the writeback pipelines on this class path (Disruptor's only where its artifact is). */
public final class Pipelines {
    private Pipelines() {
    }

    /** @return every available {@link WritebackPipeline.Kind}. */
    public static List<WritebackPipeline.Kind> available() {
        return Arrays.stream(WritebackPipeline.Kind.values()).filter(WritebackPipeline.Kind::isAvailable).toList();
    }
}
