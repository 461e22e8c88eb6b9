package org.writecache.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.writecache.WriteCache;
import org.writecache.WriteCacheConfig;
import org.writecache.pmem.PmemBackend;
import org.writecache.writeback.WritebackPipeline;

/**
 * The writecache command carries every artifact: both persistent-memory backends and both writeback pipelines are
 * found through their service entries, and a cache formatted by one backend opens with the other.
 */
class AllArtifactsTest {
    @TempDir
    Path dir;

    @Test
    void everyImplementationIsAvailable() {
        for (final PmemBackend b : PmemBackend.values()) {
            assertTrue(b.isAvailable(), b.name());
        }
        for (final WritebackPipeline.Kind k : WritebackPipeline.Kind.values()) {
            assertTrue(k.isAvailable(), k.name());
        }
    }

    @Test
    void everyBackendFormatsAndReopensTheSameCacheAndEveryPipelineWritesItBack() throws IOException {
        final Path cache = Files.createTempFile(Path.of("/dev/shm"), "all-artifacts-", ".wc");
        try {
            int round = 0;
            for (final PmemBackend writer : PmemBackend.values()) {
                for (final PmemBackend reader : PmemBackend.values()) {
                    final WritebackPipeline.Kind pipeline = WritebackPipeline.Kind.values()[
                        round % WritebackPipeline.Kind.values().length];
                    final byte[] data = new byte[4096];
                    Arrays.fill(data, (byte) ++round);
                    final WriteCacheConfig.Builder cfg = WriteCacheConfig.builder().cacheFile(cache)
                        .cacheSize(1 << 20).backingFile(dir.resolve("backing")).backingSize(4L << 20)
                        .background(false).forceFormat(true).writebackPipeline(pipeline);
                    try (WriteCache c = WriteCache.format(cfg.pmemBackend(writer).build())) {
                        c.write(8192, ByteBuffer.wrap(data), true);
                    }
                    final String what = writer + " then " + reader + " with " + pipeline;
                    try (WriteCache c = WriteCache.open(cfg.pmemBackend(reader).build())) {
                        assertEquals(1, c.status().dirtyBlocks(), what);
                        final ByteBuffer back = ByteBuffer.allocate(4096);
                        c.read(8192, back);
                        assertArrayEquals(data, back.array(), what);
                        assertEquals(1, c.writeback(), what);
                    }
                    final byte[] onDisk = new byte[4096];
                    System.arraycopy(Files.readAllBytes(dir.resolve("backing")), 8192, onDisk, 0, 4096);
                    assertArrayEquals(data, onDisk, what + ": written back");
                }
            }
        } finally {
            Files.deleteIfExists(cache);
        }
    }
}
