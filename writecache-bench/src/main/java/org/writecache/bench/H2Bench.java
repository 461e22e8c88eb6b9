package org.writecache.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.HdrHistogram.Histogram;
import org.writecache.WriteCacheConfig;
import org.writecache.bench.cli.SettingOptions;
import org.writecache.bench.h2.TpcbWorkload;
import org.writecache.h2.WriteCacheFilePath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code writecache h2bench}: the same TPC-B-like H2 workload on a plain database file on disk and on a database file
 * kept in a write cache (cache file on tmpfs, backing file on disk), side by side in one run, against its ceiling.
 *
 * <p>The two durable setups run identical SQL with {@code WRITE_DELAY=0} and {@code CHECKPOINT SYNC} after every
 * commit, so every transaction is durable when it returns: on the plain file the checkpoint forces (fsyncs) the
 * database file; on the cache every write is already durable and the force is a cache commit. The third setup, the
 * ceiling, is the plain file with {@code WRITE_DELAY=0} and no {@code CHECKPOINT SYNC}: commits are written to the
 * page cache and never forced, so it is not durable against power loss, and it is the most a storage layer under H2
 * could reach. The report gives writecache as a fraction of it (target: at least 0.9).
 */
@Command(name = "h2bench", mixinStandardHelpOptions = true,
    description = "H2 TPC-B-like transactions, each durable on commit: plain file on disk vs. writecache.")
