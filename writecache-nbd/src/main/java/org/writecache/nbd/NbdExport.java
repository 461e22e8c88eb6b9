package org.writecache.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;

import org.writecache.UnalignedAccess;
import org.writecache.WriteCache;

/**
 * A {@link WriteCache} exported over NBD: byte-granular reads and writes on a cache that works in whole blocks.
 *
 * <p>Clients are told the cache block size as the minimum and preferred block size, but requests that are not aligned
 * to it still work, through {@link UnalignedAccess}: partial first and last blocks are read, and for writes patched and
 * written back (read-modify-write), excluding other writes meanwhile. qemu and fio send 512-byte aligned I/O unless
 * told the block size, so refusing it would break them. TRIM discards only the whole blocks inside its range (the
 * protocol allows rounding inwards), so it never needs a read-modify-write.
 *
 * <p>Durability: a write with {@code fua}, a FLUSH and a TRIM with {@code fua} commit the cache before they return;
 * the cache commit covers every write acknowledged on any connection, so several connections may share the export.
 */
public final class NbdExport {
    private final WriteCache cache;
    private final String name;
    private final int blockSize;
    private final long size;
    private final UnalignedAccess access;

    /**
     * @param cache the cache to serve; it stays owned by the caller.
     * @param name  the export name clients ask for ("" is accepted as the default export too).
     */
    public NbdExport(final WriteCache cache, final String name) {
        this.cache = Objects.requireNonNull(cache, "cache");
        this.name = Objects.requireNonNull(name, "name");
        if (name.length() > NbdProtocol.MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("export name longer than " + NbdProtocol.MAX_NAME_LENGTH + " bytes");
        }
        this.blockSize = cache.blockSize();
        this.size = cache.size();
        this.access = new UnalignedAccess(cache);
    }

    /** @return the export name. */
    public String name() {
        return name;
    }

    /** @return the size in bytes clients see. */
    public long size() {
        return size;
    }

    /** @return the cache block size: minimum and preferred NBD block size. */
    public int blockSize() {
        return blockSize;
    }

    /** @return the transmission flags: only what this export really does. */
    public int transmissionFlags() {
        return NbdProtocol.FLAG_HAS_FLAGS | NbdProtocol.FLAG_SEND_FLUSH | NbdProtocol.FLAG_SEND_FUA
            | NbdProtocol.FLAG_SEND_TRIM | NbdProtocol.FLAG_SEND_WRITE_ZEROES | NbdProtocol.FLAG_CAN_MULTI_CONN;
    }

    /** @return whether {@code [offset, offset + length)} lies inside the export (both taken as unsigned). */
    public boolean contains(final long offset, final long length) {
        return offset >= 0 && length >= 0 && offset <= size && length <= size - offset;
    }

    /** Reads {@code dst.remaining()} bytes at {@code offset}; the range must be inside the export. */
    public void read(final long offset, final ByteBuffer dst) throws IOException {
        access.read(offset, dst);
    }

    /** Writes {@code src.remaining()} bytes at {@code offset}; the range must be inside the export. */
    public void write(final long offset, final ByteBuffer src, final boolean fua) throws IOException {
        access.write(offset, src, fua);
    }

    /** Writes zeros over {@code [offset, offset + length)}; the range must be inside the export. */
    public void writeZeroes(final long offset, final long length, final boolean fua) throws IOException {
        access.writeZeroes(offset, length, fua);
    }

    /** Drops the cached contents of the whole blocks inside {@code [offset, offset + length)}. */
    public void trim(final long offset, final long length, final boolean fua) throws IOException {
        final long start = alignUp(offset);
        final long end = alignDown(offset + length);
        if (start < end) {
            cache.discard(start, end - start);
        }
        if (fua) {
            cache.flush();
        }
    }

    /** Commits every write acknowledged so far, on every connection. */
    public void flush() throws IOException {
        cache.flush();
    }

    private long alignDown(final long v) {
        return v & -blockSize;
    }

    private long alignUp(final long v) {
        return (v + blockSize - 1) & -blockSize;
    }
}
