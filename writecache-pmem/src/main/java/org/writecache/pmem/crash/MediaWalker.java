package org.writecache.pmem.crash;

import java.util.Arrays;
import org.writecache.pmem.HeapPersistentMemory;
import org.writecache.pmem.PersistentMemory;

/**
 * Walks an {@link EventLog} forward once, keeping what a crash at the current position could leave on media.
 *
 * <p>State after applying events {@code [0, cut)}:
 * <ul>
 *   <li>the <em>floor</em>: the media image every crash leaves at least (the initial image plus, for each line, the
 *       words it had when it was last flushed and then fenced);</li>
 *   <li>for each dirty line, its <em>pending</em> word stores since its floor, in program order, as rows of the log;
 *       a crash may leave the line at its floor plus any prefix of them (or, adversarially, any version of each
 *       word);</li>
 *   <li>for each line flushed since the last fence, how many of its pending stores that flush captured: the next
 *       fence moves exactly those into the floor; stores made after the flush stay pending.</li>
 * </ul>
 *
 * <p>Cost: the floor (one region), 4 bytes per pending word store, about 20 bytes per line. Each event is applied
 * once; a fence costs the words it makes durable.
 */
final class MediaWalker {
    private static final int LINE_SHIFT = Integer.numberOfTrailingZeros(PersistentMemory.CACHE_LINE);

    private final EventLog log;
    private final HeapPersistentMemory floor;
    private final int[][] pending;
    private final int[] pendingCount;
    private final int[] flushedCount;
    private final int[] dirty;
    private final int[] dirtyIndex;
    private final int[] flushed;
    private int dirtyLines;
    private int flushedLines;
    private int next;
    private long hash = 0xCBF29CE484222325L;

    MediaWalker(final EventLog log, final HeapPersistentMemory initial) {
        this.log = log;
        this.floor = initial.copy();
        final int lines = (int) ((initial.size() + PersistentMemory.CACHE_LINE - 1) >>> LINE_SHIFT);
        this.pending = new int[lines][];
        this.pendingCount = new int[lines];
        this.flushedCount = new int[lines];
        this.dirty = new int[lines];
        this.dirtyIndex = new int[lines];
        this.flushed = new int[lines];
        Arrays.fill(dirtyIndex, -1);
    }

    /** @return the number of events applied: the crash point the state describes. */
    int cut() {
        return next;
    }

    /** @return a hash of events {@code [0, cut())}, to tell whether a replay string belongs to this log. */
    long logHash() {
        return hash;
    }

    /** @return a copy of the floor: the image of a crash in which no pending store reached media. */
    HeapPersistentMemory floorCopy() {
        return floor.copy();
    }

    /** @return the dirty lines, ascending. */
    int[] pendingLines() {
        final int[] lines = Arrays.copyOf(dirty, dirtyLines);
        Arrays.sort(lines);
        return lines;
    }

    /** @return the log rows of {@code line}'s pending stores, in program order. */
    int[] pendingStores(final int line) {
        return pendingCount[line] == 0 ? new int[0] : Arrays.copyOf(pending[line], pendingCount[line]);
    }

    EventLog log() {
        return log;
    }

    /** Applies events up to, not including, {@code cut}. */
    void advanceTo(final int cut) {
        if (cut < next || cut > log.events()) {
            throw new IllegalArgumentException("cannot walk from event " + next + " to " + cut + " of " + log.events());
        }
        while (next < cut) {
            apply(next++);
        }
    }

    private void apply(final int event) {
        final byte kind = log.kind(event);
        mix(kind);
        switch (kind) {
            case EventLog.STORE -> {
                final int end = (int) log.second(event);
                for (int row = (int) log.first(event); row < end; row++) {
                    mix(log.wordOffset(row));
                    mix(log.wordValue(row));
                    addPending((int) (log.wordOffset(row) >>> LINE_SHIFT), row);
                }
            }
            case EventLog.FLUSH -> {
                mix(log.first(event));
                mix(log.second(event));
                flush(log.first(event), log.second(event));
            }
            case EventLog.FENCE -> fence();
            default -> throw new IllegalStateException("unknown event kind " + kind + " at " + event);
        }
    }

    private void mix(final long value) {
        hash = (hash ^ value) * 0x100000001B3L;
        hash ^= hash >>> 29;
    }

    private void addPending(final int line, final int row) {
        int[] rows = pending[line];
        if (rows == null) {
            rows = new int[4];
            pending[line] = rows;
        } else if (pendingCount[line] == rows.length) {
            rows = Arrays.copyOf(rows, rows.length * 2);
            pending[line] = rows;
        }
        rows[pendingCount[line]++] = row;
        if (dirtyIndex[line] < 0) {
            dirtyIndex[line] = dirtyLines;
            dirty[dirtyLines++] = line;
        }
    }

    private void flush(final long offset, final long length) {
        if (length == 0) {
            return;
        }
        final int low = (int) (offset >>> LINE_SHIFT);
        final int high = (int) ((offset + length - 1) >>> LINE_SHIFT);
        if (high - low + 1 > dirtyLines) {
            for (int i = 0; i < dirtyLines; i++) {
                final int line = dirty[i];
                if (line >= low && line <= high) {
                    capture(line);
                }
            }
        } else {
            for (int line = low; line <= high; line++) {
                if (pendingCount[line] > 0) {
                    capture(line);
                }
            }
        }
    }

    private void capture(final int line) {
        if (flushedCount[line] == 0) {
            flushed[flushedLines++] = line;
        }
        flushedCount[line] = pendingCount[line];
    }

    private void fence() {
        for (int i = 0; i < flushedLines; i++) {
            final int line = flushed[i];
            final int captured = flushedCount[line];
            final int[] rows = pending[line];
            for (int k = 0; k < captured; k++) {
                floor.putLong(log.wordOffset(rows[k]), log.wordValue(rows[k]));
            }
            final int left = pendingCount[line] - captured;
            System.arraycopy(rows, captured, rows, 0, left);
            pendingCount[line] = left;
            flushedCount[line] = 0;
            if (left == 0) {
                removeDirty(line);
            }
        }
        flushedLines = 0;
    }

    private void removeDirty(final int line) {
        final int index = dirtyIndex[line];
        final int last = dirty[--dirtyLines];
        dirty[index] = last;
        dirtyIndex[last] = index;
        dirtyIndex[line] = -1;
    }
}
