package org.writecache.bench.wakeup;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.writecache.WaitPolicy;
import org.writecache.bench.ScratchFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code writecache wakeup}: the freelist wait policies side by side with JDK peers ({@code Semaphore} fair and unfair,
 * {@code ArrayBlockingQueue}) at several writer counts against a writeback-like releaser thread. Results go to a folder
 * as JSON and a markdown table.
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
        final String settings = String.format(Locale.ROOT, "blocks %d, warm-up %d ms, measured %d ms, writeback %d µs "
                + "per batch of up to 16, need met after a wait %.3f, seed %d, %d CPUs, %s",
            blocks, warmupMs, measureMs, writebackMicros, needMet, seed, Runtime.getRuntime().availableProcessors(),
            Runtime.version());
        System.out.println(settings);
        final List<Result> results = new ArrayList<>();
        for (final String name : pools) {
            for (final int w : writers) {
                final Result r = new Shootout(pool(name), w, blocks, warmupMs * 1_000_000, measureMs * 1_000_000,
                    writebackMicros * 1_000, needMet, seed).run();
                results.add(r);
                System.out.printf(Locale.ROOT, "%-20s %4d writers: %,12.0f alloc/s  p99 %,9.1f µs  max %,10.1f µs  "
                        + "cpu %,7.0f ns/alloc  stranded %s ms  stuck %d%n", r.pool(), r.writers(), r.perSecond(),
                    r.waitP99() / 1e3, r.waitMax() / 1e3, r.cpuPerAllocation(),
                    r.stranded() < 0 ? "-" : String.format(Locale.ROOT, "%.1f", r.stranded() / 1e6), r.stuckAtEnd());
            }
        }
        Report.write(folder, settings, results);
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
        if (warmupMs < 0 || measureMs < 1) {
            throw new IllegalArgumentException("--warmup-ms must be >= 0 and --measure-ms >= 1: " + warmupMs + ", "
                + measureMs);
        }
        if (writebackMicros < 0) {
            throw new IllegalArgumentException("--writeback-us must not be negative: " + writebackMicros);
        }
        if (needMet < 0 || needMet > 1) {
            throw new IllegalArgumentException("--need-met must be a probability from 0 to 1: " + needMet);
        }
        pools.forEach(this::pool);
    }

    private BlockPool pool(final String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "semaphore" -> new SemaphorePool(false, blocks);
            case "semaphore-fair" -> new SemaphorePool(true, blocks);
            case "array-blocking-queue" -> new QueuePool(blocks);
            default -> {
                try {
                    yield new FreeListPool(WaitPolicy.parse(name), blocks);
                } catch (final IllegalArgumentException e) {
                    throw new IllegalArgumentException("unknown pool '" + name + "': expected a wait policy or one of "
                        + "semaphore, semaphore-fair, array-blocking-queue", e);
                }
            }
        };
    }
}
