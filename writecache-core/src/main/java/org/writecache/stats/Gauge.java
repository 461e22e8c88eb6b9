package org.writecache.stats;

/**
 * Current-state values of a cache (set, not counted), published next to the {@link Counter}s so that another process
 * can read the whole dm-writecache status line. Ids follow the counters'.
 */
public enum Gauge {
    /** 0, or the errno-like code of the sticky error (5, EIO). */
    ERROR("error"),
    /** Cache blocks. */
    BLOCKS("cache blocks"),
    /** Blocks on the freelist. */
    FREE_BLOCKS("free blocks"),
    /** Blocks being written back now. */
    WRITEBACK_BLOCKS("blocks under writeback"),
    /** Blocks holding data not yet on the backing device. */
    DIRTY_BLOCKS("dirty blocks"),
    /** Blocks written since the last commit. */
    UNCOMMITTED_BLOCKS("uncommitted blocks"),
    /** The commit word's sequence count. */
    SEQ_COUNT("sequence count"),
    /** Cleaner mode: 1 when on. */
    CLEANER("cleaner"),
    /** Dirty blocks whose data failed its checksum: kept, never written back, every read of them fails. */
    BAD_BLOCKS("bad blocks");

    /** @return this gauge's stable id in a counters file. */
    public int id() {
        return Counter.values().length + ordinal();
    }

    /** @return a human-readable label. */
    public String label() {
        return label;
    }

    private final String label;

    Gauge(final String label) {
        this.label = label;
    }
}
