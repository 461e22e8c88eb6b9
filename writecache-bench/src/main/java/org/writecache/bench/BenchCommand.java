package org.writecache.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import org.writecache.BlockDevice;
import org.writecache.BlockDevices;
import org.writecache.CacheStatus;
import org.writecache.Settings;
import org.writecache.Units;
import org.writecache.WaitPolicy;
import org.writecache.WriteCache;
import org.writecache.WriteCacheConfig;
import org.writecache.bench.baseline.Baselines;
import org.writecache.bench.cli.SettingOptions;
import org.writecache.bench.harness.Measurement;
import org.writecache.bench.harness.Progress;
import org.writecache.bench.harness.Runner;
import org.writecache.bench.report.Facts;
import org.writecache.bench.report.JmhResults;
import org.writecache.bench.report.Report;
import org.writecache.bench.report.ReportWriter;
import org.writecache.bench.report.ScaleRow;
import org.writecache.bench.report.Stats;
import org.writecache.bench.report.Summary;
import org.writecache.bench.report.Target;
import org.writecache.bench.report.Targets;
import org.writecache.bench.scale.ScaleBench;
import org.writecache.bench.workload.Shape;
import org.writecache.bench.workload.Workload;
import org.writecache.bench.workload.Workloads;
import org.writecache.format.DataChecksum;
import org.writecache.pmem.FlushPolicy;
import org.writecache.pmem.PmemBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code writecache bench}: times the cache's workloads against baselines measured in the same run, repeats the
 * comparison, judges the targets and writes a report folder (results.json, .hgrm files, summary.md, report.html).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Benchmark the cache against its hardware ceilings and the bare backing file.",
        "Defaults finish in about 3 to 4 minutes on 2 cores; the report goes to target/bench-report/<time>/."})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--cache-file", description = "Cache file (persistent memory); it must not exist unless "
        + "--overwrite. Default: /dev/shm/writecache-bench-<pid>.cache")
    Path cacheFile;

    @Option(names = "--backing-file", paramLabel = "<path or URI>", description = "Backing device: a file, which "
        + "must not exist unless --overwrite (default: ./writecache-bench-<pid>.backing), or a URI such as "
        + "nbd://host:port/export; the backing baselines then measure that device.")
    String backingFile;

    @Option(names = "--cache-size", defaultValue = "128m", converter = SizeConverter.class,
        description = "Cache file size (default ${DEFAULT-VALUE}).")
    long cacheSize;

    @Option(names = "--backing-size", defaultValue = "1g", converter = SizeConverter.class,
        description = "Backing device size (default ${DEFAULT-VALUE}).")
    long backingSize;

    @Option(names = "--block-size", defaultValue = "4096", description = "Block size (default ${DEFAULT-VALUE}).")
    int blockSize;

    @Option(names = "--workloads", split = ",", description = "Workloads to run (default all: ${COMPLETION-CANDIDATES}).",
        completionCandidates = WorkloadNames.class)
    List<String> workloads;

    @Option(names = "--no-baselines", description = "Skip the baselines (no ratios, no targets that need them).")
    boolean noBaselines;

    @Option(names = "--warmup", defaultValue = "300ms", converter = DurationConverter.class,
        description = "Untimed warm-up per configuration (default ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--duration", defaultValue = "1500ms", converter = DurationConverter.class,
        description = "Timed phase per configuration (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--threads", split = ",", defaultValue = "1,2",
        description = "Thread counts for the multi-threaded workloads (default ${DEFAULT-VALUE}).")
    List<Integer> threads;

    @Option(names = "--wait-policies", split = ",",
        description = "Freelist wait policies for burst-idle (default every policy: ${COMPLETION-CANDIDATES}).")
    List<String> waitPolicies;

    @Option(names = "--flush-policies", split = ",", defaultValue = "FENCE_ONLY,MSYNC",
        description = "Flush policies; the first is used by every workload, all by the durable ones and their "
            + "baselines (default ${DEFAULT-VALUE}; one of ${COMPLETION-CANDIDATES}).")
    List<FlushPolicy> flushPolicies;

    @Option(names = "--backends", split = ",", defaultValue = "FFM,CHRONICLE",
        description = "Persistent-memory backends; the first runs every workload, the others the durable random "
            + "write, streaming write and cached read for a side-by-side view (default ${DEFAULT-VALUE}; one of "
            + "${COMPLETION-CANDIDATES}).")
    List<PmemBackend> backends;

    @Option(names = "--runs", defaultValue = "3", description = "Repetitions of the whole comparison (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--open-blocks", defaultValue = "1000000",
        description = "Blocks (of 512 bytes) of the cache whose open time is measured; 0 skips (default ${DEFAULT-VALUE}).")
    long openBlocks;

    @Option(names = "--scale", description = "Also run the scale bench: open time, metadata and throughput by cache size.")
    boolean scale;

    @Option(names = "--scale-only", description = "Run only the scale bench.")
    boolean scaleOnly;

    @Option(names = "--scale-blocks", split = ",", defaultValue = "10000,100000,1000000,10000000",
        description = "Cache sizes of the scale bench, in 512-byte blocks (default ${DEFAULT-VALUE}).")
    List<Long> scaleBlocks;

    @Option(names = "--jmh-results", description = "JMH CSV result file (bin/writecache jmh -rf csv -rff FILE) for the "
        + "allocate+free target. Default: target/jmh-result.csv if it exists.")
    Path jmhResults;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the random offsets (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", description = "Report folder (default target/bench-report/<timestamp>).")
    Path out;

    @Option(names = "--keep-files", description = "Keep the cache and backing files it created at the end.")
    boolean keepFiles;

    @Option(names = "--overwrite", description = "Let the bench overwrite a cache or backing file (or report folder)"
        + " that exists already; without it an existing file is refused. Files that existed are never deleted.")
    boolean overwrite;

    /** The settings every cache configuration starts from; the bench then sets what it varies. */
    @Mixin
    SettingOptions settings;

    private final PrintStream console = System.out;

    /** picocli's list of workload names for the help text. */
    static final class WorkloadNames extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        WorkloadNames() {
            super(Workloads.NAMES);
        }
    }

    @Override
    public Integer call() throws IOException {
        final long pid = ProcessHandle.current().pid();
        final Path cacheCandidate = cacheFile != null ? cacheFile
            : Path.of("/dev/shm/writecache-bench-" + pid + ".cache");
        final String backingCandidate = backingFile != null ? backingFile
            : Path.of("writecache-bench-" + pid + ".backing").toAbsolutePath().toString();
        validate(cacheCandidate, backingCandidate);
        final Path localCandidate = base(cacheCandidate, backingCandidate).build().backingFile();
        final Path dir = out != null ? out : Path.of("target", "bench-report",
            LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        try (ScratchFiles scratch = new ScratchFiles("writecache bench", overwrite)) {
            final Path cache = scratch.claim(cacheCandidate);
            final Path localBacking = localCandidate == null ? null : scratch.claim(localCandidate);
            final String backing = localBacking == null ? backingCandidate : localBacking.toString();
            final Path baselineFile = scratch.claim(cache.resolveSibling(cache.getFileName() + ".baseline"));
            final Path openFile = scratch.claim(cache.resolveSibling(cache.getFileName() + ".open"));
            ScratchFiles.resultFolder("writecache bench", dir, List.of(), overwrite);
            if (keepFiles) {
                scratch.keep();
            }
            final Map<String, String> setup = MachineInfo.describe(cache, localBacking != null ? localBacking : cache);
            if (localBacking == null) {
                setup.put("backing file", backing + " (remote)");
            }
            setup.put("command", "writecache bench " + String.join(" ", options()));
            setup.put("note", "figures from one machine, often shared; compare only within a run");
            console.println("writecache bench: cache " + cache + ", backing " + backing + ", report " + dir);
            final Progress progress = new Progress(console);
            Summary summary = null;
            List<Target> targets = List.of();
            if (!scaleOnly) {
                final Result r = comparison(cache, backing, localBacking, baselineFile, openFile, scratch, progress);
                summary = r.summary;
                targets = r.targets;
            }
            List<ScaleRow> scaleRows = List.of();
            if (scale || scaleOnly) {
                scaleRows = new ScaleBench(cache, backing, scaleBlocks, threads, flushPolicies.get(0),
                    new Runner(warmup, duration.dividedBy(2), seed), console, scratch).run(progress);
            }
            final Report report = new Report(setup, summary, targets, scaleRows);
            ReportWriter.write(report, dir);
            console.println();
            console.print(ReportWriter.markdown(new Report(Map.of(), summary, targets, scaleRows)));
            console.println("report: " + dir.toAbsolutePath() + "/report.html");
            return 0;
        }
    }

    private record Result(Summary summary, List<Target> targets) {
    }

    private Result comparison(final Path cache, final String backing, final Path localBacking,
                              final Path baselineFile, final Path openFile, final ScratchFiles scratch,
                              final Progress progress) throws IOException {
        final long region = Math.min(cacheSize / 2, backingSize) / blockSize * blockSize;
        final List<BenchCase> cases = plan(region);
        final Baselines baselines = new Baselines(baselineFile, cacheSize, base(cache, backing).build(), region,
            blockSize, flushPolicies, scratch);
        progress.plan(1 + runs * (cases.size() + (noBaselines ? 0 : baselines.steps()) + (openBlocks > 0 ? 1 : 0)));
        progress.step("prepare", "backing file " + backing + ": write " + region + " bytes");
        if (localBacking != null) {
            scratch.extend(localBacking, backingSize);
        }
        prepareBacking(base(cache, backing).build(), region);
        final Runner runner = new Runner(warmup, duration, seed);
        final List<List<Measurement>> all = new ArrayList<>();
        final List<Double> open = new ArrayList<>();
        final List<Double> mapping = new ArrayList<>();
        double metadata = Double.NaN;
        final OpenCheck openCheck = openBlocks > 0 ? new OpenCheck(openFile, backing, openBlocks, backingSize,
            flushPolicies.get(0), scratch) : null;
        try {
            for (int run = 1; run <= runs; run++) {
                final List<Measurement> ms = new ArrayList<>();
                if (!noBaselines) {
                    ms.addAll(baselines.run(runner, progress));
                }
                for (final BenchCase c : BenchCase.runOrder(cases, run)) {
                    progress.step("run " + run + "/" + runs, c.toString());
                    final Measured m = runCase(c, cache, backing, runner);
                    ms.add(m.measurement);
                    metadata = m.metadataBytesPerBlock;
                }
                if (openCheck != null) {
                    progress.step("open", openBlocks + " blocks of 512 bytes");
                    final double[] t = openCheck.measure();
                    mapping.add(t[0]);
                    open.add(t[1] - t[0]);
                    metadata = t[2];
                }
                all.add(ms);
            }
        } finally {
            if (openCheck != null) {
                openCheck.close();
            }
        }
        final Set<String> baselineNames = new HashSet<>(List.of(Baselines.COPY_RAND, Baselines.COPY_SEQ,
            Baselines.COPY_FLUSH, Baselines.COMMIT, Baselines.PMEM_READ, Baselines.FILE_WRITE_FORCE,
            Baselines.FILE_WRITE, Baselines.FILE_READ, Baselines.FILE_SEQ_WRITE));
        final Summary summary = Summary.of(all, baselineNames);
        final Path jmh = jmhResults != null ? jmhResults : Path.of("target", "jmh-result.csv");
        final Facts facts = new Facts(metadata, openCheck == null ? 0 : openBlocks, Stats.of(open),
            Stats.of(mapping), JmhResults.read(jmh));
        final List<Target> targets = Targets.evaluate(summary, backends.get(0), Baselines.label(flushPolicies.get(0)),
            flushPolicies.stream().map(Baselines::label).toList(), facts);
        return new Result(summary, targets);
    }

    private record Measured(Measurement measurement, double metadataBytesPerBlock) {
    }

    private Measured runCase(final BenchCase c, final Path cache, final String backing, final Runner runner)
        throws IOException {
        final Workload w = c.workload();
        final WriteCacheConfig config = base(cache, backing).cacheSize(w.cacheSize(cacheSize))
            .waitPolicy(c.waitPolicy()).flushPolicy(c.flush()).pmemBackend(c.backend()).dataChecksum(c.checksum())
            .background(w.background()).build();
        try (WriteCache wc = WriteCache.format(config)) {
            final Shape shape = Shape.of(wc.blockSize(), wc.cacheBlocks(), wc.size() / wc.blockSize());
            w.prepare(wc, shape);
            wc.clearStats();
            final Measurement m = w.measure(wc, shape, runner, c.params(), c.threads());
            final CacheStatus s = wc.status();
            final Map<String, Long> extras = new LinkedHashMap<>();
            extras.put("writes", s.writes());
            extras.put("readHits", s.readHits());
            extras.put("writeHitsUncommitted", s.writeHitsUncommitted());
            extras.put("writeHitsCommitted", s.writeHitsCommitted());
            extras.put("writesBlockedOnFreelist", s.writesBlockedOnFreelist());
            extras.put("commits", s.commits());
            extras.put("blocksWrittenBack", s.blocksWrittenBack());
            return new Measured(m.withExtras(extras), wc.metadataBytesPerBlock());
        }
    }

    List<BenchCase> plan(final long region) {
        final List<String> names = workloads == null ? Workloads.NAMES : workloads;
        final List<WaitPolicy> waits = waitPolicies == null ? List.of(WaitPolicy.values())
            : waitPolicies.stream().map(WaitPolicy::parse).toList();
        final FlushPolicy primary = flushPolicies.get(0);
        final WaitPolicy wait = Settings.WAIT_POLICY.defaultValue();
        final PmemBackend main = backends.get(0);
        final List<BenchCase> cases = new ArrayList<>();
        for (final String name : names) {
            final Workload w = Workloads.create(name, region);
            switch (name) {
                case "seq-write-fua", "rand-write-fua" -> {
                    for (final FlushPolicy f : flushPolicies) {
                        cases.add(new BenchCase(w, 1, wait, f, false, main));
                        if (name.equals("rand-write-fua")) {
                            cases.add(new BenchCase(w, 1, wait, f, false, main).with(DataChecksum.NONE));
                        }
                    }
                    if (name.equals("rand-write-fua")) {
                        threads.stream().filter(t -> t > 1)
                            .forEach(t -> cases.add(new BenchCase(w, t, wait, primary, false, main)));
                    }
                }
                case "rand-write-autocommit", "cached-read" ->
                    threads.forEach(t -> cases.add(new BenchCase(w, t, wait, primary, false, main)));
                case "burst-idle" -> {
                    for (final WaitPolicy p : waits) {
                        threads.forEach(t -> cases.add(new BenchCase(w, t, p, primary, true, main)));
                    }
                }
                default -> cases.add(new BenchCase(w, 1, wait, primary, false, main));
            }
            if (name.equals("cached-read") || name.equals("writeback")) {
                cases.add(new BenchCase(w, 1, wait, primary, false, main).with(DataChecksum.NONE));
            }
            if (name.equals("rand-write-fua") || name.equals("seq-write-autocommit") || name.equals("cached-read")) {
                backends.stream().skip(1).forEach(b -> cases.add(new BenchCase(w, 1, wait, primary, false, b)));
            }
        }
        return cases;
    }

    /** The settings of every case but what the case varies. */
    private WriteCacheConfig.Builder base(final Path cache, final String backing) {
        return settings.builder().cacheFile(cache).cacheSize(cacheSize).backingLocation(backing)
            .backingSize(backingSize)
            .blockSize(blockSize).forceFormat(true).prefault(true);
    }

    /** Checks every option, and the cache configurations they make, before any file is touched. */
    private void validate(final Path cache, final String backing) {
        if (duration.isZero()) {
            throw new IllegalArgumentException("--duration must be positive: " + Units.formatDuration(duration));
        }
        backends.forEach(b -> flushPolicies.forEach(f -> base(cache, backing).pmemBackend(b).flushPolicy(f).build()));
        if (runs < 1) {
            throw new IllegalArgumentException("--runs must be at least 1: " + runs);
        }
        if (threads.isEmpty() || threads.stream().anyMatch(t -> t < 1 || t > 256)) {
            throw new IllegalArgumentException("--threads must list counts from 1 to 256: " + threads);
        }
        if (flushPolicies.isEmpty()) {
            throw new IllegalArgumentException("--flush-policies must name at least one policy");
        }
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("--backends must name at least one backend");
        }
        if (openBlocks < 0) {
            throw new IllegalArgumentException("--open-blocks must not be negative: " + openBlocks);
        }
        if (workloads != null) {
            workloads.forEach(n -> Workloads.create(n, blockSize));
        }
        if (waitPolicies != null) {
            waitPolicies.forEach(WaitPolicy::parse);
        }
        if (scaleBlocks.stream().anyMatch(b -> b < 1)) {
            throw new IllegalArgumentException("--scale-blocks must be positive: " + scaleBlocks);
        }
    }

    private List<String> options() {
        final List<String> o = new ArrayList<>();
        o.add("--cache-size " + cacheSize);
        o.add("--backing-size " + backingSize);
        o.add("--block-size " + blockSize);
        o.add("--warmup " + warmup.toMillis() + "ms");
        o.add("--duration " + duration.toMillis() + "ms");
        o.add("--threads " + threads.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse(""));
        o.add("--flush-policies " + flushPolicies.stream().map(Enum::name).reduce((a, b) -> a + "," + b).orElse(""));
        o.add("--backends " + backends.stream().map(Enum::name).reduce((a, b) -> a + "," + b).orElse(""));
        o.add("--runs " + runs);
        if (workloads != null) {
            o.add("--workloads " + String.join(",", workloads));
        }
        if (scale || scaleOnly) {
            o.add((scaleOnly ? "--scale-only" : "--scale") + " --scale-blocks "
                + scaleBlocks.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse(""));
        }
        return o;
    }

    /** Writes the region the baselines use, through the device as the cache opens it (a local file exists already). */
    private static void prepareBacking(final WriteCacheConfig backing, final long region) throws IOException {
        try (BlockDevice d = BlockDevices.open(backing, false)) {
            Baselines.sequentialWrite(d, region);
        }
    }
}
