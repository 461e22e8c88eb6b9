package org.writecache.stats;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

/**
 * A running cache's counters in a file next to its cache file, laid out by {@link CountersFileDescriptor}, so that
 * {@code writecache status} in another process can read them while the cache runs. The writer creates the file when
 * the cache opens and deletes it on close; a file left by a killed process names a pid that no longer runs.
 */
public final class CountersFile implements AutoCloseable {
    /** Suffix added to the cache file's name. */
    public static final String SUFFIX = ".counters";

    private final Path path;
    private final Counters counters;

    private CountersFile(final Path path, final Counters counters) {
        this.path = path;
        this.counters = counters;
    }

    /** @return the counters file of {@code cacheFile}. */
    public static Path pathFor(final Path cacheFile) {
        return cacheFile.resolveSibling(cacheFile.getFileName() + SUFFIX);
    }

    /** Creates (or replaces) the counters file of {@code cacheFile}, with every counter and gauge at zero. */
    public static CountersFile create(final Path cacheFile) throws IOException {
        final Path path = pathFor(cacheFile);
        Files.deleteIfExists(path);
        final MappedByteBuffer mapped = IoUtil.mapNewFile(path.toFile(), CountersFileDescriptor.fileLength());
        final UnsafeBuffer all = new UnsafeBuffer(mapped);
        final CountersManager manager = new CountersManager(metadata(all), values(all));
        for (final Counter c : Counter.values()) {
            allocate(manager, c.id(), c.label());
        }
        for (final Gauge g : Gauge.values()) {
            allocate(manager, g.id(), g.label());
        }
        all.putLong(CountersFileDescriptor.PID_OFFSET, ProcessHandle.current().pid());
        all.putInt(CountersFileDescriptor.METADATA_LENGTH_OFFSET, CountersFileDescriptor.metadataLength());
        all.putInt(CountersFileDescriptor.VALUES_LENGTH_OFFSET, CountersFileDescriptor.valuesLength());
        all.putInt(CountersFileDescriptor.VERSION_OFFSET, CountersFileDescriptor.VERSION);
        all.putIntRelease(CountersFileDescriptor.MAGIC_OFFSET, CountersFileDescriptor.MAGIC);
        return new CountersFile(path, new Counters(values(all)));
    }

    private static void allocate(final CountersManager manager, final int expectedId, final String label) {
        final int id = manager.allocate(label);
        if (id != expectedId) {
            throw new IllegalStateException("counter '" + label + "' got id " + id + ", expected " + expectedId);
        }
    }

    private static UnsafeBuffer metadata(final UnsafeBuffer all) {
        return new UnsafeBuffer(all, CountersFileDescriptor.metadataOffset(), CountersFileDescriptor.metadataLength());
    }

    private static UnsafeBuffer values(final UnsafeBuffer all) {
        return new UnsafeBuffer(all, CountersFileDescriptor.valuesOffset(), CountersFileDescriptor.valuesLength());
    }

    /** @return the counters living in this file. */
    public Counters counters() {
        return counters;
    }

    /** @return the file's path. */
    public Path path() {
        return path;
    }

    /**
     * What a counters file holds.
     *
     * @param pid    the process that writes it
     * @param alive  whether that process still runs
     * @param values every counter and gauge by label, in id order
     */
    public record Snapshot(long pid, boolean alive, Map<String, Long> values) {
        /** @return the value of {@code c}. */
        public long get(final Counter c) {
            return values.getOrDefault(c.label(), 0L);
        }

        /** @return the value of {@code g}. */
        public long get(final Gauge g) {
            return values.getOrDefault(g.label(), 0L);
        }
    }

    /**
     * Reads the counters file at {@code path} (from any process).
     *
     * @throws IOException if it is missing, too short or has a bad magic or version.
     */
    public static Snapshot read(final Path path) throws IOException {
        if (!Files.isRegularFile(path) || Files.size(path) < CountersFileDescriptor.fileLength()) {
            throw new IOException("no counters file at " + path + " (or it is too short)");
        }
        final MappedByteBuffer mapped = IoUtil.mapExistingFile(path.toFile(), "counters");
        try {
            final UnsafeBuffer all = new UnsafeBuffer(mapped);
            final int magic = all.getIntVolatile(CountersFileDescriptor.MAGIC_OFFSET);
            final int version = all.getInt(CountersFileDescriptor.VERSION_OFFSET);
            if (magic != CountersFileDescriptor.MAGIC || version != CountersFileDescriptor.VERSION) {
                throw new IOException(path + " is not a writecache counters file (magic 0x"
                    + Integer.toHexString(magic) + ", version " + version + ")");
            }
            final long pid = all.getLong(CountersFileDescriptor.PID_OFFSET);
            final CountersReader reader = new CountersReader(metadata(all), values(all));
            final Map<String, Long> values = new LinkedHashMap<>();
            reader.forEach((value, id, label) -> values.put(label, value));
            final boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
            return new Snapshot(pid, alive, values);
        } finally {
            IoUtil.unmap(mapped);
        }
    }

    /**
     * Deletes the file. The mapping stays valid (and {@link #counters()} usable) until it is garbage collected, so a
     * status read racing with close never touches unmapped memory.
     */
    @Override
    public void close() throws IOException {
        Files.deleteIfExists(path);
    }
}
