package org.writecache.pmem;

import java.nio.ByteBuffer;

/**
 * A byte-addressable persistent region: the only way the cache touches raw memory.
 *
 * <p>The durability model is the x86 persistent-memory one. A store reaches media only after the cache lines it
 * touched are flushed ({@link #flush}) and a {@link #fence} follows; until then any subset of dirty lines may or may
 * not survive a crash, in any order. An aligned 8-byte store made with {@link #putLongAtomic} is never torn; anything
 * larger may tear at 8-byte granularity. Callers must issue every flush and fence this model needs, whatever the
 * implementation does with them, so the same code is correct on real persistent memory.
 *
 * <p>The contract every implementation keeps (checked by one conformance suite):
 * <ul>
 *   <li>All multi-byte values are little-endian. Offsets are bytes from the start of the region.</li>
 *   <li>A range outside {@code [0, size())}, a negative length, or an array or buffer range outside its bounds
 *       throws {@link IndexOutOfBoundsException} before anything is written; it never crashes the JVM.</li>
 *   <li>Buffer indexes are absolute, as in {@link ByteBuffer#get(int, byte[], int, int)}: {@code index} to
 *       {@code index + length} must lie in {@code [0, limit())}; the buffer's position and limit are not changed.
 *       Heap, direct, sliced and read-only buffers are all accepted as sources; a read-only destination throws
 *       {@link java.nio.ReadOnlyBufferException}.</li>
 *   <li>After {@link #close()}, every load, store, copy, fill and flush throws {@link IllegalStateException};
 *       {@link #size()}, {@link #fence()}, {@link #describe()} and {@link #close()} keep working.</li>
 * </ul>
 *
 * <p>Implementations are safe for concurrent use on disjoint ranges; ordering between threads is the caller's
 * business, and so is making sure no thread still uses the region while it is being closed.
 */
public interface PersistentMemory extends AutoCloseable {

    /** Size of a cache line: the unit of {@link #flush} and of crash survival. */
    int CACHE_LINE = 64;

    /** Bytes the default {@link #crc32c} copies out at a time. */
    int CRC_CHUNK = 4096;

    /**
     * @return {@code offset}, if it is 8-byte aligned as {@link #getLongAtomic} and {@link #putLongAtomic} need.
     * @throws IllegalArgumentException naming the offset otherwise.
     */
    static long checkAligned(final long offset) {
        if ((offset & 7) != 0) {
            throw new IllegalArgumentException("atomic 8-byte access needs an 8-byte aligned offset: " + offset);
        }
        return offset;
    }

    /** @return the size of the region in bytes. */
    long size();

    /** @return a plain 8-byte little-endian load at any offset. */
    long getLong(long offset);

    /** A plain 8-byte little-endian store at any offset; it may tear at 8-byte granularity only if unaligned. */
    void putLong(long offset, long value);

    /** @return a plain 4-byte little-endian load at any offset. */
    int getInt(long offset);

    /** A plain 4-byte little-endian store at any offset. */
    void putInt(long offset, int value);

    /**
     * @return an 8-byte load of an 8-byte-aligned word that observes the latest {@link #putLongAtomic}.
     * @throws IllegalArgumentException if {@code offset} is not a multiple of 8 (the message names the offset).
     */
    long getLongAtomic(long offset);

    /**
     * A single aligned 8-byte store: the commit point of the cache. It is atomic with respect to crashes: media holds
     * either the old or the new value, never a mix.
     *
     * @throws IllegalArgumentException if {@code offset} is not a multiple of 8 (the message names the offset).
     */
    void putLongAtomic(long offset, long value);

    /** Copies {@code length} bytes from {@code src}, starting at its absolute index {@code srcIndex}, to {@code offset}. */
    void copyFrom(ByteBuffer src, int srcIndex, long offset, int length);

    /** Copies {@code length} bytes from {@code src} starting at {@code srcIndex} into the region at {@code offset}. */
    void copyFrom(byte[] src, int srcIndex, long offset, int length);

    /** Copies {@code length} bytes at {@code offset} into {@code dst}, starting at its absolute index {@code dstIndex}. */
    void copyTo(long offset, ByteBuffer dst, int dstIndex, int length);

    /** Copies {@code length} bytes at {@code offset} into {@code dst} starting at {@code dstIndex}. */
    void copyTo(long offset, byte[] dst, int dstIndex, int length);

    /** Sets {@code length} bytes at {@code offset} to {@code value}. */
    void fill(long offset, long length, byte value);

    /**
     * @return the CRC-32C (Castagnoli, as {@link java.util.zip.CRC32C}) of the {@code length} bytes at {@code offset},
     *     read as they are now. Implementations that can hand the range to the JDK's intrinsic in place do so; this
     *     default copies it out in chunks.
     */
    default int crc32c(final long offset, final int length) {
        java.util.Objects.checkFromIndexSize(offset, length, size());
        final byte[] chunk = new byte[Math.min(length, CRC_CHUNK)];
        final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        for (int done = 0; done < length; done += chunk.length) {
            final int n = Math.min(chunk.length, length - done);
            copyTo(offset + done, chunk, 0, n);
            crc.update(chunk, 0, n);
        }
        return (int) crc.getValue();
    }

    /**
     * Starts writing back the cache lines covering {@code [offset, offset + length)} (CLWB). The range need not be
     * aligned; it must lie inside the region. Durability is only guaranteed after the next {@link #fence()}.
     */
    void flush(long offset, long length);

    /** Orders and completes all earlier flushes (SFENCE): after it returns, every flushed line is on media. */
    void fence();

    /** {@link #flush} followed by {@link #fence}. */
    default void persist(long offset, long length) {
        flush(offset, length);
        fence();
    }

    /** @return a one-line description: backend, file, mapping mode and flush policy. */
    String describe();

    /** Unmaps the region and releases the file and its lock. Idempotent. */
    @Override
    void close();
}
