package org.writecache;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.agrona.collections.Long2LongHashMap;
import org.writecache.format.CacheLayout;
import org.writecache.format.DataChecksum;
import org.writecache.format.EntryClass;
import org.writecache.format.EntryClassifier;
import org.writecache.format.EntryScanner;
import org.writecache.pmem.MappedPersistentMemory;

/**
 * Reads a cache file at rest without changing it: the superblock, the commit word and every entry, classified exactly
 * as recovery classifies them ({@link EntryClassifier}), and optionally every data block against its checksum, for
 * {@code writecache check}, {@code dump} and {@code status} of a closed cache. The file is mapped read only under a
 * shared lock: read permission is enough, other readers may look at the same time, and a cache that has the file open
 * (holding its exclusive lock) makes the inspection fail with {@link org.writecache.pmem.CacheFileLockedException}.
 */
public final class CacheInspector {
    /** Entries or blocks between two progress reports. */
    public static final int PROGRESS_STEP = 1 << 16;
    private static final int MAX_PROBLEMS = 100;

    /** Receives scan progress. */
    @FunctionalInterface
    public interface Progress {
        /** {@code done} of {@code total} items of phase {@code what} ({@code entries}, then {@code data blocks}). */
        void progress(String what, long done, long total);
    }

    /**
     * One entry.
     *
     * @param block       cache block (entry index)
     * @param state       its class, as recovery sees it
     * @param deviceBlock device block it maps, -1 when free
     * @param seq         seq it was written at, -1 when free
     */
    public record EntryInfo(int block, EntryClass state, long deviceBlock, long seq) {
    }

    /**
     * A committed block whose data cannot be trusted: a running cache fails every read of it and never writes it back.
     *
     * @param block       cache block
     * @param deviceBlock device block it holds
     * @param seq         seq it was written at
     * @param reason      what failed: the data against its checksum, or the checksum word against its check
     */
    public record BadBlock(int block, long deviceBlock, long seq, String reason) {
    }

    /**
     * What a scan found.
     *
     * @param version      format version
     * @param dataChecksum data checksums the cache was formatted with
     * @param blockSize    block size
     * @param blocks       cache blocks
     * @param deviceSize   backing device size at format time
     * @param seqCount     the commit count
     * @param free         free entries
     * @param committed    committed entries
     * @param uncommitted  uncommitted entries (dropped at the next open)
     * @param duplicates   committed entries superseded by a newer one of the same device block (freed at open)
     * @param dataVerified whether every dirty block's data was read and checked against its checksum
     * @param badBlocks    dirty blocks whose data or checksum failed; data is read only when {@code dataVerified}
     * @param problems     what makes the cache unusable, each naming the entry; empty when the cache opens
     */
    public record Report(int version, DataChecksum dataChecksum, int blockSize, int blocks, long deviceSize,
                         long seqCount, int free, int committed, int uncommitted, int duplicates, boolean dataVerified,
                         List<BadBlock> badBlocks, List<String> problems) {
        /** @return whether the cache opens and no dirty block is bad. */
        public boolean ok() {
            return problems.isEmpty() && badBlocks.isEmpty();
        }

        /** @return blocks that hold data not yet on the backing device. */
        public int dirtyBlocks() {
            return committed - duplicates;
        }
    }

    private CacheInspector() {
    }

    /** {@link #inspect(Path, long, boolean, Consumer, Progress)} without reading the data blocks. */
    public static Report inspect(final Path cacheFile, final long startOffset, final Consumer<EntryInfo> entries,
                                 final Progress progress) throws IOException {
        return inspect(cacheFile, startOffset, false, entries, progress);
    }

    /**
     * Scans the cache in {@code cacheFile} at {@code startOffset}.
     *
     * @param verifyData also read every dirty data block and check it against its checksum (caches formatted with
     *                   data checksums; a scrub)
     * @param entries    called for every entry, in order
     * @param progress   called every {@link #PROGRESS_STEP} entries (and data blocks) and at the end of each phase
     * @throws CorruptCacheException if the superblock or commit word is bad (nothing further can be read).
     */
    public static Report inspect(final Path cacheFile, final long startOffset, final boolean verifyData,
                                 final Consumer<EntryInfo> entries, final Progress progress) throws IOException {
        try (MappedPersistentMemory pm = MappedPersistentMemory.openReadOnly(cacheFile)) {
            final CacheLayout layout = CacheLayout.open(pm, startOffset, 0);
            final Scan scan = new Scan(layout);
            scan.entries(entries, progress);
            final boolean data = verifyData && layout.dataChecksum().enabled();
            if (layout.dataChecksum().enabled()) {
                scan.dirtyBlocks(data, progress);
            }
            return new Report(layout.version(), layout.dataChecksum(), layout.blockSize(), layout.blockCount(),
                layout.deviceSize(), scan.classifier.seqCount(), scan.free, scan.committed, scan.uncommitted,
                scan.duplicates, data, List.copyOf(scan.bad), List.copyOf(scan.problems));
        }
    }

