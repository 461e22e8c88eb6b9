package org.writecache.bench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.writecache.WriteCache;
import org.writecache.WriteCacheConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code writecache flush}: writes every dirty block back and leaves a clean cache. */
@Command(name = "flush", mixinStandardHelpOptions = true,
    description = "Open a cache, write every dirty block back to the backing file, make it durable, close clean.")
public final class FlushCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        final WriteCacheConfig config = ConfigOptions.requireBacking(options.builder().background(false).build());
        final PrintWriter out = spec.commandLine().getOut();
        final ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), "flush", quiet);
        try (WriteCache cache = Errors.during("open cache file " + config.cacheFile(), config.cacheFile(),
            () -> WriteCache.open(config))) {
            final long dirty = cache.status().dirtyBlocks();
            final long start = System.nanoTime();
            final long n = Errors.during("write back cache file " + config.cacheFile() + " to "
                + config.backingLocation(), config.cacheFile(), () -> cache.writeback((left, bytes, done, rate) ->
                bar.update(done, done + left, String.format(Locale.ROOT, "%d blocks left, %.1f MB/s", left,
                    rate / 1e6))));
            bar.finish();
            final double seconds = (System.nanoTime() - start) / 1e9;
            out.printf(Locale.ROOT, "flushed %s: %d of %d dirty blocks written back (%d bytes) in %.3f s; "
                    + "%d dirty now%n", config.cacheFile(), n, dirty, n * cache.blockSize(), seconds,
                cache.status().dirtyBlocks());
        } finally {
            bar.finish();
        }
        return Errors.OK;
    }
}
