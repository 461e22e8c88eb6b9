package org.writecache.pmem;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

/**
 * The few Linux file calls the JDK does not offer, through FFM downcalls into the C library: {@code open} and
 * {@code close} of a plain descriptor, {@code posix_fallocate} (allocate every block of a file for real, so a full
 * file system fails the allocation instead of faulting a later store into the mapping), and {@code statx} (allocated
 * blocks, so a sparse file is recognised; the DAX attribute; device and inode).
 *
 * <p>A descriptor opened here must stay open as long as the process holds a POSIX lock on the file through another
 * descriptor: closing any descriptor of a file drops every POSIX lock the process holds on it. {@link LockedFile}
 * therefore closes its native descriptor only after releasing its lock.
 *
 * <p>Where the C library or its symbols are not found (not Linux, or an old C library without {@code statx}),
 * {@link #AVAILABLE} is false and callers fall back to what the JDK offers.
 */
@SuppressWarnings("restricted") // downcalls need native access: the one JVM flag the pmem module asks for
final class NativeFile implements AutoCloseable {
    /** Whether the downcalls are linked. */
    static final boolean AVAILABLE;

    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;
    private static final int AT_FDCWD = -100;
    private static final int AT_EMPTY_PATH = 0x1000;
    private static final int STATX_BASIC_STATS = 0x7ff;
    private static final long STATX_ATTR_DAX = 0x0020_0000L;
    private static final int EINTR = 4;
    private static final int STATX_SIZE = 256;

    private static final MethodHandle OPEN;
    private static final MethodHandle CLOSE;
    private static final MethodHandle FALLOCATE;
    private static final MethodHandle STATX;
    private static final MethodHandle STRERROR;
    private static final StructLayout CAPTURE;
    private static final VarHandle ERRNO;

