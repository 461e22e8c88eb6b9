package org.writecache.bench.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import org.writecache.WriteCache;
import org.writecache.WriteCacheConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code writecache format}: formats a cache file in front of a backing file. */
@Command(name = "format", mixinStandardHelpOptions = true,
    description = "Format a cache file (creating it and the backing file as needed).")
public final class FormatCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = "--force", description = "Replace a file that holds anything: a valid cache or any other file.")
    boolean force;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        final WriteCacheConfig config = options.builder().forceFormat(force).background(false).build();
        final ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), "format", quiet);
        bar.update(0, 2, "mapping " + config.cacheFile());
        final PrintWriter out = spec.commandLine().getOut();
        try (WriteCache cache = WriteCache.format(config)) {
            bar.update(2, 2, "done");
            bar.finish();
            out.printf("formatted %s: %d blocks of %d bytes in front of %s (%d bytes)%n", config.cacheFile(),
                cache.cacheBlocks(), cache.blockSize(), config.backingFile(), cache.size());
        }
        return 0;
    }
}
