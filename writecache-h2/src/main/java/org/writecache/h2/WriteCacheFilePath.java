package org.writecache.h2;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.h2.message.DbException;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;
import org.writecache.Settings;
import org.writecache.WriteCacheConfig;
import org.writecache.channel.WriteCacheFileChannel;

/**
 * H2's file system scheme {@code writecache:}: an H2 database whose URL is {@code jdbc:h2:writecache:/dir/name} keeps
 * its database file {@code /dir/name.mv.db} in a write cache, through a {@link WriteCacheFileChannel}.
 *
 * <p>Each database is registered once per JVM with a cache configuration whose {@code backing.file} is the database
 * file (the H2 path without the scheme) and whose {@code cache.file} is the persistent memory (a tmpfs or DAX file):
 * <pre>{@code
 * WriteCacheFilePath.register(WriteCacheConfig.builder()
 *     .cacheFile(Path.of("/dev/shm/db.wc")).cacheSize(256L << 20)
 *     .backingFile(Path.of("/data/db.mv.db")).backingSize(4L << 30)
 *     .build());
 * Connection c = DriverManager.getConnection("jdbc:h2:writecache:/data/db;WRITE_DELAY=0");
 * }</pre>
 * The cache is formatted the first time the database is opened (when its cache file does not exist), opened on later
 * opens, and closed when H2 closes the database. Every other file H2 makes under the scheme (trace, lock and temporary
 * files) lives on the ordinary file system. The database can hold at most the backing size minus one block.
 *
 * <p>Every write H2 makes is durable when it returns (see {@link WriteCacheFileChannel}), so with {@code WRITE_DELAY=0}
 * a commit is durable when {@code commit()} returns, although H2 never calls {@code force}.
 */
public final class WriteCacheFilePath extends FilePathWrapper {
    /** The URL scheme. */
    public static final String SCHEME = "writecache";
    /** Suffix of the H2 database file that is kept in the cache. */
    public static final String DATABASE_SUFFIX = ".mv.db";

    private static final Map<Path, CachedDatabase> DATABASES = new ConcurrentHashMap<>();
    private static volatile boolean registered;

    /** For H2, which creates instances reflectively; use {@link #register(WriteCacheConfig)}. */
    public WriteCacheFilePath() {
        super();
    }

    /**
     * Registers the {@code writecache:} scheme with H2 (once per JVM) and the database whose file is
     * {@code config.backingFile()}.
     *
     * @throws IllegalArgumentException if the backing file does not end in {@code .mv.db}, or another configuration is
     *                                  registered for the same file.
     */
    public static void register(final WriteCacheConfig config) {
        Objects.requireNonNull(config, "config");
        final Path file = key(config.backingFile());
        if (!file.getFileName().toString().endsWith(DATABASE_SUFFIX)) {
            throw new IllegalArgumentException(Settings.BACKING_FILE + " " + file + " is not an H2 database"
                + " file: it must end in " + DATABASE_SUFFIX);
        }
        final CachedDatabase existing = DATABASES.putIfAbsent(file, new CachedDatabase(config));
        if (existing != null && !existing.config().toProperties().equals(config.toProperties())) {
            throw new IllegalArgumentException("H2 database file " + file + " is already registered with another cache"
                + " configuration: " + existing.config());
        }
        registerScheme();
    }

    /** Registers the database described by a properties file (see {@code config/writecache.properties}). */
    public static void register(final Path propertiesFile) throws IOException {
        register(WriteCacheConfig.load(propertiesFile).build());
    }

    /** Forgets the database whose file is {@code databaseFile}; its cache must be closed. */
    public static void unregister(final Path databaseFile) {
        DATABASES.remove(key(databaseFile));
    }

    private static synchronized void registerScheme() {
        if (!registered) {
            FilePath.register(new WriteCacheFilePath());
            registered = true;
        }
    }

    private static Path key(final Path file) {
        if (file == null) {
            throw new IllegalArgumentException(Settings.BACKING_FILE + " is required: it names the H2"
                + " database file");
        }
        return file.toAbsolutePath().normalize();
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    /** @return the registered database if this path is a database file, null for every other file. */
    private CachedDatabase database() {
        final String file = getBase().toString();
        if (!file.endsWith(DATABASE_SUFFIX)) {
            return null;
        }
        final CachedDatabase db = DATABASES.get(key(Path.of(file)));
        if (db == null) {
            throw new IllegalStateException("no cache is registered for H2 database file " + file
                + ": call WriteCacheFilePath.register(config) with " + Settings.BACKING_FILE + "=" + file);
        }
        return db;
    }

    @Override
    public FileChannel open(final String mode) throws IOException {
        final CachedDatabase db = database();
        if (db == null) {
            return super.open(mode);
        }
        return db.open(!"r".equals(mode));
    }

    @Override
    public long size() {
        final CachedDatabase db = database();
        if (db == null) {
            return super.size();
        }
        try {
            return db.size();
        } catch (final IOException e) {
            throw DbException.convertIOException(e, name);
        }
    }

    @Override
    public boolean exists() {
        final CachedDatabase db = database();
        return db == null ? super.exists() : db.exists();
    }

    @Override
    public void delete() {
        final CachedDatabase db = database();
        if (db == null) {
            super.delete();
            return;
        }
        try {
            db.delete();
        } catch (final IOException e) {
            throw DbException.convertIOException(e, name);
        }
    }

    @Override
    public boolean createFile() {
        final CachedDatabase db = database();
        if (db == null) {
            return super.createFile();
        }
        if (db.exists()) {
            return false;
        }
        try {
            open("rw").close();
            return true;
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void moveTo(final FilePath newName, final boolean atomicReplace) {
        if (database() != null || newName.toString().endsWith(DATABASE_SUFFIX)) {
            throw DbException.getUnsupportedException("moving an H2 database file held in a write cache (" + name
                + " to " + newName + ")");
        }
        super.moveTo(newName, atomicReplace);
    }

    @Override
    public InputStream newInputStream() throws IOException {
        return database() == null ? super.newInputStream() : Channels.newInputStream(open("r"));
    }

    @Override
    public OutputStream newOutputStream(final boolean append) throws IOException {
        return database() == null ? super.newOutputStream(append)
            : FilePath.newFileChannelOutputStream(open("rw"), append);
    }
}
