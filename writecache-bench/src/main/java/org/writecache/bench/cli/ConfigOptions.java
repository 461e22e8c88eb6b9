package org.writecache.bench.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.writecache.DmTable;
import org.writecache.WriteCacheConfig;
import picocli.CommandLine.Option;

/**
 * The configuration options every subcommand takes: a properties file, a dm-style table line, and per-setting
 * options, applied in that order (later ones win). Sizes and durations take the units of the properties file.
 */
public final class ConfigOptions {
    @Option(names = "--config", paramLabel = "<properties>",
        description = "Properties file with the settings (see config/writecache.properties).")
    Path config;

    @Option(names = "--table", paramLabel = "<line>",
        description = "A dm-writecache table line: 'writecache p <backing> <cache> <block_size> <#opts> [opts...]'.")
    String table;

    @Option(names = "--cache-file", paramLabel = "<file>", description = "Cache file (cache.file).")
    String cacheFile;

    @Option(names = "--cache-size", paramLabel = "<size>", description = "Cache file size when formatting (cache.size).")
    String cacheSize;

    @Option(names = "--backing-file", paramLabel = "<file>", description = "Backing file (backing.file).")
    String backingFile;

    @Option(names = "--backing-size", paramLabel = "<size>", description = "Backing size, 0 for its length.")
    String backingSize;

    @Option(names = "--block-size", paramLabel = "<bytes>", description = "Block size (block.size).")
    String blockSize;

    @Option(names = {"-D", "-s", "--set"}, paramLabel = "<name=value>",
        description = "Any setting by its property name, e.g. -D writeback.jobs=256. Repeatable.")
    Map<String, String> settings = new LinkedHashMap<>();

    /** @return a builder holding the file, the table line and then every option given. */
    public WriteCacheConfig.Builder builder() throws IOException {
        WriteCacheConfig.Builder b = config == null ? WriteCacheConfig.builder() : WriteCacheConfig.load(config);
        if (table != null) {
            final WriteCacheConfig fromTable = DmTable.parse(table).build();
            final Map<String, String> defaults =
                WriteCacheConfig.builder().cacheFile(fromTable.cacheFile()).build().toProperties();
            for (final Map.Entry<String, String> e : fromTable.toProperties().entrySet()) {
                if (e.getKey().equals(WriteCacheConfig.CACHE_FILE) || !e.getValue().equals(defaults.get(e.getKey()))) {
                    b.set(e.getKey(), e.getValue());
                }
            }
        }
        set(b, WriteCacheConfig.CACHE_FILE, cacheFile);
        set(b, WriteCacheConfig.CACHE_SIZE, cacheSize);
        set(b, WriteCacheConfig.BACKING_FILE, backingFile);
        set(b, WriteCacheConfig.BACKING_SIZE, backingSize);
        set(b, WriteCacheConfig.BLOCK_SIZE, blockSize);
        for (final Map.Entry<String, String> e : settings.entrySet()) {
            b = b.set(e.getKey(), e.getValue());
        }
        return b;
    }

    /** @return the validated configuration. */
    public WriteCacheConfig build() throws IOException {
        return builder().build();
    }

    private static void set(final WriteCacheConfig.Builder b, final String name, final String value) {
        if (value != null) {
            b.set(name, value);
        }
    }
}
