package org.writecache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.writecache.checksum.DataChecksums;
import org.writecache.format.CacheLayout;
import org.writecache.format.DataChecksum;

/**
 * Random corruptions of a small cache file with known contents, in both format versions, checked against an oracle of
 * every value ever written to each block (zeros included).
 *
 * <p><b>Metadata</b>: bit flips and byte overwrites anywhere in the superblock, commit word and entries, truncations
 * anywhere in the file. Each outcome must be a clean {@link CorruptCacheException}, a cache in the error state, or a
 * cache whose every block reads as a value once written to it or is refused with {@link DataChecksumException} (a
 * damaged checksum word).
 *
 * <p><b>Data</b>: single-bit flips anywhere in the data blocks. With data checksums no read returns a wrong byte and
 * no wrong byte reaches the backing device: every flip in a dirty block is refused on read and kept out of writeback.
 * Without them (version 1) the same sweep is the control: it must see wrong bytes come back, or it would prove
 * nothing. Seed: {@code -Dwritecache.fuzz.seed=}.
 */
@ParameterizedClass
@EnumSource(DataChecksum.class)
class CorruptionFuzzTest {
    @RegisterExtension
    final TestFiles files = new TestFiles();

    private static final int BS = 512;
    private static final int BLOCKS = 16;
    private static final int DEVICE_BLOCKS = 24;
    private static final int TRIALS = 3000;
    /** Data flips with checksums; the control sweep without them needs fewer to see wrong bytes. */
    private static final int DATA_FLIPS = 1000;
    private static final int CONTROL_FLIPS = 300;
    private static final Logger[] QUIET = {Logger.getLogger(WriteCache.class.getName()),
        Logger.getLogger(DataChecksums.class.getName())};

    @Parameter
    DataChecksum checksum;

    private final long seed = Long.getLong("writecache.fuzz.seed", System.nanoTime());
    private final Random rnd = new Random(seed);
    private final List<List<byte[]>> oracle = new ArrayList<>();
    private final Level[] levels = new Level[QUIET.length];
    private WriteCacheConfig cfg;
    private byte[] image;
    private byte[] backing;

    private static byte[] value(final int id, final int deviceBlock) {
        final byte[] b = new byte[BS];
        new Random(id * 1_000_003L + deviceBlock).nextBytes(b);
        return b;
    }

