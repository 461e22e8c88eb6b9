package org.writecache;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The slow backing device behind the cache: positional reads and writes of whole byte ranges and a durability
 * barrier. Writeback goes through this interface only, so faults and delays can be injected by decorating it.
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

    /** Makes every completed write durable (fsync). */
    void sync() throws IOException;

    /** @return a short description for status and logs. */
    String describe();

    @Override
    void close() throws IOException;
}
