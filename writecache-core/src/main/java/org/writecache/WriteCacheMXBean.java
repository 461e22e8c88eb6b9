package org.writecache;

/**
 * A cache as JMX sees it, registered as {@code org.writecache:type=WriteCache,name=<cache file>} while the cache is
 * open: the dm-writecache status fields, writecache's own, and its messages as operations. Freelist wait-policy
 * statistics, when the cache reports them, belong here too, as getters next to {@link #getWritesBlockedOnFreelist()}.
 */
public interface WriteCacheMXBean {
    /** @return the 14 dm-writecache status fields in dmsetup's order. */
    String getDmStatus();

    /** @return 0, or 5 (EIO) once the cache is in the sticky error state. */
    int getError();

    /** @return why the cache is in the error state, or null. */
    String getErrorMessage();

    /** @return cache blocks. */
    long getBlocks();

    /** @return free cache blocks. */
    long getFreeBlocks();

    /** @return blocks being written back now. */
    long getWritebackBlocks();

    /** @return dirty blocks: cached data not yet on the backing device. */
    long getDirtyBlocks();

    /** @return blocks written since the last commit. */
    long getUncommittedBlocks();

    /** @return blocks read. */
    long getReads();

    /** @return blocks read from the cache. */
    long getReadHits();

    /** @return blocks written. */
    long getWrites();

    /** @return writes that went around the cache. */
    long getWritesAround();

    /** @return write requests that waited for a free block. */
    long getWritesBlockedOnFreelist();

    /** @return blocks written back since open or the last clear. */
    long getBlocksWrittenBack();

    /** @return commits. */
    long getCommits();

    /** @return data blocks that failed their checksum (reads, writeback, scrub) since open or the last clear. */
    long getChecksumErrors();

    /** @return dirty blocks kept because their data failed its checksum: never written back, reads of them fail. */
    long getBadBlocks();

    /** @return whether cleaner mode is on. */
    boolean isCleaner();

    /** Turns cleaner mode on or off (dm-writecache's {@code cleaner} message). */
    void setCleaner(boolean on);

    /** Commits every write so far. */
    void commit() throws java.io.IOException;

    /** Commits and writes everything back (dm-writecache's {@code flush} message). @return blocks written back. */
    long flush() throws java.io.IOException;

    /** Zeroes the counters (dm-writecache's {@code clear_stats}). */
    void clearStats();
}