    /** A cache written to at random, snapshotted while open (committed, superseded and uncommitted entries). */
    @BeforeEach
    void populate() throws IOException {
        for (int i = 0; i < QUIET.length; i++) { // thousands of opens: keep their log lines out of the test output
            levels[i] = QUIET[i].getLevel();
            QUIET[i].setLevel(Level.SEVERE);
        }
        cfg = WriteCacheConfig.builder()
            .cacheFile(files.cacheFile()).cacheSize(CacheLayout.regionSize(BLOCKS, BS, checksum)).blockSize(BS)
            .backingFile(files.backingFile()).backingSize((long) DEVICE_BLOCKS * BS).dataChecksum(checksum)
            .background(false).prefault(false).autocommitBlocks(6).highWatermark(60).lowWatermark(30)
            .writebackJobs(3).build();
        for (int d = 0; d < DEVICE_BLOCKS; d++) {
            oracle.add(new ArrayList<>(List.of(new byte[BS])));
        }
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
            for (int id = 81; id <= 84; id++) { // at least four dirty blocks, whatever writeback did last
                final int d = (id - 81) * 5;
                oracle.get(d).add(value(id, d));
                c.write((long) d * BS, ByteBuffer.wrap(value(id, d)), true);
            }
            image = Files.readAllBytes(cfg.cacheFile());
            backing = Files.readAllBytes(cfg.backingFile());
        }
    }

    @AfterEach
    void restoreLogging() {
        for (int i = 0; i < QUIET.length; i++) {
            QUIET[i].setLevel(levels[i]);
        }
    }

    private boolean written(final int d, final byte[] bytes) {
        return oracle.get(d).stream().anyMatch(v -> Arrays.equals(v, bytes));
    }

    @Test
    void randomMetadataCorruptionsNeverYieldWrongData() throws IOException {
        final int metadata = (int) CacheLayout.dataOffset(BLOCKS, BS, checksum);
        int corrupt = 0;
        int errorState = 0;
        int opened = 0;
        int refusedReads = 0;
        for (int t = 0; t < TRIALS; t++) {
            final byte[] damaged = image.clone();
            final StringBuilder what = new StringBuilder();
            byte[] file = damaged;
            final int n = 1 + rnd.nextInt(3);
            for (int k = 0; k < n; k++) {
                final int kind = rnd.nextInt(10);
                if (kind < 5) {
                    final int pos = rnd.nextInt(metadata);
                    final int bit = rnd.nextInt(8);
                    damaged[pos] ^= (byte) (1 << bit);
                    what.append(" flip bit ").append(bit).append(" of byte ").append(pos).append(';');
                } else if (kind < 9) {
                    final int pos = rnd.nextInt(metadata);
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
            Files.write(cfg.backingFile(), backing);
            final String context = "seed " + seed + ", " + checksum + ", trial " + t + ":" + what;
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
                    try {
                        if (!written(d, WriteCacheTest.read(c, (long) d * BS, BS))) {
                            fail(context + " block " + d + " reads bytes never written to it");
                        }
                    } catch (final DataChecksumException e) {
                        refusedReads++;
                    }
                }
            } catch (final IOException | RuntimeException e) {
                throw new AssertionError(context + " reading the opened cache threw " + e, e);
            }
        }
        System.out.printf("corruption fuzz (format version %d): seed %d, %d metadata corruptions tried: %d rejected as "
                + "corrupt, %d opened in the error state, %d opened with only written values (%d reads refused by a "
                + "data checksum)%n", checksum.formatVersion(), seed, TRIALS, corrupt, errorState, opened,
            refusedReads);
        assertTrue(corrupt > 0 && opened > 0, "seed " + seed + ": both outcomes occur in " + TRIALS + " trials");
    }

    @Test
    void dataBitFlipsAreRefusedNeverReturnedOrWrittenBack() throws IOException {
        final long dataOffset = CacheLayout.dataOffset(BLOCKS, BS, checksum);
        // refused on read, kept out of writeback, blocks read wrong, blocks written back wrong, flips the offline scrub
        // finds in a dirty block
        final long[] counts = new long[5];
        final int flips = checksum.enabled() ? DATA_FLIPS : CONTROL_FLIPS;
        for (int t = 0; t < flips; t++) {
            final byte[] damaged = image.clone();
            final int pos = (int) (dataOffset + rnd.nextInt(BLOCKS * BS));
            final int bit = rnd.nextInt(8);
            damaged[pos] ^= (byte) (1 << bit);
            Files.write(cfg.cacheFile(), damaged);
            Files.write(cfg.backingFile(), backing);
            flipTrial("seed " + seed + ", " + checksum + ", trial " + t + ": flip bit " + bit + " of byte " + pos,
                (int) ((pos - dataOffset) / BS), counts);
        }
        System.out.printf("data bit flips (format version %d): seed %d, %d single-bit flips in the data area: %d found "
                + "in a dirty block by the offline scrub, %d refused on read, %d kept out of writeback; %d blocks read "
                + "wrong, %d written back wrong%n", checksum.formatVersion(), seed, flips, counts[4], counts[0],
            counts[1], counts[2], counts[3]);
        if (checksum.enabled()) {
            assertEquals(0, counts[2], "seed " + seed + ": wrong blocks returned by reads");
            assertEquals(0, counts[3], "seed " + seed + ": wrong blocks written back");
            assertTrue(counts[4] > DATA_FLIPS / 10, "seed " + seed + ": the sweep hits dirty blocks");
        } else {
            assertTrue(counts[2] > 0, "seed " + seed + ": without checksums the control sweep must see wrong bytes");
        }
    }

    /** Opens the damaged cache, reads every block, writes everything back and checks the backing file. */
    private void flipTrial(final String context, final int flipped, final long[] counts) throws IOException {
        final boolean dirty = checksum.enabled() && !CacheInspector.inspect(cfg.cacheFile(), 0, true, e -> { },
            (w, d, t) -> { }).badBlocks().isEmpty();
        counts[4] += dirty ? 1 : 0;
        try (WriteCache c = WriteCache.open(cfg)) {
            int refused = 0;
            for (int d = 0; d < DEVICE_BLOCKS; d++) {
                try {
                    if (!written(d, WriteCacheTest.read(c, (long) d * BS, BS))) {
                        counts[2]++;
                    }
                } catch (final DataChecksumException e) {
                    assertEquals(flipped, e.cacheBlock(), context + ": refused another block than the damaged one");
                    assertEquals(d, e.deviceBlock(), context);
                    refused++;
                }
            }
            assertEquals(dirty ? 1 : 0, refused, context + ": the offline scrub and the reads disagree");
            counts[0] += refused;
            boolean kept = false;
            try {
                c.writeback();
            } catch (final DataChecksumException e) {
                assertEquals(flipped, e.cacheBlock(), context);
                assertEquals(1, c.status().badBlocks(), context);
                kept = true;
            }
            assertEquals(dirty, kept, context + ": the offline scrub and writeback disagree");
            counts[1] += kept ? 1 : 0;
        }
        final byte[] device = Files.readAllBytes(cfg.backingFile());
        for (int d = 0; d < DEVICE_BLOCKS; d++) {
            if (!written(d, Arrays.copyOfRange(device, d * BS, (d + 1) * BS))) {
                counts[3]++;
            }
        }
    }
}
