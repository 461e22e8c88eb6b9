package org.writecache.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;

import org.writecache.WriteCache;
import org.writecache.WriteCacheConfig;
import org.writecache.format.CacheLayout;
import org.writecache.writeback.WritebackPipeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code writecache writeback-bench}: times a full writeback with each writeback pipeline, alternating them (and
 * their order) within one run, since backing-file figures vary several-fold between runs, and appends the results to
 * a file.
 */
@Command(name = "writeback-bench", mixinStandardHelpOptions = true,
    description = "Time writing back a full cache with each writeback pipeline; results appended to --out.")
public final class WritebackBenchCommand implements Callable<Integer> {
    /** Most blocks: the device holds 8 times as many, indexed by int. */
    static final int MAX_BLOCKS = Integer.MAX_VALUE / 8;

    @Option(names = "--blocks", description = "Dirty 4 KiB blocks written back per round (default ${DEFAULT-VALUE}).")
    int blocks = 8192;

    @Option(names = "--rounds", description = "Rounds per pipeline (default ${DEFAULT-VALUE}).")
    int rounds = 3;

    @Option(names = "--jobs", description = "writeback.jobs (default ${DEFAULT-VALUE}).")
    int jobs = 1024;

    /** Where the dirty blocks lie on the device. */
    enum Pattern {
        /** Distinct random device blocks: many short runs. */
        RANDOM,
        /** One contiguous range: long runs. */
        SEQUENTIAL
    }

    @Option(names = "--pattern", description = "random or sequential device blocks (default ${DEFAULT-VALUE}).",
        converter = PatternConverter.class)
    Pattern pattern = Pattern.RANDOM;

    /** Case-insensitive pattern names. */
    static final class PatternConverter implements picocli.CommandLine.ITypeConverter<Pattern> {
        @Override
        public Pattern convert(final String value) {
            return Pattern.valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
    }

    @Option(names = "--dir", description = "Directory of the backing file (default ${DEFAULT-VALUE}).")
    Path dir = Path.of(System.getProperty("java.io.tmpdir"));

    @Option(names = "--overwrite", description = "Overwrite scratch files of the same name that exist already "
        + "(never deleted); without it they are refused.")
    boolean overwrite;

    @Option(names = "--out", description = "Results file, appended to (default ${DEFAULT-VALUE}).")
    Path out = Path.of("target", "writeback-bench.txt");

    @Option(names = "--seed", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed = 42;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        final int bs = 4096;
        if (blocks < 1 || blocks > MAX_BLOCKS) {
            throw new ParameterException(spec.commandLine(), "--blocks must be from 1 to " + MAX_BLOCKS + ": "
                + blocks);
        }
        if (rounds < 1) {
            throw new ParameterException(spec.commandLine(), "--rounds must be at least 1: " + rounds);
        }
        if (!Files.isDirectory(dir)) {
            throw new ParameterException(spec.commandLine(), "--dir " + dir + " is not a directory");
        }
        final long deviceBlocks = (long) blocks * 8;
        final Path cache = Path.of("/dev/shm", "writecache-bench-" + ProcessHandle.current().pid() + ".wc");
        final Path backing = dir.resolve("writecache-bench-" + ProcessHandle.current().pid() + ".img");
        final WriteCacheConfig.Builder base = WriteCacheConfig.builder().cacheFile(cache)
            .cacheSize(CacheLayout.regionSize(blocks + blocks / 8 + 16, bs)).backingFile(backing)
            .backingSize(deviceBlocks * bs).writebackJobs(jobs).background(false).forceFormat(true).highWatermark(100)
            .lowWatermark(100).autocommitBlocks(Integer.MAX_VALUE);
        for (final WritebackPipeline.Kind kind : WritebackPipeline.Kind.values()) {
            base.writebackPipeline(kind).build();
        }
        final long[] targets = targets(deviceBlocks);
        final List<String> lines = new ArrayList<>();
        final PrintWriter console = spec.commandLine().getOut();
        try (ScratchFiles scratch = new ScratchFiles("writecache writeback-bench", overwrite)) {
            scratch.claim(cache);
            scratch.extend(scratch.claim(backing), deviceBlocks * bs);
            for (int round = 0; round < rounds; round++) {
                final List<WritebackPipeline.Kind> order = new ArrayList<>(List.of(WritebackPipeline.Kind.values()));
                if (round % 2 == 1) {
                    java.util.Collections.reverse(order);
                }
                for (final WritebackPipeline.Kind kind : order) {
                    final WriteCacheConfig config = base.writebackPipeline(kind).build();
                    final double seconds = once(config, targets, bs);
                    final String line = String.format(Locale.ROOT,
                        "pipeline=%s round=%d blocks=%d jobs=%d pattern=%s seconds=%.4f blocks_per_s=%.0f MB_per_s=%.1f",
                        kind.name().toLowerCase(Locale.ROOT), round, blocks, jobs, pattern.name().toLowerCase(Locale.ROOT),
                        seconds, blocks / seconds, (double) blocks * bs / seconds / 1e6);
                    console.println(line);
                    lines.add(line);
                }
            }
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.write(out, lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        console.println("appended to " + out);
        return 0;
    }

    private long[] targets(final long deviceBlocks) {
        final long[] t = new long[blocks];
        if (pattern == Pattern.SEQUENTIAL) {
            Arrays.setAll(t, i -> i);
            return t;
        }
        final Random r = new Random(seed);
        final boolean[] used = new boolean[(int) deviceBlocks];
        for (int i = 0; i < blocks; i++) {
            int b;
            do {
                b = r.nextInt((int) deviceBlocks);
            } while (used[b]);
            used[b] = true;
            t[i] = b;
        }
        return t;
    }

    private static double once(final WriteCacheConfig config, final long[] targets, final int bs) throws IOException {
        try (WriteCache c = WriteCache.format(config)) {
            final ByteBuffer data = ByteBuffer.allocate(bs);
            for (int i = 0; i < targets.length; i++) {
                data.clear();
                data.putLong(0, i);
                c.write(targets[i] * bs, data, false);
            }
            c.flush();
            final long start = System.nanoTime();
            final long n = c.writeback();
            final double seconds = (System.nanoTime() - start) / 1e9;
            if (n != targets.length) {
                throw new IllegalStateException("wrote back " + n + " blocks, expected " + targets.length);
            }
            return seconds;
        }
    }
}
