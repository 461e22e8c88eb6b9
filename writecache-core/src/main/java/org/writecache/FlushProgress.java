package org.writecache;

/**
 * Progress of a {@link WriteCache#writeback(FlushProgress)}: called after each writeback batch, from the flushing
 * thread.
 */
@FunctionalInterface
public interface FlushProgress {
    /** Reports nothing. */
    FlushProgress NONE = (remaining, remainingBytes, done, bytesPerSecond) -> { };

    /**
     * @param blocksRemaining dirty blocks still to write back
     * @param bytesRemaining  their bytes
     * @param blocksDone      blocks written back by this flush so far
     * @param bytesPerSecond  the rate of this flush so far
     */
    void progress(long blocksRemaining, long bytesRemaining, long blocksDone, double bytesPerSecond);
}
