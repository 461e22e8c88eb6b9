package org.writecache;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The slow backing device behind the cache: positional reads and writes of whole byte ranges and a durability
 * barrier. Writeback goes through this interface only, so faults and delays can be injected by decorating it.
 *
 * <p>Three methods have defaults built on the others, for devices that can do better: {@link #writeQueued} (several
 * writes in flight, completed by {@link #sync}), {@link #writeFua} (one write durable on return without a full sync)
 * and {@link #discard} (TRIM). Writeback uses the first two; a discard of the cache is passed on with the third.
 */
public interface BlockDevice extends AutoCloseable {

    /** @return the device size in bytes. */
    long size();

    /**
     * Reads {@code dst.remaining()} bytes at {@code offset} into {@code dst}, advancing its position to its limit.
     * Bytes of a file never written read as zeros.
     */
    void read(long offset, ByteBuffer dst) throws IOException;

    /** Writes all of {@code src}'s remaining bytes at {@code offset}, advancing its position to its limit. */
    void write(long offset, ByteBuffer src) throws IOException;

    /** Makes every completed write durable (fsync), and completes every {@link #writeQueued} write first. */
    void sync() throws IOException;

    /**
     * Starts a write that the next {@link #sync} completes: it may return once {@code src} has been consumed (its
     * position at its limit, the buffer free for reuse) but before the device has acknowledged the write, so that
     * several writes are in flight at once. A failure of the write is then reported by the next {@link #sync}, which
     * fails. Reads and writes issued after it see its data. Default: {@link #write}.
     */
    default void writeQueued(final long offset, final ByteBuffer src) throws IOException {
        write(offset, src);
    }

    /**
     * Writes as {@link #write} does and returns only once this write is durable, as a write with the FUA flag does;
     * earlier writes need not be. Default: {@link #write}, then {@link #sync}.
     */
    default void writeFua(final long offset, final ByteBuffer src) throws IOException {
        write(offset, src);
        sync();
    }

    /**
     * Tells the device that the contents of {@code [offset, offset + length)} are no longer needed (TRIM); the range
     * then reads as whatever the device holds, possibly the old data. Advisory: the default does nothing.
     */
    default void discard(final long offset, final long length) throws IOException {
    }

    /** @return a short description for status and logs. */
    String describe();

    @Override
    void close() throws IOException;
}
