package org.writecache.pmem.chronicle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Objects;

import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.bytes.PointerBytesStore;
import net.openhft.chronicle.core.Jvm;
import net.openhft.chronicle.core.OS;
import net.openhft.posix.MSyncFlag;
import net.openhft.posix.PosixAPI;
import org.writecache.pmem.CacheFileLockedException;
import org.writecache.pmem.FlushPolicy;
import org.writecache.pmem.LockedFile;
import org.writecache.pmem.MappedPersistentMemory;
import org.writecache.pmem.PersistentMemory;
import org.writecache.pmem.PmemBackend;

/**
 * Persistent memory over Chronicle Bytes: the whole file mapped once with Chronicle's {@link OS#map} and accessed
 * through one {@link PointerBytesStore} (Unsafe loads, stores and bulk copies, no per-access bounds checks of its
 * own), flushed with Chronicle's POSIX {@code msync}.
 *
 * <p>Why not {@code MappedFile}/{@code MappedBytes}: a {@code MappedBytes} reads only up to its write position and
 * is chunked; a single-chunk {@code MappedFile} opens a second descriptor of the file (closing it would drop the
 * POSIX lock, see {@link LockedFile}), rounds the file length up to a page and takes its own file lock to do so.
 * Mapping the locked file's own channel keeps the file exactly as long as asked and the lock intact.
 *
 * <p>Semantics are those of {@link MappedPersistentMemory}: the same exclusive lock, the same {@link FlushPolicy}
 * except that Chronicle cannot map with MAP_SYNC, so {@link FlushPolicy#SYNC} is refused and {@link FlushPolicy#AUTO}
 * means FENCE_ONLY on tmpfs and MSYNC elsewhere. MSYNC flushes are {@code msync(MS_SYNC)} of the pages covering the
 * range; a failed msync throws {@link UncheckedIOException}. Every access is bounds-checked here, because the store
 * is not, and an access after {@link #close()} throws {@link IllegalStateException} instead of touching an unmapped
 * address; as with every {@link PersistentMemory}, closing while another thread still uses the region is the
 * caller's error (here it can crash the JVM).
 *
 * <p>Lives in its own artifact, {@code writecache-chronicle}, found by {@link PmemBackend#CHRONICLE} through
 * {@link ChronicleProvider}. Needs the JVM flags in the parent pom's {@code writecache.jvm.flags.chronicle}
 * (Chronicle's reflective mapping and direct-buffer address access).
 */
public final class ChronicleBytesPersistentMemory implements PersistentMemory {
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    private static final int COPY_CHUNK = 8192;

    private final LockedFile file;
    private final long address;
    private final long size;
    private final PointerBytesStore store;
    private final FlushPolicy policy;
    private final PosixAPI posix;
    private final long pageSize;
    private boolean closed;

    private ChronicleBytesPersistentMemory(
        final LockedFile file, final long address, final FlushPolicy policy, final PosixAPI posix) {
        this.file = file;
        this.address = address;
        this.size = file.size();
        this.store = BytesStore.wrap(address, size);
        this.policy = policy;
        this.posix = posix;
        this.pageSize = OS.pageSize();
    }

    /**
     * Creates the file if needed, sets its length to {@code size} and maps it.
     *
     * @param file     the file to map; its parent directory must exist.
     * @param size     the region size in bytes, positive.
     * @param policy   how flushes are carried out; not {@link FlushPolicy#SYNC}.
     * @param prefault touch every page now so no later access takes a first-touch fault.
     * @return the mapped region, holding the file's lock until closed.
     * @throws IOException for {@link FlushPolicy#SYNC}, before the file is touched.
     * @throws CacheFileLockedException if the file is already open; it is then left as it was.
     */
    public static ChronicleBytesPersistentMemory create(
        final Path file, final long size, final FlushPolicy policy, final boolean prefault) throws IOException {
        final FlushPolicy effective = effectivePolicy(policy, file);
        return mapEffective(LockedFile.create(file, size), effective, prefault);
    }

    /**
     * Maps an existing, non-empty file in full.
     *
     * @param file     the file to map.
     * @param policy   how flushes are carried out; not {@link FlushPolicy#SYNC}.
     * @param prefault touch every page now so no later access takes a first-touch fault.
     * @return the mapped region, holding the file's lock until closed.
     * @throws IOException for {@link FlushPolicy#SYNC}, or if the file is empty.
     * @throws java.nio.file.NoSuchFileException if the file does not exist.
     * @throws CacheFileLockedException if the file is already open.
     */
    public static ChronicleBytesPersistentMemory open(final Path file, final FlushPolicy policy, final boolean prefault)
        throws IOException {
        final FlushPolicy effective = effectivePolicy(policy, file);
        return mapEffective(LockedFile.open(file), effective, prefault);
    }

