package org.writecache.bench.cli;

import org.writecache.DmTable;
import org.writecache.Settings;
import org.writecache.WriteCacheConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The configuration options of every command that works on a cache: a properties file, a dm-style table line,
 * shortcuts for the files and sizes, and single settings by property name, applied in that order (later ones win).
 * Sizes and durations take the forms of the properties file.
 */
public final class ConfigOptions {
    @Mixin
    SettingOptions settings;

    @Option(names = "--table", paramLabel = "<line>",
        description = "A dm-writecache table line: 'writecache p <backing> <cache> <block_size> <#opts> [opts...]'.")
    String table;

    @Option(names = "--cache-file", paramLabel = "<file>", description = "Cache file (cache.file).")
    String cacheFile;

    @Option(names = "--cache-size", paramLabel = "<size>", description = "Cache file size when formatting (cache.size).")
    String cacheSize;

    @Option(names = "--backing-file", paramLabel = "<location>",
        description = "Backing file, or a URI a provider accepts (backing.file).")
    String backingFile;

    @Option(names = "--backing-size", paramLabel = "<size>", description = "Backing size, 0 for its length "
        + "(backing.size).")
    String backingSize;

    @Option(names = "--block-size", paramLabel = "<bytes>", description = "Block size (block.size).")
    String blockSize;

    /**
     * @return a builder holding the file, the table line, the shortcuts and then every {@code --set}.
     * @throws IllegalArgumentException naming the option, setting or value that is wrong.
     */
    public WriteCacheConfig.Builder builder() {
        final WriteCacheConfig.Builder b = settings.loadFile();
        if (table != null) {
            try {
                DmTable.parse(table, b);
            } catch (final IllegalArgumentException e) {
                throw new IllegalArgumentException("--table: " + e.getMessage(), e);
            }
        }
        set(b, Settings.CACHE_FILE.name(), cacheFile);
        set(b, Settings.CACHE_SIZE.name(), cacheSize);
        set(b, Settings.BACKING_FILE.name(), backingFile);
        set(b, Settings.BACKING_SIZE.name(), backingSize);
        set(b, Settings.BLOCK_SIZE.name(), blockSize);
        return settings.applySets(b);
    }

    /** @return the validated configuration. */
    public WriteCacheConfig build() {
        return builder().build();
    }

    /**
     * @return the validated configuration of a command that opens the backing device.
     * @throws IllegalArgumentException if it names no backing location.
     */
    public static WriteCacheConfig requireBacking(final WriteCacheConfig config) {
        if (config.backingLocation() == null) {
            throw new IllegalArgumentException(Settings.BACKING_FILE + " is required (--backing-file, -s "
                + Settings.BACKING_FILE + "=..., --config or --table)");
        }
        return config;
    }

    private static void set(final WriteCacheConfig.Builder b, final String name, final String value) {
        if (value != null) {
            b.set(name, value);
        }
    }
}
