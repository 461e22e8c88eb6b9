package org.writecache.bench.nbd;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

import org.writecache.bench.DurationConverter;
import org.writecache.bench.MachineInfo;
import org.writecache.bench.SizeConverter;
import org.writecache.nbd.NbdkitProcess;
import org.writecache.nbd.client.NbdUri;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code writecache nbd-bench}: a cache on persistent memory in front of an nbdkit file export, against the export
 * itself, over TCP loopback and a Unix socket. Durable 4 KiB writes (FUA each) through the cache against FUA writes
 * straight to the export; the bandwidth of writing back a full cache against {@code nbdcopy} of the same bytes into
 * the same export. Rounds alternate the two sides; ratios are taken within a round; verdicts against the targets
 * (durable at least 100x, writeback at least 0.7 of nbdcopy) are computed and written with every figure.
 */
@Command(name = "nbd-bench", mixinStandardHelpOptions = true,
    description = {"A cache in front of an NBD export (nbdkit's file plugin) against the export itself:",
        "durable 4 KiB writes, and writeback against nbdcopy, over TCP and a Unix socket."})
public final class NbdBenchCommand implements Callable<Integer> {
    @Option(names = "--dir", description = "Directory of the export's file, on disk (default ${DEFAULT-VALUE}).")
    Path dir = Path.of("/var/tmp/writecache-nbd-bench");

    @Option(names = "--device-size", converter = SizeConverter.class, description = "Export size (default 1g).")
    long deviceSize = 1L << 30;

    @Option(names = "--cache-size", converter = SizeConverter.class, description = "Cache size (default 256m).")
    long cacheSize = 256L << 20;

    @Option(names = "--writeback-size", converter = SizeConverter.class,
        description = "Bytes written back, and copied by nbdcopy, per round (default 128m).")
    long writebackSize = 128L << 20;

    @Option(names = "--jobs", description = "writeback.jobs: blocks in flight to the export (default "
        + "${DEFAULT-VALUE}).")
    int jobs = 1024;

    @Option(names = "--duration", converter = DurationConverter.class,
        description = "Time of each durable-write measurement (default 3s).")
    Duration duration = Duration.ofSeconds(3);

    @Option(names = "--rounds", description = "Rounds per transport (default ${DEFAULT-VALUE}).")
    int rounds = 3;

    @Option(names = "--transports", split = ",", description = "tcp, unix or both (default ${DEFAULT-VALUE}).")
    List<String> transports = List.of("tcp", "unix");

