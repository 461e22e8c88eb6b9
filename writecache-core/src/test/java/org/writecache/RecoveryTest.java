package org.writecache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.writecache.WriteCacheTest.block;
import static org.writecache.WriteCacheTest.read;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.writecache.format.CacheLayout;
import org.writecache.format.DataChecksum;
import org.writecache.format.EntryClass;
import org.writecache.format.EntryClassifier;
import org.writecache.pmem.FlushPolicy;
import org.writecache.pmem.MappedPersistentMemory;

/**
 * Recovery rules (design notes, section 3), on entries written by hand through the layout descriptor, in both format
 * versions.
 */
@ParameterizedClass
@EnumSource(DataChecksum.class)
class RecoveryTest {
    private static final int BS = 4096;

    @RegisterExtension
    final TestFiles files = new TestFiles();
    @RegisterExtension
    final TestBackings backings = new TestBackings(this::newBacking);

    /** The storage behind this test's caches: a file here; writecache-nbd runs these tests on NBD exports. */
    TestBacking newBacking(final Path file, final long size) throws IOException {
        return TestBacking.file(file);
    }

    private WriteCache open(final WriteCacheConfig cfg) throws IOException {
        return WriteCache.open(cfg, cfg.pmemBackend().open(cfg.cacheFile(), cfg.flushPolicy(), cfg.prefault()),
            backings.device(cfg));
    }

    @Parameter
    DataChecksum checksum;

    private WriteCacheConfig formatted() throws IOException {
        final WriteCacheConfig cfg = WriteCacheConfig.builder()
            .cacheFile(files.cacheFile()).cacheSize(1 << 20)
            .backingFile(files.backingFile()).backingSize(4L << 20).dataChecksum(checksum)
            .background(false).build();
        WriteCache.format(cfg, cfg.pmemBackend().create(cfg.cacheFile(), cfg.cacheSize(), cfg.flushPolicy(),
            cfg.prefault()), backings.device(cfg)).close();
        return cfg;
    }

    /** Edits the closed cache's media: entries as {block, device block, seq}, a commit count, data per block. */
    private static void edit(final Path cacheFile, final long[][] entries, final long commit) throws IOException {
        try (MappedPersistentMemory pm = MappedPersistentMemory.open(cacheFile, FlushPolicy.MSYNC, false)) {
            final CacheLayout l = CacheLayout.open(pm, 0, BS);
            for (final long[] e : entries) {
                l.writeEntry((int) e[0], e[1], e[2]);
                pm.copyFrom(block((int) e[0] + 100), 0, l.blockOffset((int) e[0]), BS);
                if (l.dataChecksum().enabled()) {
                    l.writeDataCrc((int) e[0], e[1], e[2], l.dataCrc((int) e[0]));
                }
            }
            l.commit(commit);
            pm.persist(0, pm.size());
        }
    }

    private static CacheLayout.Entry entry(final Path cacheFile, final int block) throws IOException {
        try (MappedPersistentMemory pm = MappedPersistentMemory.open(cacheFile, FlushPolicy.MSYNC, false)) {
            final CacheLayout.Entry e = new CacheLayout.Entry();
            CacheLayout.open(pm, 0, BS).readEntry(block, e);
            return e;
        }
    }

    @Test
    void uncommittedEntriesAreFreedOnMedia() throws IOException {
        final WriteCacheConfig cfg = formatted();
        edit(cfg.cacheFile(), new long[][] {{0, 5, 3}, {1, 6, 2}}, 3);
        try (WriteCache c = open(cfg)) {
            assertEquals(1, c.status().dirtyBlocks());
            assertArrayEquals(new byte[BS], read(c, 5 * BS, BS), "seq 3 is not below the commit count 3");
            assertArrayEquals(block(101), read(c, 6 * BS, BS));
        }
        assertEquals(CacheLayout.Entry.State.FREE, entry(cfg.cacheFile(), 0).state,
            "a later commit must not be able to turn the dropped entry into committed garbage");
    }

    @Test
    void ofTwoCommittedEntriesForOneBlockTheHigherSeqWins() throws IOException {
        final WriteCacheConfig cfg = formatted();
        edit(cfg.cacheFile(), new long[][] {{0, 5, 2}, {1, 5, 1}, {2, 7, 0}, {3, 7, 1}}, 3);
        try (WriteCache c = open(cfg)) {
            assertEquals(2, c.status().dirtyBlocks());
            assertArrayEquals(block(100), read(c, 5 * BS, BS));
            assertArrayEquals(block(103), read(c, 7 * BS, BS));
        }
        assertEquals(CacheLayout.Entry.State.FREE, entry(cfg.cacheFile(), 1).state);
        assertEquals(CacheLayout.Entry.State.FREE, entry(cfg.cacheFile(), 2).state);
    }

