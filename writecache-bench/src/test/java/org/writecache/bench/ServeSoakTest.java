package org.writecache.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.writecache.WriteCache;
import org.writecache.WriteCacheConfig;
import org.writecache.nbd.ExternalTool;

/**
 * {@code writecache serve} under fio for a while ({@code -Dwritecache.soak.duration}, 2 minutes by default; the
 * documented run took 30): a 16 MiB cache in front of 512 MiB, waves of two fio clients writing and verifying random
 * blocks of 4 KiB to 1 MiB with flushes, a third of them killed at a random moment, and hostile clients that hang up
 * mid-handshake or mid-write. At the quiet point after each wave the serve JVM's heap after a full GC, its threads and
 * its open file descriptors are sampled: they must not grow from the first quiet point to the last, no session thread
 * may be left, every fio run that was not killed must verify, and the cache must close cleanly. A summary goes to
 * {@code target/soak/serve-soak.md}.
 */
class ServeSoakTest {
    private static final Duration DURATION =
        new DurationConverter().convert(System.getProperty("writecache.soak.duration", "2m"));
    private static final long SLOT = 256L << 20;
    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    @TempDir
    Path dir;

    /** One quiet point: seconds since the start, heap used after a full GC, threads, open descriptors. */
    private record Sample(long seconds, long heapKiB, int threads, int fds) {
    }

