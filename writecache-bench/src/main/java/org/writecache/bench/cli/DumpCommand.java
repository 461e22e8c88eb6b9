package org.writecache.bench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

import org.writecache.CacheInspector;
import org.writecache.WriteCacheConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code writecache dump}: lists the entries of a cache file at rest. */
@Command(name = "dump", mixinStandardHelpOptions = true,
    description = "List the entries of a cache file: cache block, state, device block and byte offset, seq.")
public final class DumpCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = "--all", description = "Include free entries.")
    boolean all;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        final WriteCacheConfig config = options.build();
        final PrintWriter out = spec.commandLine().getOut();
        out.println("block state device_block device_offset seq");
        final CacheInspector.Report r = Errors.during("read cache file " + config.cacheFile(), config.cacheFile(),
            () -> CacheInspector.inspect(config.cacheFile(), config.startOffset(), e -> {
                if (all || e.state() != CacheInspector.EntryState.FREE) {
                    out.printf("%d %s %d %d %d%n", e.block(), e.state().name().toLowerCase(java.util.Locale.ROOT),
                        e.deviceBlock(), e.deviceBlock() < 0 ? -1 : e.deviceBlock() * config.blockSize(), e.seq());
                }
            }, (done, total) -> { }));
        out.printf("# %d blocks, seq %d, %d committed, %d uncommitted, %d free%n", r.blocks(), r.seqCount(),
            r.committed(), r.uncommitted(), r.free());
        return r.ok() ? 0 : CheckCommand.PROBLEMS;
    }
}
