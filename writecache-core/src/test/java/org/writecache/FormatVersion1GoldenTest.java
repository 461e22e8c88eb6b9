package org.writecache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.writecache.format.CacheLayout;
import org.writecache.format.DataChecksum;

/**
 * A cache file written by the last build before format version 2 (commit 996f2ee: 16 blocks of 512 bytes in front of
 * 32; device blocks 0 to 4 written with FUA, block d holding {@code (byte) (d * 31 + i)} at byte i, then block 2
 * overwritten with 0x5A, FUA, and the cache closed) still opens, reads and works in this build, and is version 1.
 */
class FormatVersion1GoldenTest {
    private static final int BS = 512;

    @RegisterExtension
    final TestFiles files = new TestFiles();

    private static byte[] expected(final int d) {
        final byte[] b = new byte[BS];
        if (d == 2) {
            Arrays.fill(b, (byte) 0x5A);
        } else {
            for (int i = 0; i < BS; i++) {
                b[i] = (byte) (d * 31 + i);
            }
        }
        return b;
    }

    @Test
    void aCacheFileOfTheEarlierBuildOpensAndWorks() throws IOException {
        final byte[] golden;
        try (InputStream in = getClass().getResourceAsStream("/golden/format-v1-16x512.wc")) {
            golden = in.readAllBytes();
        }
        final WriteCacheConfig cfg = WriteCacheConfig.builder().cacheFile(files.cacheFile())
            .cacheSize(CacheLayout.regionSize(16, BS, DataChecksum.NONE)).backingFile(files.backingFile())
            .backingSize(32 * BS).blockSize(BS).background(false).prefault(false).build();
        Files.write(cfg.cacheFile(), golden);
        Files.write(cfg.backingFile(), new byte[32 * BS]);
        final CacheInspector.Report r = CacheInspector.inspect(cfg.cacheFile(), 0, e -> { }, (w, d, t) -> { });
        assertEquals(1, r.version());
        assertEquals(DataChecksum.NONE, r.dataChecksum());
        assertEquals(5, r.dirtyBlocks());
        try (WriteCache c = WriteCache.open(cfg)) {
            for (int d = 0; d < 5; d++) {
                assertArrayEquals(expected(d), WriteCacheTest.read(c, (long) d * BS, BS), "device block " + d);
            }
            c.write(7L * BS, ByteBuffer.wrap(expected(7)), true);
            assertEquals(6, c.writeback());
        }
        final byte[] device = Files.readAllBytes(cfg.backingFile());
        for (final int d : new int[] {0, 1, 2, 3, 4, 7}) {
            assertArrayEquals(expected(d), Arrays.copyOfRange(device, d * BS, (d + 1) * BS), "written back " + d);
        }
        final byte[] after = Files.readAllBytes(cfg.cacheFile());
        assertArrayEquals(Arrays.copyOf(golden, 12), Arrays.copyOf(after, 12), "still version 1: magic, version");
    }
}