    /**
     * Maps a file already opened and locked read-write, taking ownership of it: it is closed with the mapping, or at
     * once if the mapping fails.
     *
     * @throws IOException for {@link FlushPolicy#SYNC} or a file opened read only.
     */
    public static ChronicleBytesPersistentMemory map(final LockedFile locked, final FlushPolicy policy,
                                                     final boolean prefault) throws IOException {
        final FlushPolicy effective;
        try {
            if (locked.isReadOnly()) {
                throw new IOException("the " + PmemBackend.CHRONICLE + " backend maps read-write only; "
                    + locked.file() + " is open read only");
            }
            effective = effectivePolicy(policy, locked.file());
        } catch (final IOException | RuntimeException e) {
            locked.close();
            throw e;
        }
        return mapEffective(locked, effective, prefault);
    }

    private static FlushPolicy effectivePolicy(final FlushPolicy policy, final Path file) throws IOException {
        return switch (Objects.requireNonNull(policy, "policy")) {
            case SYNC -> throw new IOException("flush policy SYNC needs a MAP_SYNC (DAX) mapping, which the "
                + PmemBackend.CHRONICLE + " backend cannot make (Chronicle maps without MAP_SYNC); use "
                + PmemBackend.FFM + " for " + file);
            case AUTO -> MappedPersistentMemory.isTmpfs(file) ? FlushPolicy.FENCE_ONLY : FlushPolicy.MSYNC;
            case MSYNC, FENCE_ONLY -> policy;
        };
    }

