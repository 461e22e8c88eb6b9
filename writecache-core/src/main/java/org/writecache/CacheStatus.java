package org.writecache;

/**
 * A snapshot of a cache's state: the 14 fields of dm-writecache's status line in dmsetup's order, then writecache's
 * own.
 *
 * @param error                      0, or the errno-like code of the sticky error (5, EIO)
 * @param blocks                     cache blocks
 * @param freeBlocks                 blocks on the freelist
 * @param writebackBlocks            blocks being written back now
 * @param reads                      blocks read
 * @param readHits                   blocks read from the cache
 * @param writes                     blocks written
 * @param writeHitsUncommitted       writes that overwrote an uncommitted block in place
 * @param writeHitsCommitted         writes to a committed block (a new block was allocated)
 * @param writesAround               writes that bypassed the cache
 * @param writesAllocate             writes of blocks not cached
 * @param writesBlockedOnFreelist    write requests that waited for a free block
 * @param flushes                    flush requests
 * @param discards                   blocks discarded
 * @param dirtyBlocks                blocks holding data not yet on the backing device
 * @param uncommittedBlocks          blocks written since the last commit
 * @param commits                    commits carried out
 * @param seqCount                   the current sequence count (commit word)
 * @param blocksWrittenBack          blocks written back since open or clear_stats
 * @param cleaner                    whether cleaner mode is on (writes go around, everything is written back)
 * @param recoveredCommitted         committed blocks recovery found when the cache was opened
 * @param recoveredUncommitted       uncommitted entries recovery dropped (writes never committed before a crash)
 * @param recoveredDuplicates        older committed duplicates of one device block recovery freed
 * @param checksumErrors             data blocks that failed their checksum (reads, writeback, scrub) since open or
 *                                   clear_stats
 * @param badBlocks                  dirty blocks kept because their data failed its checksum: never written back,
 *                                   every read of them fails until they are overwritten or discarded
 * @param errorMessage               why the cache is in the error state, or null
 */
public record CacheStatus(
    int error,
    long blocks,
    long freeBlocks,
    long writebackBlocks,
    long reads,
    long readHits,
    long writes,
    long writeHitsUncommitted,
    long writeHitsCommitted,
    long writesAround,
    long writesAllocate,
    long writesBlockedOnFreelist,
    long flushes,
    long discards,
    long dirtyBlocks,
    long uncommittedBlocks,
    long commits,
    long seqCount,
    long blocksWrittenBack,
    boolean cleaner,
    long recoveredCommitted,
    long recoveredUncommitted,
    long recoveredDuplicates,
    long checksumErrors,
    long badBlocks,
    String errorMessage) {

    /** @return the 14 fields as dmsetup prints them after the target name. */
    public String toDmString() {
        return error + " " + blocks + " " + freeBlocks + " " + writebackBlocks + " " + reads + " " + readHits + " "
            + writes + " " + writeHitsUncommitted + " " + writeHitsCommitted + " " + writesAround + " "
            + writesAllocate + " " + writesBlockedOnFreelist + " " + flushes + " " + discards;
    }

    /** @return every field, one {@code name: value} per line: the dm fields first, then writecache's own. */
    public String toReport() {
        return "error: " + error + (errorMessage == null ? "" : " (" + errorMessage + ")") + "\n"
            + "blocks: " + blocks + "\nfree blocks: " + freeBlocks + "\nblocks under writeback: " + writebackBlocks
            + "\nreads: " + reads + "\nread hits: " + readHits + "\nwrites: " + writes
            + "\nwrite hits on uncommitted blocks: " + writeHitsUncommitted
            + "\nwrite hits on committed blocks: " + writeHitsCommitted + "\nwrites around: " + writesAround
            + "\nwrites allocating: " + writesAllocate + "\nwrites blocked on the freelist: " + writesBlockedOnFreelist
            + "\nflushes: " + flushes + "\ndiscards: " + discards + "\ndirty blocks: " + dirtyBlocks
            + "\nuncommitted blocks: " + uncommittedBlocks + "\ncommits: " + commits + "\nseq count: " + seqCount
            + "\nblocks written back: " + blocksWrittenBack + "\ncleaner: " + cleaner
            + "\nrecovery: " + recoveredCommitted + " committed blocks found, " + recoveredUncommitted
            + " uncommitted entries dropped, " + recoveredDuplicates + " duplicates resolved"
            + "\nchecksum errors: " + checksumErrors + "\nbad blocks: " + badBlocks + "\n";
    }
}
