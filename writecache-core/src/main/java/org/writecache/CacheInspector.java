package org.writecache;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.agrona.collections.Long2LongHashMap;
import org.writecache.format.CacheLayout;
import org.writecache.pmem.MappedPersistentMemory;

/**
 * Reads a cache file at rest without changing it: the superblock, the commit word and every entry, with the checks
 * recovery makes, for {@code writecache check}, {@code dump} and {@code status} of a closed cache. The file is
 * mapped read only under a shared lock: read permission is enough, other readers may look at the same time, and a
 * cache that has the file open (holding its exclusive lock) makes the inspection fail with
 * {@link org.writecache.pmem.CacheFileLockedException}.
 */
public final class CacheInspector {
    /** Entries between two progress reports. */
    public static final int PROGRESS_STEP = 1 << 16;
    private static final int MAX_PROBLEMS = 100;

    /** Receives scan progress. */
    @FunctionalInterface
    public interface Progress {
        /** {@code done} of {@code total} entries scanned. */
        void progress(long done, long total);
    }

    /** What an entry holds. */
    public enum EntryState {
        /** Free. */
        FREE,
        /** Committed: its seq is below the commit count. */
        COMMITTED,
        /** Written but not committed: recovery drops it. */
        UNCOMMITTED,
        /** Fails its checksum. */
        CORRUPT
    }

    /**
     * One entry.
     *
     * @param block       cache block (entry index)
     * @param state       what it holds
     * @param deviceBlock device block it maps, -1 when free
     * @param seq         seq it was written at, -1 when free
     */
    public record EntryInfo(int block, EntryState state, long deviceBlock, long seq) {
    }

    /**
     * What a scan found.
     *
     * @param blockSize   block size
     * @param blocks      cache blocks
     * @param deviceSize  backing device size at format time
     * @param seqCount    the commit count
     * @param free        free entries
     * @param committed   committed entries
     * @param uncommitted uncommitted entries (dropped at the next open)
     * @param duplicates  committed entries superseded by a newer one of the same device block (freed at open)
     * @param problems    what makes the cache unusable, each naming the entry; empty when the cache is good
     */
    public record Report(int blockSize, int blocks, long deviceSize, long seqCount, int free, int committed,
                         int uncommitted, int duplicates, List<String> problems) {
        /** @return whether no problem was found. */
        public boolean ok() {
            return problems.isEmpty();
        }

        /** @return blocks that hold data not yet on the backing device. */
        public int dirtyBlocks() {
            return committed - duplicates;
        }
    }

    private CacheInspector() {
    }

    /**
     * Scans the cache in {@code cacheFile} at {@code startOffset}.
     *
     * @param entries  called for every entry, in order
     * @param progress called with the number of entries scanned, every {@link #PROGRESS_STEP} and at the end
     * @throws CorruptCacheException if the superblock or commit word is bad (nothing further can be read).
     */
    public static Report inspect(final Path cacheFile, final long startOffset, final Consumer<EntryInfo> entries,
                                 final Progress progress) throws IOException {
        try (MappedPersistentMemory pm = MappedPersistentMemory.openReadOnly(cacheFile)) {
            final CacheLayout layout = CacheLayout.open(pm, startOffset, 0);
            final long seq = layout.seqCount();
            final int n = layout.blockCount();
            final long deviceBlocks = layout.deviceSize() / layout.blockSize();
            final Long2LongHashMap newest = new Long2LongHashMap(-1);
            final List<String> problems = new ArrayList<>();
            final CacheLayout.Entry e = new CacheLayout.Entry();
            int free = 0;
            int committed = 0;
            int uncommitted = 0;
            int duplicates = 0;
            for (int i = 0; i < n; i++) {
                layout.readEntry(i, e);
                final EntryState state = switch (e.state) {
                    case FREE -> EntryState.FREE;
                    case CORRUPT -> EntryState.CORRUPT;
                    default -> e.seq < seq ? EntryState.COMMITTED : EntryState.UNCOMMITTED;
                };
                switch (state) {
                    case FREE -> free++;
                    case CORRUPT -> problem(problems, "entry " + i + " (offset " + layout.entryOffset(i)
                        + ") fails its checksum");
                    case UNCOMMITTED -> {
                        uncommitted++;
                        if (e.seq > seq) {
                            problem(problems, "entry " + i + " has seq " + e.seq + " above the commit count " + seq);
                        }
                    }
                    case COMMITTED -> {
                        committed++;
                        if (e.deviceBlock >= deviceBlocks) {
                            problem(problems, "entry " + i + " maps device block " + e.deviceBlock
                                + ", beyond the backing device of " + deviceBlocks + " blocks");
                        }
                        final long other = newest.get(e.deviceBlock);
                        if (other == e.seq) {
                            problem(problems, "two committed entries hold device block " + e.deviceBlock
                                + " at seq " + e.seq + " (the second is entry " + i + ")");
                        } else if (other >= 0) {
                            duplicates++;
                        }
                        if (e.seq > other) {
                            newest.put(e.deviceBlock, e.seq);
                        }
                    }
                    default -> throw new IllegalStateException(state.toString());
                }
                final boolean used = state != EntryState.FREE;
                entries.accept(new EntryInfo(i, state, used ? e.deviceBlock : -1, used ? e.seq : -1));
                if ((i + 1) % PROGRESS_STEP == 0) {
                    progress.progress(i + 1, n);
                }
            }
            progress.progress(n, n);
            return new Report(layout.blockSize(), n, layout.deviceSize(), seq, free, committed, uncommitted,
                duplicates, List.copyOf(problems));
        }
    }

    private static void problem(final List<String> problems, final String p) {
        if (problems.size() < MAX_PROBLEMS) {
            problems.add(p);
        }
    }
}
