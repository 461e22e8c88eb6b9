package org.writecache.bench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import org.writecache.CacheInspector;
import org.writecache.WriteCacheConfig;
import org.writecache.pmem.LockedFile;
import org.writecache.stats.Counter;
import org.writecache.stats.CountersFile;
import org.writecache.stats.Gauge;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code writecache status}: the status of a running cache, read from its counters file, or of a cache file at rest.
 * A cache counts as running only if the process the counters file names is alive, started when the file says, and
 * holds the cache file's exclusive lock; otherwise the counters file is stale (a killed process, a reused pid) and
 * the file is read at rest, read only.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Status of a cache: of a running one through its counters file (<cache file>.counters), "
        + "else of the file at rest. The first line holds the 14 dm-writecache fields in dmsetup's order.")
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = "--dm", description = "Print only the dm-writecache status line.")
    boolean dmOnly;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        final WriteCacheConfig config = options.build();
        final PrintWriter out = spec.commandLine().getOut();
        final Path counters = CountersFile.pathFor(config.cacheFile());
        if (Files.exists(counters)) {
            final CountersFile.Snapshot s = readCounters(counters, out);
            if (s != null && s.alive() && LockedFile.isHeldByWriter(config.cacheFile())) {
                out.println(dmLine(s));
                if (!dmOnly) {
                    out.println("running in process " + s.pid());
                    for (final Map.Entry<String, Long> e : s.values().entrySet()) {
                        out.println(e.getKey() + ": " + e.getValue());
                    }
                }
                return 0;
            }
            if (s != null) {
                out.println("# stale counters file of process " + s.pid() + " (not running: " + (s.alive()
                    ? "that process does not hold the cache file" : "no such process, or another that took its pid")
                    + "): reading the file");
            }
        }
        final CacheInspector.Report r = Errors.during("read cache file " + config.cacheFile(), config.cacheFile(),
            () -> CacheInspector.inspect(config.cacheFile(), config.startOffset(), e -> { },
                (what, done, total) -> { }));
        out.println((r.ok() ? 0 : 5) + " " + r.blocks() + " " + (r.free() + r.uncommitted() + r.duplicates())
            + " 0 0 0 0 0 0 0 0 0 0 0");
        if (!dmOnly) {
            out.println("at rest (not running)");
            out.println("format version: " + r.version() + ", data checksum " + r.dataChecksum().label());
            out.println("cache blocks: " + r.blocks());
            out.println("dirty blocks: " + r.dirtyBlocks());
            out.println("uncommitted entries (dropped at open): " + r.uncommitted());
            out.println("older duplicates (freed at open): " + r.duplicates());
            out.println("sequence count: " + r.seqCount());
            for (final String p : r.problems()) {
                out.println("problem: " + p);
            }
        }
        return r.ok() ? 0 : CheckCommand.PROBLEMS;
    }

    /** @return the counters, or null (said on {@code out}) if the file is not a counters file. */
    private static CountersFile.Snapshot readCounters(final Path counters, final PrintWriter out) {
        try {
            return CountersFile.read(counters);
        } catch (final IOException e) {
            out.println("# unreadable counters file (" + e.getMessage() + "): reading the cache file");
            return null;
        }
    }

    private static String dmLine(final CountersFile.Snapshot s) {
        final StringBuilder b = new StringBuilder();
        b.append(s.get(Gauge.ERROR)).append(' ').append(s.get(Gauge.BLOCKS)).append(' ')
            .append(s.get(Gauge.FREE_BLOCKS)).append(' ').append(s.get(Gauge.WRITEBACK_BLOCKS));
        for (final Counter c : new Counter[] {Counter.READS, Counter.READ_HITS, Counter.WRITES,
            Counter.WRITE_HITS_UNCOMMITTED, Counter.WRITE_HITS_COMMITTED, Counter.WRITES_AROUND,
            Counter.WRITES_ALLOCATE, Counter.WRITES_BLOCKED_ON_FREELIST, Counter.FLUSHES, Counter.DISCARDS}) {
            b.append(' ').append(s.get(c));
        }
        return b.toString();
    }
}
