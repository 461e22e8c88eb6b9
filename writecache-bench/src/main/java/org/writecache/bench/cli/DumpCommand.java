package org.writecache.bench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.writecache.CacheInspector;
import org.writecache.WriteCacheConfig;
import org.writecache.format.EntryClass;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code writecache dump}: lists the entries of a cache file at rest, or with {@code --bad} its bad blocks. */
@Command(name = "dump", mixinStandardHelpOptions = true,
    description = {"List the entries of a cache file: cache block, class (free, uncommitted, committed, corrupt, "
        + "seq_ahead, out_of_range), device block and byte offset, seq.",
        "With --bad, verify every dirty block against its data checksum and list only those that fail."})
public final class DumpCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = "--all", description = "Include free entries.")
    boolean all;

    @Option(names = "--bad", description = "List only the bad blocks: dirty blocks whose data or checksum fails "
        + "(reads the data of every dirty block).")
    boolean bad;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        final WriteCacheConfig config = options.build();
        final PrintWriter out = spec.commandLine().getOut();
        if (bad) {
            final CacheInspector.Report r = Errors.during("scrub cache file " + config.cacheFile(),
                config.cacheFile(), () -> CacheInspector.inspect(config.cacheFile(), config.startOffset(), true,
                    e -> { }, (what, done, total) -> { }));
            out.println("block device_block device_offset seq reason");
            for (final CacheInspector.BadBlock b : r.badBlocks()) {
                out.printf("%d %d %d %d %s%n", b.block(), b.deviceBlock(), b.deviceBlock() * r.blockSize(), b.seq(),
                    b.reason());
            }
            out.printf("# %d bad of %d dirty blocks%s%n", r.badBlocks().size(), r.dirtyBlocks(),
                r.dataVerified() ? "" : " (data not verified: the cache has no data checksums)");
            return r.ok() ? 0 : CheckCommand.PROBLEMS;
        }
        out.println("block state device_block device_offset seq");
        final CacheInspector.Report r = Errors.during("read cache file " + config.cacheFile(), config.cacheFile(),
            () -> CacheInspector.inspect(config.cacheFile(), config.startOffset(), e -> {
                if (all || e.state() != EntryClass.FREE) {
                    out.printf("%d %s %d %d %d%n", e.block(), e.state().name().toLowerCase(Locale.ROOT),
                        e.deviceBlock(), e.deviceBlock() < 0 ? -1 : e.deviceBlock() * config.blockSize(), e.seq());
                }
            }, (what, done, total) -> { }));
        out.printf("# format version %d, %d blocks, seq %d, %d committed, %d uncommitted, %d free%n", r.version(),
            r.blocks(), r.seqCount(), r.committed(), r.uncommitted(), r.free());
        return r.ok() ? 0 : CheckCommand.PROBLEMS;
    }
}
