package org.writecache.format;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Reads entries in chunks for a scan of the whole table (recovery, the inspector): one bulk copy of a chunk out of
 * persistent memory, then decoding from the heap copy, instead of two checked loads per entry. Decodes exactly as
 * {@link CacheLayout#readEntry}. Not thread safe; one per scanning thread.
 */
public final class EntryScanner {
    /** Entries copied per chunk. */
    public static final int CHUNK = 4096;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final CacheLayout layout;
    private final int entrySize;
    private final byte[] chunk;
    private int first;

    /** @param layout the cache whose entries are scanned. */
    public EntryScanner(final CacheLayout layout) {
        this.layout = layout;
        this.entrySize = layout.entrySize();
        this.chunk = new byte[CHUNK * entrySize];
    }

    /** Copies entries {@code [from, from + count)}, at most {@link #CHUNK} of them, for {@link #decode}. */
    public void load(final int from, final int count) {
        first = from;
        layout.memory().copyTo(layout.entryOffset(from), chunk, 0, count * entrySize);
    }

    /** Decodes entry {@code block}, which the last {@link #load} copied, into {@code out}. */
    public void decode(final int block, final CacheLayout.Entry out) {
        final int at = (block - first) * entrySize;
        CacheLayout.decode(block, (long) LONGS.get(chunk, at), (long) LONGS.get(chunk, at + 8), out);
    }
}
