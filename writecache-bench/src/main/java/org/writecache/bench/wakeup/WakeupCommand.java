package org.writecache.bench.wakeup;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.writecache.Units;
import org.writecache.WaitPolicy;
import org.writecache.bench.ScratchFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code writecache wakeup}: the freelist wait policies side by side with JDK peers ({@code Semaphore} fair and unfair,
 * {@code ArrayBlockingQueue}) at several writer counts against a writeback-like releaser thread, for allocations of one
 * block and of one to several blocks, each policy with its statistics recorded and not. Results go to a folder as
 * JSON and a markdown table, with the verdict of every target computed from the run (and, with {@code --jmh}, from a
 * JMH run of the uncontended fast path).
 */
@Command(name = "wakeup", mixinStandardHelpOptions = true,
    description = "Measure freelist wait policies against JDK peers: allocation wait, throughput, CPU, wakeups, "
        + "stranded time.")
public final class WakeupCommand implements Callable<Integer> {
    @Option(names = "--writers", split = ",", defaultValue = "1,2,4,16,64,256",
        description = "Writer thread counts (default: ${DEFAULT-VALUE}).")
    private int[] writers;

    @Option(names = "--pools", split = ",",
        defaultValue = "swait,exclusive,wake-all,direct,semaphore,semaphore-fair,array-blocking-queue",
        description = "Policies and peers to run (default: ${DEFAULT-VALUE}).")
    private List<String> pools;

    @Option(names = "--needs", split = ",", defaultValue = "1,8",
        description = "Workloads: most blocks per allocation, each allocation taking 1 to that many "
            + "(default: ${DEFAULT-VALUE}). The blocking queue runs only where it is 1: it cannot take several "
            + "blocks at once, and writers taking them one by one deadlock holding partial sets.")
    private int[] needs;

    @Option(names = "--stats", split = ",", defaultValue = "on,off",
        description = "Run each freelist policy with its wait statistics recorded (on), not (off), or both "
            + "(default: ${DEFAULT-VALUE}).")
    private List<String> stats;

    @Option(names = "--jmh", description = "Also run the JMH fast-path benchmark (FreeListBenchmark) and judge it.")
    private boolean jmh;

    @Option(names = "--blocks", defaultValue = "64", description = "Blocks in the pool (default: ${DEFAULT-VALUE}).")
    private int blocks;

    @Option(names = "--warmup-ms", defaultValue = "300", description = "Warm-up per point (default: ${DEFAULT-VALUE}).")
    private long warmupMs;

    @Option(names = "--measure-ms", defaultValue = "1500",
        description = "Measured time per point (default: ${DEFAULT-VALUE}).")
    private long measureMs;

    @Option(names = "--writeback-us", defaultValue = "20",
        description = "Releaser time per batch of up to 16 blocks, spinning (default: ${DEFAULT-VALUE}).")
    private long writebackMicros;

    @Option(names = "--need-met", defaultValue = "0.05",
        description = "Probability that a writer that waited finds its need met on waking (default: ${DEFAULT-VALUE}).")
    private double needMet;

