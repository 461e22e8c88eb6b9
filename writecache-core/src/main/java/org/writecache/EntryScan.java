package org.writecache;

import org.writecache.format.CacheLayout;
import org.writecache.format.EntryClass;
import org.writecache.format.EntryClassifier;
import org.writecache.format.EntryScanner;

/**
 * One part of recovery's scan, entries {@code [from, to)}: free and uncommitted entries are listed as free (uncommitted
 * ones freed on media first), committed ones collected for the index and marked COMMITTED, and the first entry that
 * refuses the open is kept as the part's failure. Parts of one cache write disjoint ranges of the shared arrays
 * ({@code free} and {@code found} from index {@code from} on), so they may run on different threads.
 */
final class EntryScan implements Runnable {
    final int from;
    final int to;
    int freeCount;
    int foundCount;
    int uncommitted;
    long minSeq = Long.MAX_VALUE;
    long maxSeq = -1;
    CorruptCacheException failure;

    private final CacheLayout layout;
    private final EntryClassifier classifier;
    private final EntryScanner scanner;
    private final byte[] state;
    private final int[] free;
    private final long[] found;
    private final CacheLayout.Entry e = new CacheLayout.Entry();

    /**
     * @param free  where free entries go, from index {@code from}.
     * @param found where committed entries go, {@code deviceBlock << 31 | block}, from index {@code from}.
     */
    EntryScan(final CacheLayout layout, final EntryClassifier classifier, final byte[] state, final int[] free,
              final long[] found, final int from, final int to) {
        this.layout = layout;
        this.classifier = classifier;
        this.scanner = new EntryScanner(layout);
        this.state = state;
        this.free = free;
        this.found = found;
        this.from = from;
        this.to = to;
    }

    @Override
    public void run() {
        try {
            for (int at = from; at < to; at += EntryScanner.CHUNK) {
                scan(at, Math.min(to, at + EntryScanner.CHUNK));
            }
            if (uncommitted > 0) {
                layout.memory().fence(); // a thread's flushes are made durable by its own fence
            }
        } catch (final CorruptCacheException bad) {
            failure = bad;
        }
    }

    /** One chunk: the common cases inline (free; committed), everything else out of line. */
    private void scan(final int start, final int end) throws CorruptCacheException {
        scanner.load(start, end - start);
        for (int i = start; i < end; i++) {
            scanner.decode(i, e);
            final EntryClass c = classifier.classify(e);
            if (c == EntryClass.FREE) {
                free[from + freeCount++] = i;
            } else if (c == EntryClass.COMMITTED) {
                found[from + foundCount++] = e.deviceBlock << 31 | i;
                state[i] = BlockState.COMMITTED;
                minSeq = Math.min(minSeq, e.seq);
                maxSeq = Math.max(maxSeq, e.seq);
            } else {
                unusual(i, c);
            }
        }
    }

    /** An entry that refuses the open, or an uncommitted one: freed on media, so no later commit can cover it. */
    private void unusual(final int i, final EntryClass c) throws CorruptCacheException {
        if (c.refusesOpen()) {
            throw new CorruptCacheException(classifier.problem(i, c, e));
        }
        layout.freeEntry(i);
        layout.flushEntry(i);
        free[from + freeCount++] = i;
        uncommitted++;
    }
}
