package org.writecache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.writecache.pmem.PmemBackend;

/** The pmem.backend and writeback.pipeline settings: parsed and validated by the builder, used by format and open. */
class PmemBackendConfigTest {

    @RegisterExtension
    final TestFiles files = new TestFiles();

    @Test
    void propertySelectsTheBackendAndBadNamesAreNamed() {
        final WriteCacheConfig.Builder b = WriteCacheConfig.builder().cacheFile(files.cacheFile());
        assertEquals(PmemBackend.FFM, b.build().pmemBackend());
        assertEquals(PmemBackend.FFM, b.set(Settings.PMEM_BACKEND.name(), " Ffm ").build().pmemBackend());
        assertEquals("ffm", b.build().toProperties().get(Settings.PMEM_BACKEND.name()));
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> WriteCacheConfig.builder().set(Settings.PMEM_BACKEND.name(), "pmdk"));
        assertTrue(e.getMessage().contains("'pmdk'"), e.getMessage());
    }

    @Test
    void anImplementationWhoseArtifactIsMissingIsRefusedByTheBuilderNamingTheArtifact() {
        // This module's tests run with neither writecache-chronicle nor writecache-disruptor on the class path.
        final WriteCacheConfig.Builder b = WriteCacheConfig.builder().cacheFile(files.cacheFile());
        final IllegalArgumentException chronicle = assertThrows(IllegalArgumentException.class,
            () -> b.set(Settings.PMEM_BACKEND.name(), "chronicle").build());
        assertTrue(chronicle.getMessage().contains("org.writecache:writecache-chronicle"), chronicle.getMessage());
        b.set(Settings.PMEM_BACKEND.name(), "ffm");
        final IllegalArgumentException disruptor = assertThrows(IllegalArgumentException.class,
            () -> b.set(Settings.WRITEBACK_PIPELINE.name(), "disruptor").build());
        assertTrue(disruptor.getMessage().contains("org.writecache:writecache-disruptor"), disruptor.getMessage());
    }

    /** @return the backends on this class path. */
    static java.util.List<PmemBackend> backends() {
        return java.util.Arrays.stream(PmemBackend.values()).filter(PmemBackend::isAvailable).toList();
    }

    @Test
    void everyBackendFormatsAndReopensTheSameCache() throws IOException {
        for (final PmemBackend writer : backends()) {
            for (final PmemBackend reader : backends()) {
                final WriteCacheConfig.Builder cfg = WriteCacheConfig.builder().cacheFile(files.cacheFile())
                    .cacheSize(1 << 20).backingFile(files.backingFile()).backingSize(4L << 20).background(false)
                    .forceFormat(true);
                final byte[] data = WriteCacheTest.block(writer.ordinal() * 7 + reader.ordinal() + 1);
                try (WriteCache c = WriteCache.format(cfg.pmemBackend(writer).build())) {
                    c.write(8192, ByteBuffer.wrap(data), true);
                }
                try (WriteCache c = WriteCache.open(cfg.pmemBackend(reader).build())) {
                    assertEquals(1, c.status().dirtyBlocks(), writer + " then " + reader);
                    assertArrayEquals(data, WriteCacheTest.read(c, 8192, data.length), writer + " then " + reader);
                }
            }
        }
    }
}
