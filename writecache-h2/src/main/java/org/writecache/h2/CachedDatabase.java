package org.writecache.h2;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.writecache.WriteCache;
import org.writecache.WriteCacheConfig;
import org.writecache.channel.WriteCacheFileChannel;

/**
 * One H2 database file held in a cache: opens the cache when the first channel opens (formatting it if its cache file
 * does not exist yet) and closes it when the last channel closes, so another process can open it afterwards.
 */
final class CachedDatabase {
    private final WriteCacheConfig config;
    private WriteCache cache;
    private int channels;

    CachedDatabase(final WriteCacheConfig config) {
        this.config = config;
    }

    WriteCacheConfig config() {
        return config;
    }

    /** Opens a channel over the database file, opening or formatting the cache first if no channel is open. */
    synchronized WriteCacheFileChannel open(final boolean writable) throws IOException {
        if (cache == null) {
            cache = Files.exists(config.cacheFile()) ? WriteCache.open(config) : WriteCache.format(config);
        }
        try {
            final WriteCacheFileChannel channel = WriteCacheFileChannel.open(cache, writable, this::release);
            channels++;
            return channel;
        } catch (final IOException | RuntimeException e) {
            if (channels == 0) {
                closeCache();
            }
            throw e;
        }
    }

    /** @return the database file's logical size: 0 if it was never created. */
    synchronized long size() throws IOException {
        if (!exists()) {
            return 0;
        }
        try (WriteCacheFileChannel channel = open(false)) {
            return channel.size();
        }
    }

    /** @return whether the database file was created: its cache file exists. */
    boolean exists() {
        return Files.exists(config.cacheFile());
    }

    /** Deletes the cache file and the backing file; refused while a channel is open. */
    synchronized void delete() throws IOException {
        if (channels > 0) {
            throw new IOException("cannot delete " + config.backingFile() + ": " + channels + " channel(s) open on it");
        }
        Files.deleteIfExists(config.cacheFile());
        Files.deleteIfExists(config.backingFile());
    }

    /** @return the path H2 names the file by: the backing file. */
    Path backingFile() {
        return config.backingFile();
    }

    private synchronized void release() throws IOException {
        if (--channels == 0) {
            closeCache();
        }
    }

    private void closeCache() throws IOException {
        final WriteCache c = cache;
        cache = null;
        if (c != null) {
            c.close();
        }
    }
}