    /** The state of one scan: counts, the newest committed entry of each device block, problems, bad blocks. */
    private static final class Scan {
        final CacheLayout layout;
        final EntryClassifier classifier;
        final int n;
        final Long2LongHashMap newest = new Long2LongHashMap(-1);
        final List<String> problems = new ArrayList<>();
        final List<BadBlock> bad = new ArrayList<>();
        final EntryScanner scanner;
        final CacheLayout.Entry e = new CacheLayout.Entry();
        final CacheLayout.Entry other = new CacheLayout.Entry();
        int free;
        int committed;
        int uncommitted;
        int duplicates;

        Scan(final CacheLayout layout) throws CorruptCacheException {
            this.layout = layout;
            this.n = layout.blockCount();
            this.scanner = new EntryScanner(layout);
            this.classifier = new EntryClassifier(layout, layout.seqCount(), layout.deviceSize() / layout.blockSize());
        }

        /** @return the class of entry {@code i}, decoded into {@link #e}, read a chunk at a time. */
        private EntryClass classify(final int i) {
            if (i % EntryScanner.CHUNK == 0) {
                scanner.load(i, Math.min(EntryScanner.CHUNK, n - i));
            }
            scanner.decode(i, e);
            return classifier.classify(e);
        }

        void entries(final Consumer<EntryInfo> entries, final Progress progress) {
            for (int i = 0; i < n; i++) {
                final EntryClass c = classify(i);
                switch (c) {
                    case FREE -> free++;
                    case UNCOMMITTED -> uncommitted++;
                    case COMMITTED -> committed(i);
                    default -> problem(classifier.problem(i, c, e));
                }
                final boolean used = c != EntryClass.FREE;
                entries.accept(new EntryInfo(i, c, used ? e.deviceBlock : -1, used ? e.seq : -1));
                if ((i + 1) % PROGRESS_STEP == 0) {
                    progress.progress("entries", i + 1, n);
                }
            }
            progress.progress("entries", n, n);
        }

        private void committed(final int i) {
            committed++;
            final long seq = e.seq;
            final int existing = (int) newest.get(e.deviceBlock);
            if (existing < 0) {
                newest.put(e.deviceBlock, i);
                return;
            }
            layout.readEntry(existing, other);
            switch (EntryClassifier.resolve(other.seq, seq)) {
                case CONFLICT -> problem(EntryClassifier.conflict(existing, i, e.deviceBlock, seq));
                case REPLACE -> {
                    newest.put(e.deviceBlock, i);
                    duplicates++;
                }
                default -> duplicates++;
            }
        }

        /** Checks the checksum word of every dirty block, and with {@code data} its data too. */
        void dirtyBlocks(final boolean data, final Progress progress) {
            final int total = newest.size();
            int done = 0;
            for (int i = 0; i < n; i++) {
                if (classify(i) != EntryClass.COMMITTED || newest.get(e.deviceBlock) != i) {
                    continue;
                }
                final long stored = layout.storedDataCrc(i);
                if (stored < 0) {
                    bad.add(new BadBlock(i, e.deviceBlock, e.seq, "its checksum word fails its check"));
                } else if (data && layout.dataCrc(i) != (int) stored) {
                    bad.add(new BadBlock(i, e.deviceBlock, e.seq, "its data does not match its checksum"));
                }
                if (data && ++done % PROGRESS_STEP == 0) {
                    progress.progress("data blocks", done, total);
                }
            }
            if (data) {
                progress.progress("data blocks", total, total);
            }
        }

        private void problem(final String p) {
            if (problems.size() < MAX_PROBLEMS) {
                problems.add(p);
            }
        }
    }
}
