package org.writecache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.writecache.format.CacheLayout;
import org.writecache.pmem.CacheFileLockedException;
import org.writecache.pmem.FileSystemKind;
import org.writecache.pmem.FlushPolicy;
import org.writecache.pmem.HeapPersistentMemory;
import org.writecache.pmem.LockedFile;
import org.writecache.pmem.PersistentMemory;

/**
 * The file-level part of formatting and opening a cache: which files may be created, replaced or opened, in what
 * order they are locked, and what is refused.
 *
 * <p><b>Format is atomic.</b> The new cache is built in {@code <cache file>.format} beside the target: created with
 * the configured mode, its storage allocated for real (a full file system fails here, with one line, not with a fault
 * on a later store), mapped, formatted and made durable; only then is it renamed over the target in one step and the
 * directory synced. A format that dies half way leaves the target as it was (absent, or the old cache) and a stale
 * {@code .format} file, which the next format of the same target replaces. While a format runs, an existing target is
 * held under its exclusive lock, so no cache can open it and lose writes to the file being replaced; the new file's
 * lock is taken before it has a name anyone else opens.
 *
 * <p><b>What format refuses</b>: unless {@code format.force} is set, a target that already holds anything beyond
 * {@code cache.start.offset} (a valid cache, or any other file; what lies before the offset is kept); always, a target
 * that is not a regular file (a device, a directory), a backing file that is the cache file (same device and inode,
 * also through links), and a backing file that holds data but is shorter than {@code backing.size}. Format creates a
 * missing backing file and sizes an empty one ({@code backing.size} bytes, sparse); a format that fails undoes that.
 *
 * <p><b>What open refuses</b>: a missing backing file (only format creates one), one shorter than the size the cache
 * was formatted for, a longer one unless {@code backing.size} says the cache covers only its first bytes, a
 * {@code backing.size} other than the recorded one, the cache file and the backing file being one file, and a sparse
 * cache file.
 *
 * <p><b>Refused by both unless allowed by name</b>: a cache file on neither tmpfs nor DAX
 * ({@code allow.cache.not.pmem}), {@code pmem.flush=fence-only} for a cache file not on tmpfs
 * ({@code allow.fence.only.not.tmpfs}), a backing file that is a character device such as /dev/null
 * ({@code allow.backing.char.device}). Refusing is the safer default: each of them loses acknowledged writes, or all
 * the cache's speed, without any error later.
 *
 * <p>A backing location that is a URI is opened through {@link BlockDevices}; the file checks apply to local files.
 */
final class CacheFiles {
    /** Suffix of the file a format builds before renaming it into place. */
    static final String FORMAT_SUFFIX = ".format";
    private static final System.Logger LOG = System.getLogger(CacheFiles.class.getName());

    /** A cache file mapped and a backing device opened, both locked, ready for {@link WriteCache#start}. */
    record Opened(PersistentMemory memory, BlockDevice device) {
    }

    private CacheFiles() {
    }

    /** Formats atomically; see the class comment. */
    static Opened format(final WriteCacheConfig config) throws IOException {
        final Path backing = requireBacking(config);
        final Path target = target(config.cacheFile());
        requireDistinct(target, backing);
        requireRegular(target);
        checkPlacement(config, target, backing);
        final LockedFile old = Files.exists(target) ? LockedFile.lock(target, "cache file") : null;
        try {
            if (old != null && old.size() > config.startOffset() && !config.forceFormat()) {
                throw new IOException("cache file " + target + (holdsCache(old, config.startOffset())
                    ? " already holds a valid cache" : " exists and is not a writecache cache (" + old.size()
                    + " bytes)") + "; set " + Settings.FORCE_FORMAT + "=true to overwrite it");
            }
            if (backing == null) {
                final BlockDevice device = BlockDevices.open(config, true);
                try {
                    return new Opened(build(config, target, old, device), device);
                } catch (final IOException | RuntimeException e) {
                    closeQuietly(device::close, e);
                    throw e;
                }
            }
            final FileBlockDevice device = FileBlockDevice.create(backing, config.backingSize(), config.fileMode());
            try {
                requireDistinct(target, backing);
                return new Opened(build(config, target, old, device), device);
            } catch (final IOException | RuntimeException e) {
                closeQuietly(device::closeAndRevert, e);
                throw e;
            }
        } finally {
            if (old != null) {
                old.close(); // the replaced file's lock; the new file holds its own
            }
        }
    }