    @Option(names = "--rounds", defaultValue = "3",
        description = "Rounds of the whole grid, interleaved; each point reports the median of its rounds, so a burst "
            + "of load from elsewhere skews one round of every pool rather than all rounds of one (default: "
            + "${DEFAULT-VALUE}).")
    private int rounds;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--out", description = "Folder for wakeup.json and wakeup.md, which must not exist there unless "
        + "--overwrite (default: wakeup-results/<time>).")
    private Path out;

    @Option(names = "--overwrite", description = "Overwrite wakeup.json and wakeup.md if they exist.")
    private boolean overwrite;

    @Override
    public Integer call() throws Exception {
        validate();
        final Path folder = ScratchFiles.resultFolder("writecache wakeup", out != null ? out
            : Path.of("wakeup-results", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))),
            List.of(Report.JSON, Report.MARKDOWN), overwrite);
        final String settings = String.format(Locale.ROOT, "blocks %d, warm-up %d ms, measured %d ms, %d rounds "
                + "(medians), writeback %d µs per batch of up to 16 (one release call), need met after a wait %.3f, "
                + "seed %d, %d CPUs, %s", blocks, warmupMs, measureMs, rounds, writebackMicros, needMet, seed,
            Runtime.getRuntime().availableProcessors(), Runtime.version());
        System.out.println(settings);
        final Map<String, List<Result>> byPoint = new LinkedHashMap<>();
        for (int round = 1; round <= rounds; round++) {
            for (final int need : needs) {
                for (final int w : writers) {
                    for (final String name : pools) {
                        for (final BlockPool pool : pools(name, need)) {
                            final Result r = new Shootout(pool, w, blocks, need, warmupMs * 1_000_000,
                                measureMs * 1_000_000, writebackMicros * 1_000, needMet, seed + round).run();
                            byPoint.computeIfAbsent(need + "/" + r.pool() + "/" + w, k -> new ArrayList<>()).add(r);
                            System.out.printf(Locale.ROOT, "round %d need 1-%d %-22s %4d writers: %,12.0f alloc/s  "
                                    + "p99 %,9.1f µs  cpu %,7.0f ns/alloc  stranded %s ms  stuck %d%n", round, need,
                                r.pool(), r.writers(), r.perSecond(), r.waitP99() / 1e3, r.cpuPerAllocation(),
                                r.stranded() < 0 ? "-" : String.format(Locale.ROOT, "%.1f", r.stranded() / 1e6),
                                r.stuckAtEnd());
                        }
                    }
                }
            }
        }
        final List<Result> results = byPoint.values().stream().map(Result::combine).toList();
        final Verdicts verdicts = Verdicts.judge(results);
        final List<Verdicts.Verdict> all = new ArrayList<>(verdicts.verdicts());
        if (jmh) {
            all.addAll(FastPathBenchmark.run());
        }
        System.out.println("\nTargets, judged from this run:");
        all.forEach(v -> System.out.println("  " + v.line()));
        verdicts.unjudged().forEach(u -> System.out.println("  not judged: " + u));
        Report.write(folder, settings, results, all, verdicts.unjudged());
        System.out.println("wrote " + folder.resolve(Report.JSON) + " and " + folder.resolve(Report.MARKDOWN));
        return 0;
    }

    private void validate() {
        for (final int w : writers) {
            if (w < 1) {
                throw new IllegalArgumentException("--writers must be positive: " + w);
            }
        }
        if (blocks < 1) {
            throw new IllegalArgumentException("--blocks must be positive: " + blocks);
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be positive: " + rounds);
        }
        final long maxMs = Units.MAX_DURATION.toMillis();
        if (warmupMs < 0 || warmupMs > maxMs || measureMs < 1 || measureMs > maxMs) {
            throw new IllegalArgumentException("--warmup-ms must be from 0 and --measure-ms from 1 to " + maxMs
                + " (" + Units.MAX_DURATION_TEXT + "): " + warmupMs + ", " + measureMs);
        }
        if (writebackMicros < 0 || writebackMicros > maxMs) {
            throw new IllegalArgumentException("--writeback-us must be from 0 to " + maxMs + ": " + writebackMicros);
        }
        for (final int n : needs) {
            if (n < 1 || n > blocks) {
                throw new IllegalArgumentException("--needs must be from 1 to --blocks: " + n);
            }
        }
        for (final String st : stats) {
            if (!st.equals("on") && !st.equals("off")) {
                throw new IllegalArgumentException("--stats takes on and off: " + st);
            }
        }
        if (needMet < 0 || needMet > 1) {
            throw new IllegalArgumentException("--need-met must be a probability from 0 to 1: " + needMet);
        }
        pools.forEach(p -> pools(p, 1));
    }

    /** @return the pools {@code name} stands for under a workload: a policy once per statistics setting. */
    private List<BlockPool> pools(final String name, final int need) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "semaphore" -> List.of(new SemaphorePool(false, blocks));
            case "semaphore-fair" -> List.of(new SemaphorePool(true, blocks));
            case "array-blocking-queue" -> need == 1 ? List.of(new QueuePool(blocks)) : List.of();
            default -> {
                final WaitPolicy policy;
                try {
                    policy = WaitPolicy.parse(name);
                } catch (final IllegalArgumentException e) {
                    throw new IllegalArgumentException("unknown pool '" + name + "': expected a wait policy or one of "
                        + "semaphore, semaphore-fair, array-blocking-queue", e);
                }
                yield stats.stream().map(st -> (BlockPool) new FreeListPool(policy, st.equals("on"), blocks)).toList();
            }
        };
    }
}
