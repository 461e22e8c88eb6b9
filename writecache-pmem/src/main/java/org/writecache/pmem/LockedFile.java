package org.writecache.pmem;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

/**
 * A cache file open for mapping, held under an exclusive lock until closed: the part of opening a cache file that
 * every backend shares.
 *
 * <p>Two guards keep a file open once. The operating-system lock ({@link FileChannel#tryLock()}, a POSIX record
 * lock on Linux) keeps other processes out; a registry of the files this JVM holds keeps this process out. The
 * registry is consulted before any descriptor is opened, because closing any descriptor of a file releases every
 * POSIX lock the process holds on it: a refused second open that closed its own channel would silently drop the
 * first one's lock. Files are identified by their file key (device and inode), so hard links and symbolic links to a
 * held file are refused too. Locks taken on a cache file by other code in this JVM, outside this class, are not
 * covered.
 *
 * <p>Public for backends that live in other artifacts (such as the Chronicle Bytes backend); every backend opens its
 * file through this class.
 */
public final class LockedFile implements AutoCloseable {
    private static final Set<Object> HELD = new HashSet<>();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final Object key;
    private final long size;
    private boolean closed;

    private LockedFile(final Path file, final FileChannel channel, final FileLock lock, final Object key, final long size) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.key = key;
        this.size = size;
    }

    /**
     * Opens {@code file}, creating it if needed, locks it and sets its length to {@code size}.
     *
     * @throws IllegalArgumentException if {@code size} is not positive.
     * @throws CacheFileLockedException if the file is already open, here or in another process; it is then left as
     *     it was.
     */
    public static LockedFile create(final Path file, final long size) throws IOException {
        if (size <= 0) {
            throw new IllegalArgumentException("persistent memory size must be positive: " + size);
        }
        return acquire(file, size);
    }

    /**
     * Opens and locks an existing, non-empty {@code file}.
     *
     * @throws NoSuchFileException if the file does not exist.
     * @throws IOException if the file is empty.
     * @throws CacheFileLockedException if the file is already open, here or in another process.
     */
    public static LockedFile open(final Path file) throws IOException {
        return acquire(file, -1);
    }

    private static LockedFile acquire(final Path file, final long newSize) throws IOException {
        synchronized (HELD) {
            final boolean exists = Files.exists(file);
            if (exists && HELD.contains(keyOf(file))) {
                throw new CacheFileLockedException(file);
            }
            if (!exists && newSize < 0) {
                throw new NoSuchFileException(file.toString(), null, "cache file does not exist");
            }
            final FileChannel channel = newSize < 0
                ? FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            try {
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (final OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock == null) {
                    throw new CacheFileLockedException(file);
                }
                final long size = newSize < 0 ? existingSize(file, channel) : resize(channel, newSize);
                final Object key = keyOf(file);
                HELD.add(key);
                return new LockedFile(file, channel, lock, key, size);
            } catch (final IOException | RuntimeException e) {
                try {
                    channel.close(); // also releases the lock, if it was taken
                } catch (final IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }
    }

    private static Object keyOf(final Path file) throws IOException {
        final Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        return key != null ? key : file.toRealPath();
    }

    private static long existingSize(final Path file, final FileChannel channel) throws IOException {
        final long size = channel.size();
        if (size == 0) {
            throw new IOException("cache file " + file + " is empty");
        }
        return size;
    }

    private static long resize(final FileChannel channel, final long size) throws IOException {
        if (channel.size() > size) {
            channel.truncate(size);
        } else if (channel.size() < size) {
            channel.write(ByteBuffer.allocate(1), size - 1);
        }
        return size;
    }

    /** @return the path the file was opened by. */
    public Path file() {
        return file;
    }

    /** @return the open channel, for mapping; closed by {@link #close()}. */
    public FileChannel channel() {
        return channel;
    }

    /** @return the file's length when it was opened (after resizing, for {@link #create}). */
    public long size() {
        return size;
    }

    /** Releases the lock and closes the channel; the file can be opened again afterwards. Idempotent. */
    @Override
    public void close() throws IOException {
        synchronized (HELD) {
            if (closed) {
                return;
            }
            closed = true;
            try (channel) {
                if (lock.isValid()) {
                    lock.release();
                }
            } finally {
                HELD.remove(key);
            }
        }
    }
}