    static {
        MethodHandle open = null;
        MethodHandle close = null;
        MethodHandle fallocate = null;
        MethodHandle statx = null;
        MethodHandle strerror = null;
        StructLayout capture = null;
        VarHandle errno = null;
        boolean available = false;
        try {
            final Linker linker = Linker.nativeLinker();
            final SymbolLookup libc = linker.defaultLookup();
            final Linker.Option keepErrno = Linker.Option.captureCallState("errno");
            capture = Linker.Option.captureStateLayout();
            errno = capture.varHandle(MemoryLayout.PathElement.groupElement("errno"));
            open = linker.downcallHandle(libc.find("open").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), keepErrno);
            close = linker.downcallHandle(libc.find("close").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            fallocate = linker.downcallHandle(libc.find("posix_fallocate").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_LONG));
            statx = linker.downcallHandle(libc.find("statx").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS), keepErrno);
            strerror = linker.downcallHandle(libc.find("strerror").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
            available = true;
        } catch (final RuntimeException | LinkageError e) {
            available = false;
        }
        OPEN = open;
        CLOSE = close;
        FALLOCATE = fallocate;
        STATX = statx;
        STRERROR = strerror;
        CAPTURE = capture;
        ERRNO = errno;
        AVAILABLE = available;
    }

    /**
     * What {@code statx} says about a file.
     *
     * @param size      length in bytes
     * @param allocated bytes of storage allocated to it (512-byte blocks): less than {@code size} for a sparse file
     * @param dax       whether its data is accessed directly (the file system's DAX mode)
     * @param mode      type and permission bits ({@code st_mode})
     * @param device    the device holding it, as "major:minor" (as in /proc/self/mountinfo)
     */
    record Stat(long size, long allocated, boolean dax, int mode, String device) {
        /** @return whether some of the file is a hole: stores into it would allocate (and may fail) later. */
        boolean sparse() {
            return allocated < size;
        }

        /**
         * @return {@code length}, if the cache file {@code file} is not sparse.
         * @throws IOException naming the file, its allocated and total bytes, and the remedies, if it is.
         */
        long requireAllocated(final Path file, final long length) throws IOException {
            if (sparse()) {
                throw new IOException("cache file " + file + " is sparse: " + allocated + " of its " + length
                    + " bytes are allocated, so a store into a hole would fault when the file system fills up; format"
                    + " it again, or allocate it first (fallocate -l " + length + " " + file + ")");
            }
            return length;
        }
    }

    private final Path path;
    private int fd;

    private NativeFile(final Path path, final int fd) {
        this.path = path;
        this.fd = fd;
    }

    /** Opens {@code file} read-write, not creating it. */
    static NativeFile open(final Path file) throws IOException {
        requireAvailable();
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment state = arena.allocate(CAPTURE);
            final int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(file.toString()), O_RDWR | O_CLOEXEC);
            if (fd < 0) {
                throw failure("open", file, errno(state));
            }
            return new NativeFile(file, fd);
        } catch (final IOException | RuntimeException | Error e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** @return what statx says about {@code file}, following symbolic links. */
    static Stat stat(final Path file) throws IOException {
        requireAvailable();
        try (Arena arena = Arena.ofConfined()) {
            return statx(arena, AT_FDCWD, arena.allocateFrom(file.toString()), 0, file);
        }
    }

    /** @return what statx says about the open file. */
    Stat stat() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            return statx(arena, fd, arena.allocateFrom(""), AT_EMPTY_PATH, path);
        }
    }

    /**
     * Allocates storage for {@code [0, length)}, extending the file if it is shorter; data already there is kept.
     *
     * @throws IOException with the C library's reason (such as "No space left on device") when the file system
     *                     cannot allocate it.
     */
    void allocate(final long length) throws IOException {
        int rc;
        do {
            try {
                rc = (int) FALLOCATE.invokeExact(fd, 0L, length);
            } catch (final RuntimeException | Error e) {
                throw e;
            } catch (final Throwable t) {
                throw new IllegalStateException(t);
            }
        } while (rc == EINTR);
        if (rc != 0) {
            throw new IOException("posix_fallocate: " + reason(rc));
        }
    }

    /** Closes the descriptor (dropping every POSIX lock this process holds on the file). Idempotent. */
    @Override
    public void close() {
        if (fd >= 0) {
            try {
                final int ignored = (int) CLOSE.invokeExact(fd);
            } catch (final RuntimeException | Error e) {
                throw e;
            } catch (final Throwable t) {
                throw new IllegalStateException(t);
            } finally {
                fd = -1;
            }
        }
    }

    private static Stat statx(final Arena arena, final int dirfd, final MemorySegment name, final int flags,
                              final Path file) throws IOException {
        final MemorySegment state = arena.allocate(CAPTURE);
        final MemorySegment buf = arena.allocate(STATX_SIZE, 8);
        final int rc;
        try {
            rc = (int) STATX.invokeExact(state, dirfd, name, flags, STATX_BASIC_STATS, buf);
        } catch (final RuntimeException | Error e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException(t);
        }
        if (rc != 0) {
            throw failure("statx", file, errno(state));
        }
        // struct statx: u64 stx_attributes at 8, u16 stx_mode at 28, u64 stx_size at 40, u64 stx_blocks at 48,
        // u32 stx_dev_major at 136, u32 stx_dev_minor at 140
        final long attributes = buf.get(ValueLayout.JAVA_LONG, 8);
        final int mode = Short.toUnsignedInt(buf.get(ValueLayout.JAVA_SHORT, 28));
        final String device = Integer.toUnsignedString(buf.get(ValueLayout.JAVA_INT, 136)) + ":"
            + Integer.toUnsignedString(buf.get(ValueLayout.JAVA_INT, 140));
        return new Stat(buf.get(ValueLayout.JAVA_LONG, 40), buf.get(ValueLayout.JAVA_LONG, 48) * 512,
            (attributes & STATX_ATTR_DAX) != 0, mode, device);
    }

    private static int errno(final MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static IOException failure(final String call, final Path file, final int errno) {
        return new IOException(call + " of " + file + " failed: " + reason(errno));
    }

    /** @return the C library's text for an error number, and the number. */
    static String reason(final int errno) {
        try {
            final MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(1024).getString(0) + " (errno " + errno + ")";
        } catch (final RuntimeException | Error e) {
            throw e;
        } catch (final Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static void requireAvailable() {
        if (!AVAILABLE) {
            throw new UnsupportedOperationException("native file calls (open, posix_fallocate, statx) are not "
                + "available on this platform");
        }
    }
}
