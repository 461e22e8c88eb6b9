package org.writecache;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.writecache.format.CacheLayout;

/**
 * Random corruptions of a small cache file with known contents: bit flips and byte overwrites anywhere in the
 * metadata (superblock, commit word, entries), truncations anywhere in the file. Each outcome must be a clean
 * {@link CorruptCacheException}, a cache in the error state, or a cache whose every block reads as a value that was
 * once written to it (an oracle of all values written, zeros included). Data blocks themselves carry no checksum in
 * format version 1, so corrupting them is out of scope here.
 */
class CorruptionFuzzTest {
    @RegisterExtension
    final TestFiles files = new TestFiles();

    private static final int BS = 512;
    private static final int BLOCKS = 16;
    private static final int DEVICE_BLOCKS = 24;
    private static final int TRIALS = 3000;
    private static final long METADATA = CacheLayout.dataOffset(BLOCKS, BS);

    private static byte[] value(final int id, final int deviceBlock) {
        final byte[] b = new byte[BS];
        new Random(id * 1_000_003L + deviceBlock).nextBytes(b);
        return b;
    }

    @Test
    void randomCorruptionsNeverYieldWrongData() throws IOException {
        final long seed = Long.getLong("writecache.fuzz.seed", System.nanoTime());
        // Thousands of opens: keep the per-open INFO line out of the test output.
        final java.util.logging.Logger log = java.util.logging.Logger.getLogger(WriteCache.class.getName());
        final java.util.logging.Level level = log.getLevel();
        log.setLevel(java.util.logging.Level.WARNING);
        try {
            fuzz(seed);
        } finally {
            log.setLevel(level);
        }
    }

    private void fuzz(final long seed) throws IOException {
        final Random rnd = new Random(seed);
        final WriteCacheConfig cfg = WriteCacheConfig.builder()
            .cacheFile(files.cacheFile()).cacheSize(CacheLayout.regionSize(BLOCKS, BS)).blockSize(BS)
            .backingFile(files.backingFile()).backingSize((long) DEVICE_BLOCKS * BS)
            .background(false).prefault(false).autocommitBlocks(6).highWatermark(60).lowWatermark(30)
            .writebackJobs(3).build();
        final List<List<byte[]>> oracle = new ArrayList<>();
        for (int d = 0; d < DEVICE_BLOCKS; d++) {
            oracle.add(new ArrayList<>(List.of(new byte[BS])));
        }
        final byte[] image;
        try (WriteCache c = WriteCache.format(cfg)) {
            for (int id = 1; id <= 80; id++) {
                final int d = rnd.nextInt(DEVICE_BLOCKS);
                oracle.get(d).add(value(id, d));
                c.write((long) d * BS, ByteBuffer.wrap(value(id, d)), rnd.nextInt(4) == 0);
                if (rnd.nextInt(10) == 0) {
                    c.flush();
                }
                c.doWork();
            }
            // Snapshot while open: the image holds committed, superseded and uncommitted entries.
            image = Files.readAllBytes(cfg.cacheFile());
        }

        int corrupt = 0;
        int errorState = 0;
        int opened = 0;
        for (int t = 0; t < TRIALS; t++) {
            final byte[] damaged = image.clone();
            final StringBuilder what = new StringBuilder();
            byte[] file = damaged;
            final int n = 1 + rnd.nextInt(3);
            for (int k = 0; k < n; k++) {
                final int kind = rnd.nextInt(10);
                if (kind < 5) {
                    final int pos = rnd.nextInt((int) METADATA);
                    final int bit = rnd.nextInt(8);
                    damaged[pos] ^= (byte) (1 << bit);
                    what.append(" flip bit ").append(bit).append(" of byte ").append(pos).append(';');
                } else if (kind < 9) {
                    final int pos = rnd.nextInt((int) METADATA);
                    final byte v = (byte) rnd.nextInt(256);
                    damaged[pos] = v;
                    what.append(" set byte ").append(pos).append(" to ").append(v & 0xFF).append(';');
                } else {
                    final int len = rnd.nextInt(image.length);
                    file = Arrays.copyOf(damaged, len);
                    what.append(" truncate to ").append(len).append(';');
                }
            }
            Files.write(cfg.cacheFile(), file);
            final String context = "seed " + seed + ", trial " + t + ":" + what;
            final WriteCache c;
            try {
                c = WriteCache.open(cfg);
            } catch (final CorruptCacheException e) {
                corrupt++;
                continue;
            } catch (final IOException | RuntimeException e) {
                throw new AssertionError(context + " open threw " + e + " instead of CorruptCacheException", e);
            }
            try (c) {
                if (c.status().error() != 0) {
                    errorState++;
                    continue;
                }
                opened++;
                for (int d = 0; d < DEVICE_BLOCKS; d++) {
                    final byte[] got = WriteCacheTest.read(c, (long) d * BS, BS);
                    if (oracle.get(d).stream().noneMatch(v -> Arrays.equals(v, got))) {
                        fail(context + " block " + d + " reads bytes never written to it");
                    }
                }
            } catch (final IOException | RuntimeException e) {
                throw new AssertionError(context + " reading the opened cache threw " + e, e);
            }
        }
        System.out.printf("corruption fuzz: seed %d, %d corruptions tried: %d rejected as corrupt, %d opened in the "
            + "error state, %d opened with only written values%n", seed, TRIALS, corrupt, errorState, opened);
        assertTrue(corrupt > 0 && opened > 0, "seed " + seed + ": both outcomes occur in " + TRIALS + " trials");
    }
}
