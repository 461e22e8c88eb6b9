package org.writecache.stats;

/**
 * The event counters of a cache: the ones dm-writecache reports in its status line, in dmsetup's order, each with a
 * stable id (its position in a counters file) and a label.
 */
public enum Counter {
    /** Read requests, counted per block. */
    READS(0, "reads"),
    /** Reads served from the cache. */
    READ_HITS(1, "read hits"),
    /** Write requests, counted per block. */
    WRITES(2, "writes"),
    /** Writes to a block cached and not yet committed: overwritten in place. */
    WRITE_HITS_UNCOMMITTED(3, "write hits on uncommitted blocks"),
    /** Writes to a block cached and committed: a new block was allocated. */
    WRITE_HITS_COMMITTED(4, "write hits on committed blocks"),
    /** Writes that bypassed the cache. */
    WRITES_AROUND(5, "writes around"),
    /** Writes of blocks not cached that allocated a block. */
    WRITES_ALLOCATE(6, "writes allocating"),
    /** Write requests that had to wait for a free block. */
    WRITES_BLOCKED_ON_FREELIST(7, "writes blocked on the freelist"),
    /** Flush requests (commits asked for by the user). */
    FLUSHES(8, "flushes"),
    /** Discard requests, counted per block. */
    DISCARDS(9, "discards"),
    /** Commits carried out (user, FUA and autocommit). */
    COMMITS(10, "commits"),
    /** Blocks written back to the backing device. */
    WRITEBACK_BLOCKS(11, "blocks written back"),
    /** Backing device writes issued by writeback (one per coalesced run). */
    WRITEBACK_IOS(12, "writeback I/Os"),
    /** Data blocks that failed their checksum: on a read, before writeback, or in a scrub. */
    CHECKSUM_ERRORS(13, "checksum errors");

    private final int id;
    private final String label;

    Counter(final int id, final String label) {
        this.id = id;
        this.label = label;
    }

    /** @return the counter's stable id. */
    public int id() {
        return id;
    }

    /** @return a human-readable label. */
    public String label() {
        return label;
    }
}