    @Test
    void serveSurvivesFioWithRandomDisconnectsWithoutLeaking() throws Exception {
        ExternalTool.require("fio", "fio");
        final Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        assumeTrue(Files.isExecutable(jcmd), "jcmd is needed to sample the heap");
        assumeTrue(ExternalTool.run(dir, "fio", "--enghelp").output().lines().anyMatch(l -> l.strip().equals("nbd")),
            "this fio was built without the nbd engine");
        final Path cacheFile = Path.of("/dev/shm", "writecache-soak-" + System.nanoTime() + ".wc");
        final Path socket = dir.resolve("nbd.sock");
        final Path backing = dir.resolve("backing.img");
        final String uri = "nbd+unix:///writecache?socket=" + socket;
        final Random rnd = new Random(Long.getLong("writecache.soak.seed", System.nanoTime()));
        final List<Sample> samples = new ArrayList<>();
        int fioRuns = 0;
        int killed = 0;
        long verifiedBytes = 0;
        final long start = System.nanoTime();
        try (ServeProcess serve = ServeProcess.start(dir.resolve("serve.log"), List.of("-Xmx256m"), List.of(
            "--socket", socket.toString(), "--request-timeout", "5s", "--handshake-timeout", "2s",
            "-s", "cache.file=" + cacheFile, "-s", "cache.size=16m",
            "-s", "backing.file=" + backing, "-s", "backing.size=512m"))) {
            final long pid = serve.process.pid();
            final long end = start + DURATION.toNanos();
            int wave = 0;
            do {
                wave++;
                final List<Process> fio = new ArrayList<>();
                final List<Long> killAt = new ArrayList<>();
                for (int slot = 0; slot < 2; slot++) {
                    final long size = (16L + 16 * rnd.nextInt(6)) << 20;
                    final Path job = dir.resolve("fio-" + wave + "-" + slot + ".fio");
                    Files.writeString(job, String.join("\n", "[global]", "ioengine=nbd", "uri=" + uri,
                        "iodepth=16", "rw=randwrite", "bssplit=4k/60:64k/30:1m/10", "fsync=32",
                        "verify=crc32c", "verify_fatal=1", "randrepeat=0",
                        "[job]", "offset=" + slot * SLOT, "size=" + size, ""));
                    fio.add(new ProcessBuilder("fio", job.toString()).directory(dir.toFile())
                        .redirectErrorStream(true).redirectOutput(dir.resolve(job.getFileName() + ".log").toFile())
                        .start());
                    killAt.add(rnd.nextInt(3) == 0 ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300
                        + rnd.nextInt(3700)) : Long.MAX_VALUE);
                    verifiedBytes += killAt.getLast() == Long.MAX_VALUE ? size : 0;
                }
                hostileClients(socket, rnd);
                final long waveDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
                while (fio.stream().anyMatch(Process::isAlive)) {
                    assertTrue(System.nanoTime() < waveDeadline, "a fio run of wave " + wave + " hung");
                    for (int i = 0; i < fio.size(); i++) {
                        if (fio.get(i).isAlive() && System.nanoTime() > killAt.get(i)) {
                            fio.get(i).destroyForcibly();
                            killed++;
                        }
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
                for (int i = 0; i < fio.size(); i++) {
                    fioRuns++;
                    final String log = Files.readString(dir.resolve("fio-" + wave + "-" + i + ".fio.log"));
                    if (killAt.get(i) == Long.MAX_VALUE || fio.get(i).exitValue() == 0) {
                        assertEquals(0, fio.get(i).exitValue(), "fio run " + wave + "/" + i + ":\n" + log);
                        assertTrue(log.contains("err= 0"), log);
                    }
                }
                samples.add(quietPoint(jcmd, pid, start));
            } while (System.nanoTime() < end);
            assertTrue(serve.process.toHandle().destroy(), "SIGTERM sent");
            assertTrue(serve.process.waitFor(60, TimeUnit.SECONDS), "serve did not exit on SIGTERM");
            final String out = serve.output();
            assertTrue(out.contains("cache committed and closed"), out);
            assertFalse(out.contains("OutOfMemoryError") || out.contains("SEVERE"), out);
        }
        try (WriteCache c = WriteCache.open(WriteCacheConfig.builder().cacheFile(cacheFile).backingFile(backing)
            .background(false).build())) {
            assertEquals(0, c.status().error(), "the cache reopens without error");
            c.writeback();
        } finally {
            Files.deleteIfExists(cacheFile);
        }
        final Sample first = samples.getFirst();
        final Sample last = samples.getLast();
        final String summary = summary(samples, fioRuns, killed, verifiedBytes, start);
        final Path report = Path.of("target", "soak", "serve-soak.md");
        Files.createDirectories(report.getParent());
        Files.writeString(report, summary);
        assertTrue(samples.size() >= 2, summary);
        assertTrue(last.heapKiB() <= first.heapKiB() + 32 * 1024, "heap grew:\n" + summary);
        assertTrue(last.threads() <= first.threads() + 4, "threads grew:\n" + summary);
        assertTrue(last.fds() <= first.fds() + 2, "file descriptors grew:\n" + summary);
    }

    /** Clients that connect and hang up at once, in the middle of the handshake, and in the middle of a write. */
    private static void hostileClients(final Path socket, final Random rnd) throws IOException {
        for (int kind = 0; kind < 3; kind++) {
            try (var ch = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
                ch.connect(java.net.UnixDomainSocketAddress.of(socket));
                if (kind == 0) {
                    continue;
                }
                ch.read(ByteBuffer.allocate(18));
                final ByteBuffer b = ByteBuffer.allocate(64);
                b.putInt(3).putLong(0x49484156454F5054L).putInt(1).putInt(0);
                if (kind == 1) {
                    ch.write(b.flip().limit(2 + rnd.nextInt(10)));
                    continue;
                }
                ch.write(b.flip());
                ch.read(ByteBuffer.allocate(10));
                ch.write(ByteBuffer.allocate(28 + 1000).putInt(0x25609513).putShort((short) 0).putShort((short) 1)
                    .putLong(1).putLong(0).putInt(32 << 20).position(0));
            }
        }
    }

    /** Waits (with a deadline) until no NBD session thread is left, then samples heap, threads and descriptors. */
    private static Sample quietPoint(final Path jcmd, final long pid, final long start) throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String threads;
        while ((threads = run(jcmd.toString(), Long.toString(pid), "Thread.print")).contains("\"nbd client")) {
            assertTrue(System.nanoTime() < deadline, "session threads left after every client went away:\n" + threads);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        run(jcmd.toString(), Long.toString(pid), "GC.run");
        final Matcher m = USED.matcher(run(jcmd.toString(), Long.toString(pid), "GC.heap_info"));
        assertTrue(m.find(), "no heap figure from jcmd");
        final int tasks;
        final int fds;
        try (var t = Files.list(Path.of("/proc", Long.toString(pid), "task"));
             var f = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            tasks = (int) t.count();
            fds = (int) f.count();
        }
        return new Sample(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), Long.parseLong(m.group(1)),
            tasks, fds);
    }

    private static String run(final String... cmd) throws IOException, InterruptedException {
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + ": " + out);
        return out;
    }

    private static String summary(final List<Sample> samples, final int fioRuns, final int killed,
                                  final long verifiedBytes, final long start) {
        final StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "serve soak: %d s, %d fio runs (%d killed "
                + "mid-run), %d MiB written and verified by the runs that finished, %d quiet points%n%n"
                + "| s | heap after GC (KiB) | threads | open fds |%n|---:|---:|---:|---:|%n",
            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start), fioRuns, killed, verifiedBytes >> 20,
            samples.size()));
        for (final Sample s : samples) {
            b.append(String.format(Locale.ROOT, "| %d | %,d | %d | %d |%n", s.seconds(), s.heapKiB(), s.threads(),
                s.fds()));
        }
        return b.toString();
    }
}