    @Test
    void twoCommittedEntriesWithTheSameSeqPutTheCacheInTheErrorState() throws IOException {
        final WriteCacheConfig cfg = formatted();
        edit(cfg.cacheFile(), new long[][] {{0, 5, 1}, {1, 5, 1}}, 2);
        try (WriteCache c = open(cfg)) {
            final CacheStatus s = c.status();
            assertEquals(5, s.error());
            assertTrue(s.errorMessage().contains("device block 5"), s.errorMessage());
            final WriteCacheException e = assertThrows(WriteCacheException.class,
                () -> c.write(0, ByteBuffer.allocate(BS), false));
            assertTrue(e.getMessage().contains("error state"), e.getMessage());
        }
    }

    @Test
    void anEntryBeyondTheBackingDeviceIsCorruption() throws IOException {
        final WriteCacheConfig cfg = formatted();
        edit(cfg.cacheFile(), new long[][] {{0, 1024, 1}}, 2);
        final CorruptCacheException e = assertThrows(CorruptCacheException.class, () -> open(cfg));
        assertTrue(e.getMessage().contains("device block 1024"), e.getMessage());
    }

    @Test
    void anEntryAboveTheCommitCountIsCorruption() throws IOException {
        final WriteCacheConfig cfg = formatted();
        edit(cfg.cacheFile(), new long[][] {{4, 9, 8}}, 2);
        final CorruptCacheException e = assertThrows(CorruptCacheException.class, () -> open(cfg));
        assertTrue(e.getMessage().contains("entry 4") && e.getMessage().contains("seq 8"), e.getMessage());
    }

    /** Recovery and the offline inspector classify every entry alike: they share {@link EntryClassifier}. */
    @Test
    void theInspectorClassifiesEntriesAsRecoveryDoes() throws IOException {
        final WriteCacheConfig cfg = formatted();
        edit(cfg.cacheFile(), new long[][] {{0, 5, 2}, {1, 5, 1}, {2, 6, 3}, {3, 7, 0}, {4, 9, 8}, {5, 1024, 1}}, 3);
        final Map<Integer, EntryClass> classes = new HashMap<>();
        final CacheInspector.Report r = CacheInspector.inspect(cfg.cacheFile(), 0,
            info -> classes.put(info.block(), info.state()), (w, d, t) -> { });
        classes.values().removeIf(c -> c == EntryClass.FREE);
        assertEquals(Map.of(0, EntryClass.COMMITTED, 1, EntryClass.COMMITTED, 2, EntryClass.UNCOMMITTED,
            3, EntryClass.COMMITTED, 4, EntryClass.SEQ_AHEAD, 5, EntryClass.OUT_OF_RANGE), classes);
        assertEquals(1, r.uncommitted(), "an entry above the commit count is not uncommitted: it is corrupt");
        assertEquals(1, r.duplicates());
        assertEquals(2, r.problems().size(), r.problems().toString());
        final CorruptCacheException e = assertThrows(CorruptCacheException.class, () -> open(cfg));
        assertEquals(r.problems().get(0), e.getMessage(), "the same words for the same entry");
    }

    @Test
    void writebackAfterReopenTakesTheOldestBlocksFirst() throws IOException {
        writebackTakesTheOldestFirst(new long[][] {{0, 5, 4}, {1, 6, 0}, {2, 7, 2}}, 5);
    }

    /** Seqs spread wider than four times the block count: the write order is rebuilt by a comparison sort. */
    @Test
    void writebackAfterReopenTakesTheOldestBlocksFirstOverAWideRangeOfSeqs() throws IOException {
        writebackTakesTheOldestFirst(new long[][] {{0, 5, 5000}, {1, 6, 3}, {2, 7, 2000}}, 6000);
    }

    /** Entry 1 (device block 6) is the oldest: one writeback job writes it first. */
    private void writebackTakesTheOldestFirst(final long[][] entries, final long commit) throws IOException {
        final WriteCacheConfig cfg = formatted();
        edit(cfg.cacheFile(), entries, commit);
        final WriteCacheConfig one = cfg.toBuilder().writebackJobs(1).highWatermark(0).lowWatermark(0).build();
        try (WriteCache c = open(one)) {
            c.doWork();
            assertEquals(2, c.status().dirtyBlocks());
            assertEquals(1, c.status().blocksWrittenBack());
            assertArrayEquals(block(101), backings.of(cfg).read(6L * BS, BS), "the lowest seq is the oldest");
            c.doWork();
            assertArrayEquals(block(102), backings.of(cfg).read(7L * BS, BS), "then the next lowest");
        }
    }

    @Test
    void aFileThatIsNotACacheIsRejectedAndAValidOneIsNotFormattedOverWithoutForce() throws IOException {
        final WriteCacheConfig cfg = formatted();
        final IOException again = assertThrows(IOException.class, () -> WriteCache.format(cfg));
        assertTrue(again.getMessage().contains(Settings.FORCE_FORMAT.name()), again.getMessage());
        WriteCache.format(cfg.toBuilder().forceFormat(true).build()).close();
        final Path junk = files.cacheFile();
        java.nio.file.Files.write(junk, new byte[8192]);
        final CorruptCacheException e = assertThrows(CorruptCacheException.class,
            () -> WriteCache.open(cfg.toBuilder().cacheFile(junk).build()));
        assertTrue(e.getMessage().contains("not a writecache cache"), e.getMessage());
    }
}
