package org.writecache.bench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

import org.writecache.WriteCache;
import org.writecache.WriteCacheConfig;
import org.writecache.stats.CountersFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code writecache format}: formats a cache file in front of a backing device. The whole configuration is checked
 * before anything is touched; a format that fails deletes the files it created (never one that existed before).
 */
@Command(name = "format", mixinStandardHelpOptions = true,
    description = "Format a cache file (creating it and the backing file as needed).")
public final class FormatCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = "--force", description = "Replace a file that holds anything: a valid cache or any other file "
        + "(format.force).")
    boolean force;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        final WriteCacheConfig.Builder b = options.builder().background(false);
        if (force) {
            b.forceFormat(true);
        }
        final WriteCacheConfig config = ConfigOptions.requireBacking(b.build());
        final PrintWriter out = spec.commandLine().getOut();
        final ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), "format", quiet);
        try (CreatedFiles created = CreatedFiles.watch(config.cacheFile(), config.backingFile(),
            CountersFile.pathFor(config.cacheFile()))) {
            bar.update(0, 2, "mapping " + config.cacheFile());
            try (WriteCache cache = Errors.during("format cache file " + config.cacheFile() + " in front of "
                + config.backingLocation(), config.cacheFile(), () -> WriteCache.format(config))) {
                bar.update(2, 2, "done");
                bar.finish();
                out.printf("formatted %s: %d blocks of %d bytes in front of %s (%d bytes), format version %d, data "
                    + "checksum %s%n", config.cacheFile(), cache.cacheBlocks(), cache.blockSize(),
                    config.backingLocation(), cache.size(), config.dataChecksum().formatVersion(),
                    config.dataChecksum().label());
                created.keep();
            }
        } finally {
            bar.finish();
        }
        return Errors.OK;
    }
}
