package org.writecache.bench.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.writecache.WriteCacheConfig;
import picocli.CommandLine.Option;

/**
 * The settings options every command that makes a cache takes: a properties file and single settings by property
 * name, the second overriding the first. Every name and value is read by {@link WriteCacheConfig.Builder}: the names
 * and forms of {@code config/writecache.properties}.
 */
public final class SettingOptions {
    @Option(names = "--config", paramLabel = "<properties>",
        description = "Properties file with the settings (see config/writecache.properties).")
    Path config;

    @Option(names = {"-D", "-s", "--set"}, paramLabel = "<name=value>",
        description = "Any setting by its property name, e.g. -s writeback.jobs=256 (writecache config --defaults "
            + "lists them). Repeatable; wins over --config.")
    Map<String, String> settings = new LinkedHashMap<>();

    /**
     * @return a builder holding the properties file's settings, or the defaults without one.
     * @throws IllegalArgumentException naming the file if it cannot be read or holds a bad setting: bad usage.
     */
    WriteCacheConfig.Builder loadFile() {
        if (config == null) {
            return WriteCacheConfig.builder();
        }
        try {
            return WriteCacheConfig.load(config);
        } catch (final IOException e) {
            throw new IllegalArgumentException("--config: " + e.getMessage(), e);
        }
    }

    /** Applies every {@code --set}, in the order given. @return {@code b}. */
    WriteCacheConfig.Builder applySets(final WriteCacheConfig.Builder b) {
        settings.forEach(b::set);
        return b;
    }

    /** @return a fresh builder: the properties file, then every {@code --set}. */
    public WriteCacheConfig.Builder builder() {
        return applySets(loadFile());
    }
}
