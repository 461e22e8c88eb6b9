package org.writecache.bench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

import org.writecache.CacheInspector;
import org.writecache.CorruptCacheException;
import org.writecache.WriteCacheConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code writecache check}: verifies a cache file offline; exit status 1 on any problem. */
@Command(name = "check", mixinStandardHelpOptions = true,
    description = "Verify a cache file offline: superblock, commit word, entry checksums, committed entries. "
        + "Exits 1 if anything is wrong.")
public final class CheckCommand implements Callable<Integer> {
    /** Exit status when the cache has problems. */
    public static final int PROBLEMS = Errors.PROBLEMS;

    @Mixin
    ConfigOptions options;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        final WriteCacheConfig config = options.build();
        final PrintWriter out = spec.commandLine().getOut();
        final ProgressBar bar = new ProgressBar(spec.commandLine().getErr(), "check", quiet);
        final CacheInspector.Report r;
        try {
            r = Errors.during("check cache file " + config.cacheFile(), config.cacheFile(),
                () -> CacheInspector.inspect(config.cacheFile(), config.startOffset(), e -> { },
                    (done, total) -> bar.update(done, total, done + " of " + total + " entries")));
        } catch (final IOException e) {
            if (e.getCause() instanceof CorruptCacheException bad) {
                bar.finish();
                out.println(config.cacheFile() + ": BAD: " + bad.getMessage());
                return PROBLEMS;
            }
            throw e;
        } finally {
            bar.finish();
        }
        out.printf("%s: %d blocks of %d bytes, device %d bytes, seq %d%n", config.cacheFile(), r.blocks(),
            r.blockSize(), r.deviceSize(), r.seqCount());
        out.printf("entries: %d free, %d committed (%d dirty blocks, %d older duplicates), %d uncommitted%n",
            r.free(), r.committed(), r.dirtyBlocks(), r.duplicates(), r.uncommitted());
        for (final String p : r.problems()) {
            out.println("problem: " + p);
        }
        out.println(r.ok() ? "OK" : "BAD: " + r.problems().size() + " problem(s)");
        return r.ok() ? 0 : PROBLEMS;
    }
}