public final class H2Bench implements Callable<Integer> {
    /** The files H2 makes for one database. */
    private static final List<String> DATABASE_FILES = List.of(WriteCacheFilePath.DATABASE_SUFFIX, ".trace.db",
        ".lock.db");

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", description = "Directory on disk for the database files, which are named after this "
        + "process and must not exist there; created if needed (default: ${DEFAULT-VALUE}).")
    Path dir = Path.of("/tmp/writecache-h2bench");

    @Option(names = "--cache-dir", description = "Directory for the cache file: tmpfs or DAX; the file is named after"
        + " this process and must not exist there (default: ${DEFAULT-VALUE}).")
    Path cacheDir = Path.of("/dev/shm");

    @Option(names = "--cache-size", defaultValue = "256m", converter = SizeConverter.class,
        description = "Cache file size, e.g. 256m (default: ${DEFAULT-VALUE}).")
    long cacheSize;

    @Option(names = "--backing-size", defaultValue = "8g", converter = SizeConverter.class,
        description = "Largest database file on the cache, e.g. 8g; H2 appends, so a fast run grows its file quickly "
            + "(default: ${DEFAULT-VALUE}).")
    long backingSize;

    /** The settings of the cache under the cached database; the bench sets its files and sizes. */
    @Mixin
    SettingOptions settings;

    @Option(names = "--seconds", description = "Measured seconds per setup and round (default: ${DEFAULT-VALUE}).")
    int seconds = 10;

    @Option(names = "--warmup", description = "Warm-up seconds per setup and round (default: ${DEFAULT-VALUE}).")
    int warmup = 3;

    @Option(names = "--rounds", description = "Rounds; each runs both setups (default: ${DEFAULT-VALUE}).")
    int rounds = 3;

    @Option(names = "--branches", description = "TPC-B scale: branches (default: ${DEFAULT-VALUE}).")
    int branches = 1;

    @Option(names = "--accounts", description = "Accounts per branch (default: ${DEFAULT-VALUE}).")
    int accounts = 10_000;

    @Option(names = "--out", description = "Results file, markdown; it must not exist unless --overwrite "
        + "(default: h2bench-results-<time>.md).")
    Path out;

    @Option(names = "--overwrite", description = "Overwrite the results file if it exists.")
    boolean overwrite;

    /** The setups, in the order each round runs them. */
    static final String PLAIN = "plain file";
    static final String CACHED = "writecache";
    static final String CEILING = "plain file, no fsync (ceiling)";
    /** Writecache must reach this fraction of the ceiling's median TPS. */
    static final double CEILING_TARGET = 0.9;

    /** One measured run of one setup. */
    record Run(int round, String setup, long transactions, double seconds, Histogram latency) {
        double tps() {
            return transactions / seconds;
        }

        String row() {
            return String.format(Locale.ROOT, "| %d | %s | %d | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f |", round, setup,
                transactions, tps(), us(50), us(90), us(99), us(99.9), latency.getMaxValue() / 1000.0);
        }

        private double us(final double percentile) {
            return latency.getValueAtPercentile(percentile) / 1000.0;
        }
    }

    @Override
    public Integer call() throws Exception {
        if (seconds < 1 || warmup < 0 || rounds < 1) {
            throw new ParameterException(spec.commandLine(), "--seconds " + seconds + " must be at least 1, --warmup " + warmup
                + " at least 0, --rounds " + rounds + " at least 1");
        }
        if (branches < 1 || accounts < 1) {
            throw new ParameterException(spec.commandLine(), "--branches " + branches + " and --accounts " + accounts
                + " must be at least 1");
        }
        final Path results = out != null ? out : Path.of("h2bench-results-"
            + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".md");
        if (Files.exists(results) && !overwrite) {
            throw new ParameterException(spec.commandLine(), "results file " + results + " exists: pass --overwrite"
                + " to replace it, or name another with --out");
        }
        final Path outDir = results.toAbsolutePath().getParent();
        if (outDir != null && !Files.isDirectory(outDir)) {
            throw new ParameterException(spec.commandLine(), "--out " + results + ": its directory does not exist");
        }
        if (!Files.isDirectory(cacheDir)) {
            throw new ParameterException(spec.commandLine(), "--cache-dir " + cacheDir + " is not a directory");
        }
        final String name = "h2bench-" + ProcessHandle.current().pid();
        try (ScratchFiles scratch = new ScratchFiles("writecache h2bench", false)) {
            final List<String> names = new ArrayList<>();
            for (final String db : List.of(name + "-plain", name + "-ceiling", name + "-cached")) {
                for (final String suffix : DATABASE_FILES) {
                    names.add(db + suffix);
                }
            }
            final Path base = scratch.claimDirectory(dir, names);
            final Path plainDb = base.resolve(name + "-plain");
            final Path ceilingDb = base.resolve(name + "-ceiling");
            final Path cachedDb = base.resolve(name + "-cached");
            final WriteCacheConfig config = settings.builder().cacheSize(cacheSize).backingSize(backingSize)
                .cacheFile(scratch.claim(cacheDir.resolve(name + ".wc")))
                .backingFile(Path.of(cachedDb + WriteCacheFilePath.DATABASE_SUFFIX))
                .build();
            WriteCacheFilePath.register(config);
            final String options = ";WRITE_DELAY=0";
            final List<Run> runs = new ArrayList<>();
            for (int r = 1; r <= rounds; r++) {
                deleteDatabase(scratch, plainDb, null);
                runs.add(run(r, PLAIN, "jdbc:h2:" + plainDb + options, true));
                deleteDatabase(scratch, cachedDb, config.cacheFile());
                runs.add(run(r, CACHED, "jdbc:h2:" + WriteCacheFilePath.SCHEME + ":" + cachedDb + options, true));
                deleteDatabase(scratch, ceilingDb, null);
                runs.add(run(r, CEILING, "jdbc:h2:" + ceilingDb + options, false));
            }
            final String report = report(runs, config, plainDb, ceilingDb);
            System.out.print(report);
            Files.writeString(results, report);
            System.out.println("results written to " + results.toAbsolutePath());
            return 0;
        }
    }

    private Run run(final int round, final String setup, final String url, final boolean durable)
        throws SQLException {
        try (Connection c = DriverManager.getConnection(url)) {
            TpcbWorkload.createSchema(c, branches, accounts);
            try (TpcbWorkload w = new TpcbWorkload(c, branches, accounts, durable, round)) {
                final long warmEnd = System.nanoTime() + Duration.ofSeconds(warmup).toNanos();
                while (System.nanoTime() < warmEnd) {
                    w.transaction();
                }
                final Histogram latency = new Histogram(3);
                final long start = System.nanoTime();
                final long end = start + Duration.ofSeconds(seconds).toNanos();
                long n = 0;
                long now = start;
                while (now < end) {
                    w.transaction();
                    final long done = System.nanoTime();
                    latency.recordValue(done - now);
                    now = done;
                    n++;
                }
                if (!w.consistent()) {
                    throw new IllegalStateException(setup + ": balances disagree with the history after the run");
                }
                final Run run = new Run(round, setup, n, (now - start) / 1e9, latency);
                System.out.println(run.row());
                return run;
            }
        }
    }

    /** Deletes a database of an earlier round: its files were all created by this command. */
    private static void deleteDatabase(final ScratchFiles scratch, final Path db, final Path cacheFile)
        throws IOException {
        for (final String suffix : DATABASE_FILES) {
            scratch.release(Path.of(db + suffix));
        }
        if (cacheFile != null) {
            scratch.release(cacheFile);
        }
    }

    private String report(final List<Run> runs, final WriteCacheConfig config, final Path plainDb,
                          final Path ceilingDb) {
        final StringBuilder b = new StringBuilder();
        b.append("# writecache h2bench, ").append(Instant.now()).append("\n\n");
        b.append(String.format(Locale.ROOT, "Machine: %d cores, Java %s. Workload: TPC-B-like, %d branch(es), %d "
                + "accounts per branch, 1 connection, WRITE_DELAY=0 in every setup and CHECKPOINT SYNC after every "
                + "commit in the two durable ones (the ceiling never forces its file: not durable); %d s warm-up and "
                + "%d s measured per setup and round.%n%n",
            Runtime.getRuntime().availableProcessors(), Runtime.version(), branches, accounts, warmup, seconds));
        b.append("Plain file: ").append(plainDb).append(WriteCacheFilePath.DATABASE_SUFFIX).append("; ceiling: ")
            .append(ceilingDb).append(WriteCacheFilePath.DATABASE_SUFFIX).append(". Writecache: cache ")
            .append(config.cacheFile()).append(" (").append(config.cacheSize() >> 20).append(" MiB, ")
            .append(config.flushPolicy()).append(" flush policy), backing ").append(config.backingFile())
            .append(".\n\n");
        b.append("| round | setup | transactions | TPS | p50 µs | p90 µs | p99 µs | p99.9 µs | max µs |\n");
        b.append("|---|---|---|---|---|---|---|---|---|\n");
        for (final Run r : runs) {
            b.append(r.row()).append('\n');
        }
        final double plain = median(runs, PLAIN);
        final double cached = median(runs, CACHED);
        final double ceiling = median(runs, CEILING);
        b.append(String.format(Locale.ROOT, "%nMedian TPS: plain file %.0f, writecache %.0f, ceiling %.0f.%n", plain,
            cached, ceiling));
        b.append(String.format(Locale.ROOT, "Writecache, durable, against the durable plain file: %.1fx.%n",
            cached / plain));
        b.append(String.format(Locale.ROOT, "Writecache, durable, against the ceiling (not durable): %.2f of it; "
            + "target >= %.1f: %s.%n", cached / ceiling, CEILING_TARGET,
            cached / ceiling >= CEILING_TARGET ? "met" : "not met"));
        return b.toString();
    }

    private static double median(final List<Run> runs, final String setup) {
        final double[] tps = runs.stream().filter(r -> r.setup().equals(setup)).mapToDouble(Run::tps).sorted()
            .toArray();
        return tps.length % 2 == 1 ? tps[tps.length / 2] : (tps[tps.length / 2 - 1] + tps[tps.length / 2]) / 2;
    }
}
