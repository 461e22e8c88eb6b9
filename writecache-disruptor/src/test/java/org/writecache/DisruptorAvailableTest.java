package org.writecache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.writecache.writeback.WritebackPipeline;

/** With this artifact on the class path, the Disruptor pipeline is found and selectable by name. */
class DisruptorAvailableTest {
    @Test
    void theServiceEntryMakesThePipelineSelectable() {
        assertTrue(WritebackPipeline.Kind.DISRUPTOR.isAvailable());
        assertEquals(WritebackPipeline.Kind.DISRUPTOR, WriteCacheConfig.builder().cacheFile(java.nio.file.Path.of("x"))
            .set(Settings.WRITEBACK_PIPELINE.name(), "disruptor").build().writebackPipeline());
    }
}