    @Option(names = "--out", description = "Results file, Markdown; JSON beside it (default ${DEFAULT-VALUE}).")
    Path out = Path.of("target", "nbd-bench", "results.md");

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException, InterruptedException {
        check();
        final PrintWriter console = spec.commandLine().getOut();
        Files.createDirectories(dir);
        final long pid = ProcessHandle.current().pid();
        final Path image = dir.resolve("nbd-bench-" + pid + ".img");
        final Path source = Path.of("/dev/shm", "writecache-nbd-bench-" + pid + ".src");
        final Path cacheFile = Path.of("/dev/shm", "writecache-nbd-bench-" + pid + ".wc");
        final Map<String, String> facts = new LinkedHashMap<>();
        facts.put("date", ZonedDateTime.now(ZoneOffset.UTC)
            .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")));
        facts.putAll(MachineInfo.describe(cacheFile, image));
        facts.put("command", String.format(Locale.ROOT, "writecache nbd-bench --device-size %d --cache-size %d "
            + "--writeback-size %d --jobs %d --duration %dms --rounds %d --transports %s", deviceSize, cacheSize,
            writebackSize, jobs, duration.toMillis(), rounds, String.join(",", transports)));
        facts.put("export", "nbdkit file plugin (" + nbdkitVersion() + ") on " + image);
        final NbdBenchReport report = new NbdBenchReport(facts);
        try {
            prepare(image, source);
            for (final String transport : transports) {
                try (NbdkitProcess server = transport.equals("unix")
                    ? NbdkitProcess.unix(dir, "file", "file=" + image)
                    : NbdkitProcess.tcp(dir, "file", "file=" + image)) {
                    final NbdMeasurements m = new NbdMeasurements(NbdUri.parse(server.uri()), deviceSize, cacheFile,
                        cacheSize, duration.toNanos());
                    final long region = m.durableRegion();
                    for (int round = 1; round <= rounds; round++) {
                        final NbdMeasurements.Durable direct = m.directFua(region);
                        final NbdMeasurements.Durable cache = m.cacheFua();
                        final double wb;
                        final double copy;
                        if (round % 2 == 1) {
                            wb = m.writeback(writebackSize, jobs);
                            copy = m.nbdcopy(source);
                        } else {
                            copy = m.nbdcopy(source);
                            wb = m.writeback(writebackSize, jobs);
                        }
                        final NbdBenchReport.Round r = new NbdBenchReport.Round(direct, cache, wb, copy);
                        report.add(transport, r);
                        console.printf(Locale.ROOT, "%s round %d: direct FUA %,.0f/s, cache FUA %,.0f/s (%.0fx); "
                                + "writeback %.0f MB/s, nbdcopy %.0f MB/s (%.2f)%n", transport, round,
                            direct.opsPerSecond(), cache.opsPerSecond(), r.durableRatio(), wb / 1e6, copy / 1e6,
                            r.writebackRatio());
                        console.flush();
                    }
                }
            }
        } finally {
            Files.deleteIfExists(image);
            Files.deleteIfExists(source);
            Files.deleteIfExists(cacheFile);
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        final String md = report.markdown();
        Files.writeString(out, md);
        Files.writeString(out.resolveSibling(out.getFileName().toString().replaceFirst("\\.md$", "") + ".json"),
            report.json());
        console.println();
        console.print(md);
        console.println("written to " + out);
        return report.allMet() ? 0 : 1;
    }

    private void check() {
        final CommandSpec s = spec;
        if (rounds < 1 || jobs < 1 || duration.isZero() || duration.isNegative()) {
            throw new ParameterException(s.commandLine(), "--rounds, --jobs and --duration must be positive");
        }
        for (final String t : transports) {
            if (!t.equals("tcp") && !t.equals("unix")) {
                throw new ParameterException(s.commandLine(), "--transports takes tcp and unix, not '" + t + "'");
            }
        }
        if (writebackSize % NbdMeasurements.BS != 0 || writebackSize > deviceSize || writebackSize * 100 / 95
            > cacheSize) {
            throw new ParameterException(s.commandLine(), "--writeback-size must be a multiple of 4096, fit the device"
                + " and leave the cache 5% to spare (cache " + cacheSize + " bytes)");
        }
        if (!NbdkitProcess.isInstalled()) {
            throw new ParameterException(s.commandLine(), "nbdkit is not installed (Debian package nbdkit)");
        }
    }

    /** The export's file, allocated where the rounds write, and nbdcopy's source of random bytes on tmpfs. */
    private void prepare(final Path image, final Path source) throws IOException {
        final ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.truncate(0);
            for (long at = 0; at < Math.max(writebackSize, cacheSize); at += chunk.capacity()) {
                ch.write(chunk.clear(), at);
            }
            ch.write(ByteBuffer.allocate(1), deviceSize - 1);
            ch.force(true);
        }
        new SplittableRandom(3).nextBytes(chunk.array());
        try (FileChannel ch = FileChannel.open(source, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
            for (long at = 0; at < writebackSize; at += chunk.capacity()) {
                ch.write(chunk.clear().limit((int) Math.min(chunk.capacity(), writebackSize - at)), at);
            }
        }
    }

    private static String nbdkitVersion() {
        try {
            final Process p = new ProcessBuilder("nbdkit", "--version").redirectErrorStream(true).start();
            final String v = new String(p.getInputStream().readAllBytes()).strip();
            p.waitFor();
            return v;
        } catch (final IOException e) {
            return "version unknown";
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return "version unknown";
        }
    }
}
