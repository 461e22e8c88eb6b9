package org.writecache.stats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.writecache.pmem.SharedRegion;

/**
 * A running cache's counters in a file next to its cache file, laid out by {@link CountersFileDescriptor}, so that
 * {@code writecache status} in another process can read them while the cache runs. The writer creates the file (mode
 * {@code file.mode}, 0600 by default) when the cache opens and deletes it on close; a file left by a killed process names a process that no longer
 * runs, or a pid that another process has taken since (told apart by its start time).
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
        return create(cacheFile, PosixFilePermissions.fromString("rw-------"));
    }

    /** {@link #create(Path)} with the file's permission bits. */
    public static CountersFile create(final Path cacheFile, final Set<PosixFilePermission> mode) throws IOException {
        final Path path = pathFor(cacheFile);
        final int slots = Counters.slots();
        final SharedRegion region = SharedRegion.create(path, CountersFileDescriptor.fileLength(slots), mode);
        for (final Counter c : Counter.values()) {
            putLabel(region, c.id(), c.label());
        }
        for (final Gauge g : Gauge.values()) {
            putLabel(region, g.id(), g.label());
        }
        final ProcessHandle self = ProcessHandle.current();
        region.putLong(CountersFileDescriptor.PID_OFFSET, self.pid());
        region.putLong(CountersFileDescriptor.START_MILLIS_OFFSET, startMillis(self));
        region.putInt(CountersFileDescriptor.SLOTS_OFFSET, slots);
        region.putInt(CountersFileDescriptor.LABEL_LENGTH_OFFSET, CountersFileDescriptor.LABEL_LENGTH);
        // magic and version share the first 8 bytes: one release store publishes everything written before it
        region.putLongRelease(CountersFileDescriptor.MAGIC_OFFSET,
            (long) CountersFileDescriptor.VERSION << 32 | (CountersFileDescriptor.MAGIC & 0xFFFF_FFFFL));
        return new CountersFile(path, new Counters(region));
    }

    private static void putLabel(final SharedRegion region, final int slot, final String label) {
        final byte[] bytes = label.getBytes(StandardCharsets.UTF_8);
        if (bytes.length >= CountersFileDescriptor.LABEL_LENGTH) {
            throw new IllegalArgumentException("counter label too long: " + label);
        }
        final byte[] record = new byte[bytes.length + 1];
        record[0] = (byte) bytes.length;
        System.arraycopy(bytes, 0, record, 1, bytes.length);
        region.putBytes(CountersFileDescriptor.labelOffset(slot), record);
    }

    private static long startMillis(final ProcessHandle process) {
        final Optional<java.time.Instant> start = process.info().startInstant();
        return start.map(java.time.Instant::toEpochMilli).orElse(0L);
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
     * @param alive  whether that process still runs: its pid is alive and started when the file says it did
     * @param values every counter and gauge by label, in slot order
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
     * @throws IOException naming the file if it is missing, too short, or not a counters file of this version.
     */
    public static Snapshot read(final Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new IOException("no counters file at " + path);
        }
        try (SharedRegion region = SharedRegion.openReadOnly(path)) {
            if (region.size() < CountersFileDescriptor.HEADER_LENGTH) {
                throw new IOException(path + " is not a writecache counters file (" + region.size() + " bytes)");
            }
            final int magic = (int) region.getLongAcquire(CountersFileDescriptor.MAGIC_OFFSET);
            final int version = region.getInt(CountersFileDescriptor.VERSION_OFFSET);
            final int slots = region.getInt(CountersFileDescriptor.SLOTS_OFFSET);
            if (magic != CountersFileDescriptor.MAGIC || version != CountersFileDescriptor.VERSION) {
                throw new IOException(path + " is not a writecache counters file of version "
                    + CountersFileDescriptor.VERSION + " (magic 0x" + Integer.toHexString(magic) + ", version " + version
                    + ")");
            }
            if (slots < 0 || slots > 4096 || region.getInt(CountersFileDescriptor.LABEL_LENGTH_OFFSET)
                != CountersFileDescriptor.LABEL_LENGTH || region.size() < CountersFileDescriptor.fileLength(slots)) {
                throw new IOException(path + " is a damaged counters file (" + slots + " slots in "
                    + region.size() + " bytes)");
            }
            final Map<String, Long> values = new LinkedHashMap<>();
            for (int slot = 0; slot < slots; slot++) {
                final byte[] record = region.getBytes(CountersFileDescriptor.labelOffset(slot),
                    CountersFileDescriptor.LABEL_LENGTH);
                final int length = Math.min(record[0] & 0xFF, record.length - 1);
                values.put(new String(record, 1, length, StandardCharsets.UTF_8),
                    region.getLongAcquire(CountersFileDescriptor.valueOffset(slots, slot)));
            }
            final long pid = region.getLong(CountersFileDescriptor.PID_OFFSET);
            final long started = region.getLong(CountersFileDescriptor.START_MILLIS_OFFSET);
            final boolean alive = ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .map(p -> started == 0 || startMillis(p) == 0 || Math.abs(startMillis(p) - started) < 1000)
                .orElse(false);
            return new Snapshot(pid, alive, values);
        }
    }

    /**
     * Deletes the file. The mapping stays valid (and {@link #counters()} usable) until it is garbage collected, so a
     * late update racing with close never touches unmapped memory.
     */
    @Override
    public void close() throws IOException {
        Files.deleteIfExists(path);
    }
}
