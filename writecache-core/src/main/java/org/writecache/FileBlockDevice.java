package org.writecache;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import org.writecache.pmem.LockedFile;

/**
 * A {@link BlockDevice} over a regular file (or a device node), through positional {@link FileChannel} I/O, held under
 * an exclusive lock while open ({@link LockedFile}): a second cache, in this process or another, cannot be put in
 * front of a backing file that a cache already uses.
 *
 * <p>Only {@link #create} (what {@code format} uses) may create a file; {@link #open} (what opening a cache uses)
 * needs the file to exist and to be at least as long as the device, and never changes its length: a missing or
 * shortened backing file is a misconfiguration to report, not a file to make up, since every block the cache does
 * not hold would then read as zeros.
 */
public final class FileBlockDevice implements BlockDevice {
    /** What messages call the file. */
    static final String ROLE = "backing file";
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;

    private final Path file;
    private final LockedFile locked;
    private final FileChannel channel;
    private final long size;
    private final boolean created;
    private final boolean sized;

    private FileBlockDevice(final Path file, final LockedFile locked, final long size, final boolean created,
                            final boolean sized) {
        this.file = file;
        this.locked = locked;
        this.channel = locked.channel();
        this.size = size;
        this.created = created;
        this.sized = sized;
    }

    /**
     * Opens {@code file} as the device of a cache being formatted, creating it (sparse, {@code size} bytes, with
     * {@code permissions}) if it does not exist, and locks it. An empty file is given {@code size} bytes (sparse); a
     * file that holds anything is never extended or shortened.
     *
     * @param size        the device size in bytes: 0 takes an existing file's length; otherwise at most that length
     *                    (a longer file keeps its length, and only its first {@code size} bytes are used).
     * @param permissions mode of a file created here; null for the default of the file system and umask.
     * @throws IllegalArgumentException if {@code size} is negative.
     * @throws IOException naming the file and both sizes if an existing file is shorter than {@code size}; naming
     *                     the file if it is missing and {@code size} is 0, or if it is empty.
     * @throws org.writecache.pmem.CacheFileLockedException if another cache uses the file.
     */
    public static FileBlockDevice create(final Path file, final long size, final Set<PosixFilePermission> permissions)
        throws IOException {
        checkSize(size);
        if (!Files.exists(file)) {
            if (size == 0) {
                throw new IOException(ROLE + " " + file + " does not exist and no backing size is configured to create"
                    + " it with (" + Settings.BACKING_SIZE + ")");
            }
            return new FileBlockDevice(file, LockedFile.createNew(file, ROLE, size, permissions, false), size, true,
                false);
        }
        final LockedFile locked = LockedFile.lock(file, ROLE);
        try {
            final long length = isCharacterDevice(file) ? Long.MAX_VALUE : locked.size();
            if (size == 0 && (length == 0 || length == Long.MAX_VALUE)) {
                throw new IOException(ROLE + " " + file + " is empty and no backing size is configured ("
                    + Settings.BACKING_SIZE + ")");
            }
            if (length == 0) {
                locked.channel().write(ByteBuffer.allocate(1), size - 1);
                return new FileBlockDevice(file, locked, size, false, true);
            }
            if (length < size) {
                throw new IOException(ROLE + " " + file + " is " + length + " bytes, shorter than "
                    + Settings.BACKING_SIZE + " " + size + ": format does not extend a file that holds data"
                    + " (extend it yourself, or set " + Settings.BACKING_SIZE + " to " + length + " or less)");
            }
            return new FileBlockDevice(file, locked, size == 0 ? length : size, false, false);
        } catch (final IOException | RuntimeException e) {
            locked.close();
            throw e;
        }
    }

    /**
     * Opens the existing {@code file} as the device of a cache formatted in front of its first {@code size} bytes,
     * and locks it. Never creates or extends it.
     *
     * @throws NoSuchFileException naming the file if it does not exist.
     * @throws IOException naming the file and both sizes if it is shorter than {@code size}.
     * @throws org.writecache.pmem.CacheFileLockedException if another cache uses the file.
     */
    public static FileBlockDevice open(final Path file, final long size) throws IOException {
        checkSize(size);
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, ROLE + " does not exist (only format creates one)");
        }
        final LockedFile locked = LockedFile.lock(file, ROLE);
        try {
            final long length = isCharacterDevice(file) ? size : locked.size();
            if (length < size) {
                throw new IOException(ROLE + " " + file + " is " + length + " bytes, but the cache was formatted in front"
                    + " of " + size + " bytes: it was shortened, or it is another file");
            }
            return new FileBlockDevice(file, locked, size == 0 ? length : size, false, false);
        } catch (final IOException | RuntimeException e) {
            locked.close();
            throw e;
        }
    }

    /** @return whether {@code file} is a character device (such as /dev/null): it has no length of its own. */
    static boolean isCharacterDevice(final Path file) throws IOException {
        if (!Files.exists(file)) {
            return false;
        }
        try {
            return ((Integer) Files.getAttribute(file, "unix:mode") & S_IFMT) == S_IFCHR;
        } catch (final UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    private static void checkSize(final long size) {
        if (size < 0) {
            throw new IllegalArgumentException("backing device size must not be negative: " + size);
        }
    }

    /** @return the file's path. */
    public Path file() {
        return file;
    }

    /** @return the file's length when it was opened: at least {@link #size()} (a device node: its size). */
    long length() {
        return Math.max(locked.size(), size);
    }

    /**
     * Closes the device and undoes what {@link #create} did to the file: deletes a file it created, empties a file it
     * sized. For a format that fails.
     */
    void closeAndRevert() throws IOException {
        try {
            if (sized) {
                channel.truncate(0);
            }
        } finally {
            close();
        }
        if (created) {
            Files.deleteIfExists(file);
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(final long offset, final ByteBuffer dst) throws IOException {
        long pos = offset;
        while (dst.hasRemaining()) {
            final int n = channel.read(dst, pos);
            if (n < 0) {
                if (pos >= size) {
                    throw new EOFException("read at " + pos + " beyond device " + file + " of " + size + " bytes");
                }
                while (dst.hasRemaining() && pos < size) {
                    dst.put((byte) 0);
                    pos++;
                }
                continue;
            }
            pos += n;
        }
    }

    @Override
    public void write(final long offset, final ByteBuffer src) throws IOException {
        long pos = offset;
        while (src.hasRemaining()) {
            pos += channel.write(src, pos);
        }
    }

    @Override
    public void sync() throws IOException {
        channel.force(false);
    }

    @Override
    public String describe() {
        return "file " + file + " (" + size + " bytes)";
    }

    /** Releases the lock and closes the file. */
    @Override
    public void close() throws IOException {
        locked.close();
    }
}