    /** Opens the cache file and its backing device, with the checks of the class comment. */
    static Opened open(final WriteCacheConfig config) throws IOException {
        final Path backing = requireBacking(config);
        final Path cacheFile = config.cacheFile();
        final long minimum = config.startOffset() + CacheLayout.SUPERBLOCK_SIZE;
        if (Files.exists(cacheFile) && Files.size(cacheFile) < minimum) {
            throw new CorruptCacheException("cache file " + cacheFile + " of " + Files.size(cacheFile)
                + " bytes is smaller than its " + minimum + "-byte superblock end (start offset "
                + config.startOffset() + "): truncated or not a cache");
        }
        requireDistinct(cacheFile, backing);
        checkPlacement(config, cacheFile, backing);
        final PersistentMemory memory =
            config.pmemBackend().open(cacheFile, config.flushPolicy(), config.prefault());
        try {
            if (backing == null) {
                return new Opened(memory, BlockDevices.open(config, false));
            }
            final long recorded = CacheLayout.open(memory, config.startOffset(), config.blockSize()).deviceSize();
            if (config.backingSize() != 0 && config.backingSize() != recorded) {
                throw new IOException(Settings.BACKING_SIZE + " is " + config.backingSize() + " bytes, but the cache"
                    + " in " + cacheFile + " was formatted in front of " + recorded + " bytes of " + backing);
            }
            final FileBlockDevice device = FileBlockDevice.open(backing, recorded);
            if (device.length() > recorded && config.backingSize() == 0) {
                device.close();
                throw new IOException(FileBlockDevice.ROLE + " " + backing + " is " + device.length() + " bytes, but"
                    + " the cache was formatted in front of " + recorded + " bytes: set " + Settings.BACKING_SIZE
                    + "=" + recorded + " if the cache covers only its first bytes");
            }
            return new Opened(memory, device);
        } catch (final IOException | RuntimeException e) {
            try {
                memory.close();
            } catch (final RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Builds the new cache beside {@code target} and renames it into place. */
    private static PersistentMemory build(final WriteCacheConfig config, final Path target, final LockedFile old,
                                          final BlockDevice device) throws IOException {
        final Path temp = target.resolveSibling(target.getFileName() + FORMAT_SUFFIX);
        clearStale(temp, target);
        requireSpace(target, config.cacheSize(), old != null);
        final LockedFile building = LockedFile.createNew(temp, "cache file", config.cacheSize(), config.fileMode(), true);
        PersistentMemory memory = null;
        try {
            if (old != null) {
                copyPrefix(old, building, config.startOffset());
            }
            memory = config.pmemBackend().map(building, config.flushPolicy(), config.prefault());
            WriteCache.formatLayout(config, memory, device);
            building.moveTo(target);
            return memory;
        } catch (final IOException | RuntimeException e) {
            if (memory != null) {
                try {
                    memory.close();
                } catch (final RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            } else {
                closeQuietly(building::close, e);
            }
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /** @throws IOException naming the file if it exists and is not a regular file: format would replace it. */
    private static void requireRegular(final Path target) throws IOException {
        if (Files.exists(target) && !Files.isRegularFile(target)) {
            throw new IOException("cache file " + target + (Files.isDirectory(target) ? " is a directory"
                : " is not a regular file (a device or another special file)") + ": format never replaces one");
        }
    }

    /** Removes what a format killed half way left at {@code temp}, unless a format is running there now. */
    private static void clearStale(final Path temp, final Path target) throws IOException {
        if (Files.isSymbolicLink(temp)) {
            Files.delete(temp);
        } else if (Files.exists(temp)) {
            try (LockedFile stale = LockedFile.lock(temp, "cache file")) {
                Files.delete(temp);
                LOG.log(Level.INFO, "removed {0} ({1} bytes), left by a format of {2} that did not finish", temp,
                    String.valueOf(stale.size()), target);
            } catch (final CacheFileLockedException e) {
                throw new IOException("another format of cache file " + target + " is in progress (" + temp
                    + " is locked)", e);
            }
        }
    }

    private static void requireSpace(final Path target, final long size, final boolean replacing)
        throws IOException {
        final Path dir = target.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "the directory of cache file " + target
                + " does not exist");
        }
        final long free = Files.getFileStore(dir).getUsableSpace();
        if (free < size) {
            throw new IOException("not enough space for cache file " + target + ": it needs " + size + " bytes, the"
                + " file system of " + dir + " has " + free + " bytes free" + (replacing
                ? " (the old cache file stays until the new one is complete)" : ""));
        }
    }

    /** Keeps what lies before the cache in its file (dm-writecache's start_sector area). */
    private static void copyPrefix(final LockedFile from, final LockedFile to, final long startOffset)
        throws IOException {
        final long length = Math.min(startOffset, from.size());
        long done = 0;
        while (done < length) {
            done += from.channel().transferTo(done, length - done, to.channel().position(done));
        }
    }

    /** @return whether {@code file} holds a valid superblock at {@code startOffset}. */
    private static boolean holdsCache(final LockedFile file, final long startOffset) throws IOException {
        final ByteBuffer superblock = ByteBuffer.allocate(CacheLayout.SUPERBLOCK_SIZE);
        while (superblock.hasRemaining()) {
            if (file.channel().read(superblock, startOffset + superblock.position()) < 0) {
                return false;
            }
        }
        return CacheLayout.isFormatted(new HeapPersistentMemory(superblock.array()), 0);
    }

    /** @return the path the cache file really lives at: a symbolic link is followed, not replaced. */
    private static Path target(final Path cacheFile) throws IOException {
        if (!Files.isSymbolicLink(cacheFile)) {
            return cacheFile;
        }
        return Files.exists(cacheFile) ? cacheFile.toRealPath()
            : cacheFile.resolveSibling(Files.readSymbolicLink(cacheFile));
    }

    /**
     * Refuses what is legal but unsafe for data, unless the configuration allows it by name: a cache file on neither
     * tmpfs nor DAX, {@code pmem.flush=fence-only} off tmpfs, a backing file that is a character device.
     *
     * @throws IllegalArgumentException naming the file and the setting that allows it.
     */
    private static void checkPlacement(final WriteCacheConfig config, final Path cacheFile, final Path backing)
        throws IOException {
        final FileSystemKind kind = FileSystemKind.of(cacheFile);
        if (kind == FileSystemKind.OTHER && !config.allowCacheNotPmem()) {
            throw new IllegalArgumentException("cache file " + cacheFile + " is on a file system that is neither tmpfs"
                + " nor DAX, where the cache is slow and, without msync, not durable: set "
                + Settings.ALLOW_CACHE_NOT_PMEM + "=true to use it anyway");
        }
        if (config.flushPolicy() == FlushPolicy.FENCE_ONLY && kind != FileSystemKind.TMPFS
            && !config.allowFenceOnlyNotTmpfs()) {
            throw new IllegalArgumentException(Settings.FLUSH_POLICY + "=fence-only never writes cache file "
                + cacheFile + " back, which is not on tmpfs: its writes would not survive a power loss; set "
                + Settings.ALLOW_FENCE_ONLY_NOT_TMPFS + "=true to use it anyway");
        }
        if (backing != null && FileBlockDevice.isCharacterDevice(backing) && !config.allowBackingCharDevice()) {
            throw new IllegalArgumentException(Settings.BACKING_FILE + " " + backing + " is a character"
                + " device, which may keep none of what is written back to it: set "
                + Settings.ALLOW_BACKING_CHAR_DEVICE + "=true to use it anyway");
        }
    }

    /** @throws IllegalArgumentException if both files exist and are one file (same device and inode). */
    private static void requireDistinct(final Path cacheFile, final Path backing) throws IOException {
        if (backing != null && Files.exists(cacheFile) && Files.exists(backing)
            && Files.isSameFile(cacheFile, backing)) {
            throw new IllegalArgumentException(Settings.BACKING_FILE + " " + backing + " is the cache file "
                + cacheFile + " (same device and inode): writeback would overwrite the cache");
        }
    }

    /** @return the local backing file; null for a backing device at a URI. */
    private static Path requireBacking(final WriteCacheConfig config) {
        if (config.backingLocation() == null) {
            throw new IllegalArgumentException(Settings.BACKING_FILE + " is required");
        }
        return config.backingFile();
    }

    /** Something to close that may throw an {@link IOException}. */
    @FunctionalInterface
    private interface Closer {
        void close() throws IOException;
    }

    private static void closeQuietly(final Closer c, final Exception e) {
        try {
            c.close();
        } catch (final IOException | UncheckedIOException suppressed) {
            e.addSuppressed(suppressed);
        }
    }
}
