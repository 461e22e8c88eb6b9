package org.writecache.pmem;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * A file held open under a lock until closed: an exclusive lock for a cache file that is mapped read-write or a
 * backing file a cache writes to, a shared lock for a cache file read by a tool. The part of opening a file that every
 * backend and the backing device share.
 *
 * <p>Two guards keep a file open once. The operating-system lock ({@link FileChannel#tryLock}, a POSIX record lock on
 * Linux) keeps other processes out; a registry of the files this JVM holds keeps this process out. The registry is
 * consulted before any descriptor is opened, because closing any descriptor of a file releases every POSIX lock the
 * process holds on it: a refused second open that closed its own channel would silently drop the first one's lock.
 * Files are identified by their file key (device and inode), so hard links and symbolic links to a held file are
 * refused too. Locks taken on a held file by other code in this JVM, outside this class, are not covered.
 *
 * <p>An existing file is looked up again once it is locked: if the name was meanwhile renamed over (an atomic format
 * replacing the file), the open is retried on the new file, so a lock is never held on a file no name refers to.
 *
 * <p>Where the C library is reachable ({@link NativeFile}), a writable file also keeps a native descriptor, used to
 * allocate storage for real ({@code posix_fallocate}) and to recognise a sparse file; it is closed after the lock is
 * released. Without it, allocation writes zeros through the channel and sparse files are not recognised.
 *
 * <p>Public for backends and devices that live in other artifacts and packages; every backend opens its file through
 * this class.
 */
public final class LockedFile implements AutoCloseable {
    private static final Set<Object> HELD = new HashSet<>();
    private static final int ATTEMPTS = 3;

    private volatile Path file;
    private final String role;
    private final FileChannel channel;
    private final FileLock lock;
    private final NativeFile descriptor;
    private final Object key;
    private final long size;
    private boolean closed;

    private LockedFile(final Path file, final String role, final FileChannel channel, final FileLock lock,
                       final NativeFile descriptor, final Object key, final long size) {
        this.file = file;
        this.role = role;
        this.channel = channel;
        this.lock = lock;
        this.descriptor = descriptor;
        this.key = key;
        this.size = size;
    }

    /**
     * How a file is opened: CREATE (create if missing, set the length, allocate), CREATE_NEW (must not exist), OPEN
     * (existing, non-empty, not sparse), LOCK (existing, any length, unchanged), all exclusive; READ_ONLY (existing,
     * non-empty), shared.
     */
    private enum Mode { CREATE, CREATE_NEW, OPEN, LOCK, READ_ONLY }

    /**
     * Opens {@code file}, creating it if needed, locks it, sets its length to {@code size} and allocates its storage
     * (bytes already there are kept).
     *
     * @throws IllegalArgumentException if {@code size} is not positive.
     * @throws CacheFileLockedException if the file is already open, here or in another process; it is then left as
     *     it was.
     * @throws IOException naming the file and the reason if its storage cannot be allocated (a full file system).
     */
    public static LockedFile create(final Path file, final long size) throws IOException {
        requirePositive(size);
        return acquire(file, "cache file", Mode.CREATE, size, null, Allocator.DEFAULT);
    }

    /**
     * Creates {@code file}, which must not exist, with permissions {@code permissions} (exactly, whatever the umask),
     * locks it exclusively and sets its length to {@code size}.
     *
     * @param role        what the file is, for messages ("cache file", "backing file").
     * @param permissions its permission bits; null for the default of the file system and umask.
     * @param allocate    allocate storage for every byte now (else the file is sparse).
     * @throws FileAlreadyExistsException if it exists.
     * @throws IOException naming the file and the reason if its storage cannot be allocated; the file is then deleted.
     */
    public static LockedFile createNew(final Path file, final String role, final long size,
                                       final Set<PosixFilePermission> permissions, final boolean allocate)
        throws IOException {
        return createNew(file, role, size, permissions, allocate ? Allocator.DEFAULT : null);
    }

    /** {@link #createNew} with the allocator given, or none (sparse) if null. */
    static LockedFile createNew(final Path file, final String role, final long size,
                                final Set<PosixFilePermission> permissions, final Allocator allocator)
        throws IOException {
        requirePositive(size);
        return acquire(file, role, Mode.CREATE_NEW, size, permissions, allocator);
    }

    /**
     * Opens and locks an existing, non-empty {@code file} read-write, for mapping.
     *
     * @throws NoSuchFileException if the file does not exist.
     * @throws IOException if the file is empty, or sparse (storage not allocated for all of it: a store into a hole
     *     would fault on a full file system).
     * @throws CacheFileLockedException if the file is already open, here or in another process.
     */
    public static LockedFile open(final Path file) throws IOException {
        return acquire(file, "cache file", Mode.OPEN, -1, null, null);
    }

    /**
     * Opens an existing file of any length read-write and locks it exclusively, changing nothing in it.
     *
     * @param role what the file is, for messages ("cache file", "backing file").
     * @throws NoSuchFileException if the file does not exist.
     * @throws CacheFileLockedException if the file is already open, here or in another process.
     */
    public static LockedFile lock(final Path file, final String role) throws IOException {
        return acquire(file, role, Mode.LOCK, -1, null, null);
    }

    /**
     * Opens an existing, non-empty {@code file} for reading under a shared lock: other readers may hold it too, a
     * writer (an open cache) may not. Needs only read permission.
     *
     * @throws NoSuchFileException if the file does not exist.
     * @throws IOException if the file is empty.
     * @throws CacheFileLockedException if the file is open read-write, in this process or another, or read in this
     *     process.
     */
    public static LockedFile openReadOnly(final Path file) throws IOException {
        return acquire(file, "cache file", Mode.READ_ONLY, -1, null, null);
    }

    /**
     * @return whether a writer (an open cache) holds {@code file} under its exclusive lock, in this process or
     *     another; false when nothing holds it or only readers do.
     * @throws IOException if the file cannot be read (missing, empty, no permission).
     */
    public static boolean isHeldByWriter(final Path file) throws IOException {
        final LockedFile reader;
        try {
            reader = openReadOnly(file);
        } catch (final CacheFileLockedException e) {
            return true;
        }
        reader.close();
        return false;
    }

    private static void requirePositive(final long size) {
        if (size <= 0) {
            throw new IllegalArgumentException("persistent memory size must be positive: " + size);
        }
    }

    private static LockedFile acquire(final Path file, final String role, final Mode mode, final long newSize,
                                      final Set<PosixFilePermission> permissions, final Allocator allocator)
        throws IOException {
        Objects.requireNonNull(file, "file");
        synchronized (HELD) {
            for (int attempt = 1; ; attempt++) {
                final LockedFile locked = attempt(file, role, mode, newSize, permissions, allocator);
                if (locked != null) {
                    return locked;
                }
                if (attempt == ATTEMPTS) {
                    throw new IOException(role + " " + file + " was replaced " + ATTEMPTS
                        + " times while it was being opened");
                }
            }
        }
    }

    /** @return the locked file, or null if the name was renamed over while it was being locked (try again). */
    private static LockedFile attempt(final Path file, final String role, final Mode mode, final long newSize,
                                      final Set<PosixFilePermission> permissions, final Allocator allocator)
        throws IOException {
        final boolean exists = Files.exists(file);
        if (mode == Mode.CREATE_NEW && (exists || Files.isSymbolicLink(file))) {
            throw new FileAlreadyExistsException(file.toString(), null, role + " already exists");
        }
        final Object before = exists ? keyOf(file) : null;
        if (before != null && HELD.contains(before)) {
            throw new CacheFileLockedException(file, role);
        }
        if (!exists && mode != Mode.CREATE && mode != Mode.CREATE_NEW) {
            throw new NoSuchFileException(file.toString(), null, role + " does not exist");
        }
        final FileChannel channel;
        try {
            channel = FileChannel.open(file, options(mode));
        } catch (final AccessDeniedException e) {
            throw new AccessDeniedException(file.toString(), null, role + " cannot be opened "
                + (mode == Mode.READ_ONLY ? "for reading" : "for writing") + " by this user");
        } catch (final NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, mode == Mode.CREATE || mode == Mode.CREATE_NEW
                ? "the directory of the " + role + " does not exist" : role + " does not exist");
        }
        NativeFile descriptor = null;
        boolean created = mode == Mode.CREATE_NEW;
        try {
            if (created && permissions != null) {
                setPermissions(file, permissions);
            }
            FileLock lock;
            try {
                lock = mode == Mode.READ_ONLY ? channel.tryLock(0, Long.MAX_VALUE, true) : channel.tryLock();
            } catch (final OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new CacheFileLockedException(file, role);
            }
            if (mode != Mode.READ_ONLY && NativeFile.AVAILABLE) {
                descriptor = NativeFile.open(file);
            }
            final Object key = keyOf(file);
            if (before != null && !before.equals(key)) {
                closeQuietly(channel, descriptor, null);
                return null;
            }
            final long size = switch (mode) {
                case CREATE, CREATE_NEW -> resize(channel, descriptor, file, role, newSize, allocator);
                case OPEN -> descriptor == null ? nonEmpty(file, role, channel)
                    : descriptor.stat().requireAllocated(file, nonEmpty(file, role, channel));
                case READ_ONLY -> nonEmpty(file, role, channel);
                case LOCK -> channel.size();
            };
            created = false;
            HELD.add(key);
            return new LockedFile(file, role, channel, lock, descriptor, key, size);
        } catch (final IOException | RuntimeException e) {
            closeQuietly(channel, descriptor, e);
            if (created) {
                Files.deleteIfExists(file);
            }
            throw e;
        }
    }

    private static void setPermissions(final Path file, final Set<PosixFilePermission> permissions)
        throws IOException {
        try {
            Files.setPosixFilePermissions(file, permissions);
        } catch (final UnsupportedOperationException e) {
            // a file system without POSIX permissions (vfat): nothing to set
        }
    }

    private static Set<OpenOption> options(final Mode mode) {
        return switch (mode) {
            case CREATE -> Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            case CREATE_NEW -> Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS);
            case OPEN, LOCK -> Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE);
            case READ_ONLY -> Set.of(StandardOpenOption.READ);
        };
    }

    private static void closeQuietly(final FileChannel channel, final NativeFile descriptor, final Exception e) {
        try {
            channel.close(); // releases the lock, if it was taken
        } catch (final IOException suppressed) {
            if (e != null) {
                e.addSuppressed(suppressed);
            }
        } finally {
            if (descriptor != null) {
                descriptor.close();
            }
        }
    }

    private static Object keyOf(final Path file) throws IOException {
        final Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        return key != null ? key : file.toRealPath();
    }

    private static long nonEmpty(final Path file, final String role, final FileChannel channel) throws IOException {
        final long size = channel.size();
        if (size == 0) {
            throw new IOException(role + " " + file + " is empty");
        }
        return size;
    }

    private static long resize(final FileChannel channel, final NativeFile descriptor, final Path file,
                               final String role, final long size, final Allocator allocator) throws IOException {
        final long old = channel.size();
        if (old > size) {
            channel.truncate(size);
        }
        if (allocator == null) {
            if (old < size) {
                channel.write(ByteBuffer.allocate(1), size - 1);
            }
            return size;
        }
        try {
            allocator.allocate(channel, descriptor, old, size);
        } catch (final IOException e) {
            final long free = Files.getFileStore(file.toAbsolutePath().getParent()).getUsableSpace();
            throw new IOException("cannot allocate " + size + " bytes for " + role + " " + file + " (" + free
                + " bytes free there): " + e.getMessage(), e);
        }
        return size;
    }

    /**
     * Renames this file over {@code target} in one step (replacing any file there) and makes the rename durable by
     * syncing the directory. The lock and the mapping stay valid: they belong to the file, not to its name.
     *
     * @throws IOException if the rename cannot be atomic (another file system) or fails; the file keeps its name.
     */
    public synchronized void moveTo(final Path target) throws IOException {
        if (closed) {
            throw new IllegalStateException(role + " " + file + " is closed");
        }
        try {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (final AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + file + " to " + target + " in one step: " + e.getMessage(), e);
        }
        file = target;
        syncDirectory(target.toAbsolutePath().getParent());
    }

    /** Makes a directory's entries (a rename, a new file) durable. */
    public static void syncDirectory(final Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /** @return the path the file is known by (its new name after {@link #moveTo}). */
    public Path file() {
        return file;
    }

    /** @return the open channel, for mapping and I/O; closed by {@link #close()}. */
    public FileChannel channel() {
        return channel;
    }

    /** @return the file's length when it was opened (after resizing, for {@link #create}). */
    public long size() {
        return size;
    }

    /** @return true if the file is open for reading only, under a shared lock. */
    public boolean isReadOnly() {
        return lock.isShared();
    }

    /** Releases the lock and closes the file; it can be opened again afterwards. Idempotent. */
    @Override
    public void close() throws IOException {
        synchronized (HELD) {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            try (channel) {
                if (lock.isValid()) {
                    lock.release();
                }
            } finally {
                try {
                    if (descriptor != null) {
                        descriptor.close();
                    }
                } finally {
                    HELD.remove(key);
                }
            }
        }
    }
}
