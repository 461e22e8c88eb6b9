package org.writecache.pmem.crash;

import java.util.Arrays;

/**
 * The recorded history of a {@link CrashSimulatingMemory}, in compact parallel arrays: one row per event (store,
 * flush or fence) and, for stores, the 8-byte words they changed, each with its value after the store.
 *
 * <p>Cost: 17 bytes per event and 16 bytes per changed word (a store that leaves a word as it was records nothing
 * for it), amortised by doubling the arrays.
 */
final class EventLog {
    static final byte STORE = 1;
    static final byte FLUSH = 2;
    static final byte FENCE = 3;

    private static final int MAX_ROWS = Integer.MAX_VALUE - 8;

    private byte[] kinds = new byte[256];
    /** STORE: first word row; FLUSH: offset. */
    private long[] first = new long[256];
    /** STORE: word row after the last; FLUSH: length. */
    private long[] second = new long[256];
    private int events;

    private long[] wordOffsets = new long[1024];
    private long[] wordValues = new long[1024];
    private int words;

    int events() {
        return events;
    }

    byte kind(final int event) {
        return kinds[event];
    }

    /** @return a STORE's first word row, or a FLUSH's offset. */
    long first(final int event) {
        return first[event];
    }

    /** @return a STORE's word row after its last, or a FLUSH's length. */
    long second(final int event) {
        return second[event];
    }

    long wordOffset(final int row) {
        return wordOffsets[row];
    }

    long wordValue(final int row) {
        return wordValues[row];
    }

    /** Starts a STORE event; its changed words follow with {@link #addWord}, then {@link #endStore()}. */
    void beginStore() {
        ensureEventRoom();
        kinds[events] = STORE;
        first[events] = words;
    }

    void addWord(final long offset, final long value) {
        if (words == wordOffsets.length) {
            final int grown = grow(words);
            wordOffsets = Arrays.copyOf(wordOffsets, grown);
            wordValues = Arrays.copyOf(wordValues, grown);
        }
        wordOffsets[words] = offset;
        wordValues[words] = value;
        words++;
    }

    void endStore() {
        second[events] = words;
        events++;
    }

    void addFlush(final long offset, final long length) {
        ensureEventRoom();
        kinds[events] = FLUSH;
        first[events] = offset;
        second[events] = length;
        events++;
    }

    void addFence() {
        ensureEventRoom();
        kinds[events] = FENCE;
        events++;
    }

    private void ensureEventRoom() {
        if (events == kinds.length) {
            final int grown = grow(events);
            kinds = Arrays.copyOf(kinds, grown);
            first = Arrays.copyOf(first, grown);
            second = Arrays.copyOf(second, grown);
        }
    }

    private static int grow(final int used) {
        if (used >= MAX_ROWS) {
            throw new IllegalStateException("crash simulation log is full: " + used + " rows");
        }
        return (int) Math.min(MAX_ROWS, 2L * used);
    }
}
