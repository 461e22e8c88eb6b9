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
    description = {"Verify a cache file offline: superblock, commit word, entry checksums, committed entries, and the "
        + "checksum word of every dirty block; with --data also every dirty block's data against its checksum (a "
        + "scrub). Prints the format version and options. Exits 1 if anything is wrong."})
public final class CheckCommand implements Callable<Integer> {
    /** Exit status when the cache has problems. */
    public static final int PROBLEMS = Errors.PROBLEMS;

    @Mixin
    ConfigOptions options;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar.")
    boolean quiet;

    @Option(names = "--data", description = "Also read every dirty data block and verify it against its checksum "
        + "(caches formatted with data.checksum=crc32c).")
    boolean data;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        final WriteCacheConfig config = options.build();
        final PrintWriter out = spec.commandLine().getOut();
        final Bars bars = new Bars(spec.commandLine().getErr(), quiet);
        final CacheInspector.Report r;
        try {
            r = Errors.during("check cache file " + config.cacheFile(), config.cacheFile(),
                () -> CacheInspector.inspect(config.cacheFile(), config.startOffset(), data, e -> { }, bars));
        } catch (final IOException e) {
            if (e.getCause() instanceof CorruptCacheException bad) {
                bars.finish();
                out.println(config.cacheFile() + ": BAD: " + bad.getMessage());
                return PROBLEMS;
            }
            throw e;
        } finally {
            bars.finish();
        }
        out.printf("%s: format version %d, data checksum %s, %d blocks of %d bytes, device %d bytes, seq %d%n",
            config.cacheFile(), r.version(), r.dataChecksum().label(), r.blocks(), r.blockSize(), r.deviceSize(),
            r.seqCount());
        out.printf("entries: %d free, %d committed (%d dirty blocks, %d older duplicates), %d uncommitted%n",
            r.free(), r.committed(), r.dirtyBlocks(), r.duplicates(), r.uncommitted());
        if (r.dataVerified()) {
            out.printf("data: %d dirty blocks verified against their checksums, %d bad%n", r.dirtyBlocks(),
                r.badBlocks().size());
        } else if (data) {
            out.println("data: not verified: the cache was formatted without data checksums (data.checksum=none)");
        }
        for (final CacheInspector.BadBlock b : r.badBlocks()) {
            out.printf("bad block: cache block %d holds device block %d (bytes %d to %d), seq %d: %s%n", b.block(),
                b.deviceBlock(), b.deviceBlock() * r.blockSize(), (b.deviceBlock() + 1) * r.blockSize() - 1, b.seq(),
                b.reason());
        }
        for (final String p : r.problems()) {
            out.println("problem: " + p);
        }
        out.println(r.ok() ? "OK" : "BAD: " + r.problems().size() + " problem(s), " + r.badBlocks().size()
            + " bad block(s)");
        return r.ok() ? 0 : PROBLEMS;
    }

    /** One progress bar per phase of the scan (entries, then data blocks). */
    static final class Bars implements CacheInspector.Progress {
        private final PrintWriter err;
        private final boolean quiet;
        private String phase;
        private ProgressBar bar;

        Bars(final PrintWriter err, final boolean quiet) {
            this.err = err;
            this.quiet = quiet;
        }

        @Override
        public void progress(final String what, final long done, final long total) {
            if (!what.equals(phase)) {
                finish();
                phase = what;
                bar = new ProgressBar(err, "check " + what, quiet);
            }
            bar.update(done, total, done + " of " + total + " " + what);
        }

        void finish() {
            if (bar != null) {
                bar.finish();
                bar = null;
            }
        }
    }
}
