package org.writecache;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** The {@link WriteCacheMXBean} of one cache, and its registration with the platform MBean server. */
final class WriteCacheMXBeanAdapter implements WriteCacheMXBean {
    private static final System.Logger LOG = System.getLogger(WriteCacheMXBeanAdapter.class.getName());

    private final WriteCache cache;

    private WriteCacheMXBeanAdapter(final WriteCache cache) {
        this.cache = cache;
    }

    /** @return the name a cache on {@code cacheFile} is registered under. */
    static ObjectName objectName(final Path cacheFile) {
        final String file = cacheFile.toAbsolutePath().toString();
        final boolean plain = file.chars().noneMatch(c -> ",=:\"*?\n".indexOf(c) >= 0);
        try {
            return new ObjectName("org.writecache:type=WriteCache,name=" + (plain ? file : ObjectName.quote(file)));
        } catch (final JMException e) {
            throw new IllegalArgumentException("no JMX name for cache file " + file, e);
        }
    }

    /** Registers {@code cache}; @return its name, or null if the name is taken (logged). */
    static ObjectName register(final WriteCache cache) {
        final ObjectName name = objectName(cache.config().cacheFile());
        try {
            ManagementFactory.getPlatformMBeanServer().registerMBean(new WriteCacheMXBeanAdapter(cache), name);
            return name;
        } catch (final InstanceAlreadyExistsException e) {
            LOG.log(System.Logger.Level.WARNING, "JMX name " + name + " is taken; this cache is not registered");
            return null;
        } catch (final JMException e) {
            throw new IllegalStateException("cannot register " + name, e);
        }
    }

    /** Unregisters {@code name} if it is registered. */
    static void unregister(final ObjectName name) {
        final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            if (name != null && server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
        } catch (final JMException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot unregister " + name, e);
        }
    }

    @Override
    public String getDmStatus() {
        return cache.status().toDmString();
    }

    @Override
    public int getError() {
        return cache.status().error();
    }

    @Override
    public String getErrorMessage() {
        return cache.status().errorMessage();
    }

    @Override
    public long getBlocks() {
        return cache.status().blocks();
    }

    @Override
    public long getFreeBlocks() {
        return cache.status().freeBlocks();
    }

    @Override
    public long getWritebackBlocks() {
        return cache.status().writebackBlocks();
    }

    @Override
    public long getDirtyBlocks() {
        return cache.status().dirtyBlocks();
    }

    @Override
    public long getUncommittedBlocks() {
        return cache.status().uncommittedBlocks();
    }

    @Override
    public long getReads() {
        return cache.status().reads();
    }

    @Override
    public long getReadHits() {
        return cache.status().readHits();
    }

    @Override
    public long getWrites() {
        return cache.status().writes();
    }

    @Override
    public long getWritesAround() {
        return cache.status().writesAround();
    }

    @Override
    public long getWritesBlockedOnFreelist() {
        return cache.status().writesBlockedOnFreelist();
    }

    @Override
    public long getBlocksWrittenBack() {
        return cache.status().blocksWrittenBack();
    }

    @Override
    public long getCommits() {
        return cache.status().commits();
    }

    @Override
    public long getChecksumErrors() {
        return cache.status().checksumErrors();
    }

    @Override
    public long getBadBlocks() {
        return cache.status().badBlocks();
    }

    @Override
    public boolean isCleaner() {
        return cache.status().cleaner();
    }

    @Override
    public void setCleaner(final boolean on) {
        cache.cleaner(on);
    }

    @Override
    public void commit() throws IOException {
        cache.flush();
    }

    @Override
    public long flush() throws IOException {
        return cache.writeback();
    }

    @Override
    public void clearStats() {
        cache.clearStats();
    }
}