    private static ChronicleBytesPersistentMemory mapEffective(
        final LockedFile locked, final FlushPolicy policy, final boolean prefault) throws IOException {
        long address = 0;
        try {
            address = OS.map(locked.channel(), FileChannel.MapMode.READ_WRITE, 0, locked.size());
            final PosixAPI posix = PosixAPI.posix();
            if (policy == FlushPolicy.MSYNC) {
                checkMsyncWorks(posix, address, locked.file());
            }
            final ChronicleBytesPersistentMemory memory =
                new ChronicleBytesPersistentMemory(locked, address, policy, posix);
            if (prefault) {
                memory.prefault();
            }
            return memory;
        } catch (final IOException | RuntimeException e) {
            try {
                if (address != 0) {
                    OS.unmap(address, locked.size());
                }
            } catch (final IOException suppressed) {
                e.addSuppressed(suppressed);
            } finally {
                try {
                    locked.close();
                } catch (final IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /**
     * Chronicle's POSIX layer falls back to a no-op implementation, whose msync "succeeds" without doing anything,
     * when its native binding cannot load. A misaligned msync must fail with EINVAL; if it does not, MSYNC would be
     * a silent lie, so refuse to open.
     */
    private static void checkMsyncWorks(final PosixAPI posix, final long address, final Path file) throws IOException {
        if (posix.msync(address + 1, OS.pageSize(), MSyncFlag.MS_SYNC) == 0) {
            throw new IOException("flush policy MSYNC cannot be honoured for " + file + ": Chronicle's POSIX layer ("
                + posix.getClass().getName() + ") does not perform msync");
        }
    }

    private void prefault() {
        long sum = 0;
        for (long page = 0; page < size; page += pageSize) {
            sum += store.readVolatileByte(page);
        }
        if (sum == Long.MIN_VALUE) {
            throw new AssertionError("unreachable: keeps the page touches alive");
        }
    }

    /** @return the flush policy in force after {@link FlushPolicy#AUTO} was resolved: MSYNC or FENCE_ONLY. */
    public FlushPolicy flushPolicy() {
        return policy;
    }

    /** @return the mapped file. */
    public Path file() {
        return file.file();
    }

    /** @return the address of the mapping, for diagnostics that inspect its pages. */
    public long address() {
        return address;
    }

    private void checkRange(final long offset, final long length) {
        if (closed) {
            throw new IllegalStateException("persistent memory is closed: " + describe());
        }
        Objects.checkFromIndexSize(offset, length, size);
    }

    private static long littleEndian(final long value) {
        return LITTLE_ENDIAN ? value : Long.reverseBytes(value);
    }

    private static int littleEndian(final int value) {
        return LITTLE_ENDIAN ? value : Integer.reverseBytes(value);
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public long getLong(final long offset) {
        checkRange(offset, Long.BYTES);
        return littleEndian(store.readLong(offset));
    }

    @Override
    public void putLong(final long offset, final long value) {
        checkRange(offset, Long.BYTES);
        store.writeLong(offset, littleEndian(value));
    }

    @Override
    public int getInt(final long offset) {
        checkRange(offset, Integer.BYTES);
        return littleEndian(store.readInt(offset));
    }

    @Override
    public void putInt(final long offset, final int value) {
        checkRange(offset, Integer.BYTES);
        store.writeInt(offset, littleEndian(value));
    }

    @Override
    public long getLongAtomic(final long offset) {
        checkRange(PersistentMemory.checkAligned(offset), Long.BYTES);
        return littleEndian(store.readVolatileLong(offset));
    }

    @Override
    public void putLongAtomic(final long offset, final long value) {
        checkRange(PersistentMemory.checkAligned(offset), Long.BYTES);
        store.writeVolatileLong(offset, littleEndian(value));
    }

    @Override
    public void copyFrom(final ByteBuffer src, final int srcIndex, final long offset, final int length) {
        checkRange(offset, length);
        Objects.checkFromIndexSize(srcIndex, length, src.limit());
        if (src.isDirect()) {
            store.nativeWrite(Jvm.address(src) + srcIndex, offset, length);
            Reference.reachabilityFence(src);
        } else if (src.hasArray()) {
            store.write(offset, src.array(), src.arrayOffset() + srcIndex, length);
        } else {
            // A read-only heap buffer hides its array: go through a bounce buffer.
            final byte[] chunk = new byte[Math.min(length, COPY_CHUNK)];
            for (int done = 0; done < length; done += chunk.length) {
                final int n = Math.min(chunk.length, length - done);
                src.get(srcIndex + done, chunk, 0, n);
                store.write(offset + done, chunk, 0, n);
            }
        }
    }

    @Override
    public void copyFrom(final byte[] src, final int srcIndex, final long offset, final int length) {
        checkRange(offset, length);
        Objects.checkFromIndexSize(srcIndex, length, src.length);
        store.write(offset, src, srcIndex, length);
    }

    @Override
    public void copyTo(final long offset, final ByteBuffer dst, final int dstIndex, final int length) {
        checkRange(offset, length);
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        Objects.checkFromIndexSize(dstIndex, length, dst.limit());
        if (dst.isDirect()) {
            store.nativeRead(offset, Jvm.address(dst) + dstIndex, length);
            Reference.reachabilityFence(dst);
        } else {
            copyTo(offset, dst.array(), dst.arrayOffset() + dstIndex, length);
        }
    }

    @Override
    public void copyTo(final long offset, final byte[] dst, final int dstIndex, final int length) {
        checkRange(offset, length);
        Objects.checkFromIndexSize(dstIndex, length, dst.length);
        final long copied = store.read(offset, dst, dstIndex, length);
        if (copied != length) {
            throw new IllegalStateException("Chronicle copied " + copied + " of " + length + " bytes at " + offset);
        }
    }

    @Override
    public void fill(final long offset, final long length, final byte value) {
        checkRange(offset, length);
        OS.memory().setMemory(address + offset, length, value);
    }

    /** MSYNC: {@code msync(MS_SYNC)} of the pages covering the range. FENCE_ONLY: no system call. */
    @Override
    public void flush(final long offset, final long length) {
        checkRange(offset, length);
        if (length == 0 || policy == FlushPolicy.FENCE_ONLY) {
            return;
        }
        final long start = offset & -pageSize;
        final long end = (offset + length + pageSize - 1) & -pageSize;
        if (posix.msync(address + start, end - start, MSyncFlag.MS_SYNC) != 0) {
            throw new UncheckedIOException(new IOException("msync of [" + start + ", " + end + ") of " + file.file()
                + " failed: " + posix.lastErrorStr()));
        }
    }

    /** A full memory fence. */
    @Override
    public void fence() {
        VarHandle.fullFence();
    }

    @Override
    public String describe() {
        return "chronicle " + file.file() + " (" + size + " bytes, MAP_SHARED, flush=" + policy + ")";
    }

    /** Unmaps the file, then releases its lock and closes it. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            store.releaseLast();
            OS.unmap(address, size);
        } catch (final IOException e) {
            throw new UncheckedIOException("unmapping " + file.file(), e);
        } finally {
            try {
                file.close();
            } catch (final IOException e) {
                throw new UncheckedIOException("closing " + file.file(), e);
            }
        }
    }

    @Override
    public String toString() {
        return describe();
    }
}
