package org.writecache.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.writecache.bench.cli.Cli;
import org.writecache.nbd.ExternalTool;
import org.writecache.nbd.NbdkitProcess;

/**
 * The {@code writecache} command with {@code backing.file} an NBD URI (nbdkit's file plugin): {@code format},
 * {@code serve} (nbdcopy writes a reference image through an 8 MiB cache, {@code qemu-img compare} reads the whole
 * export back), {@code flush} (after it, the NBD backing itself compares identical), {@code status} and
 * {@code bench} on a small run.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RemoteBackingTest {
    private static final long SIZE = 64L << 20;

    @TempDir
    Path dir;
    private final Path cacheFile = Path.of("/dev/shm", "writecache-remote-" + System.nanoTime() + ".wc");

    @BeforeEach
    void requireTools() {
        ExternalTool.require("nbdkit", "nbdkit");
        ExternalTool.require("nbdcopy", "libnbd-bin");
        ExternalTool.require("qemu-img", "qemu-utils");
    }

    @AfterEach
    void deleteCacheFile() throws IOException {
        Files.deleteIfExists(cacheFile);
        Files.deleteIfExists(Path.of(cacheFile + ".counters"));
    }

    private Path file(final String name, final long seed) throws IOException {
        final Path f = dir.resolve(name);
        final byte[] chunk = new byte[1 << 20];
        final Random rnd = new Random(seed);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (long at = 0; at < SIZE; at += chunk.length) {
                if (seed != 0) {
                    rnd.nextBytes(chunk);
                }
                ch.write(ByteBuffer.wrap(chunk), at);
            }
        }
        return f;
    }

    private static void assertIdentical(final Path reference, final String uri) throws Exception {
        final String out = ExternalTool.ok(reference.getParent(), "qemu-img", "compare", "-f", "raw", "-F", "raw",
            reference.toString(), uri);
        assertTrue(out.contains("identical"), uri + ": " + out);
    }

    @Test
    void serveAndFlushWithAnNbdBacking() throws Exception {
        final Path reference = file("reference.img", 11);
        final Path backing = file("backing.img", 0);
        try (NbdkitProcess nbdkit = NbdkitProcess.unix(dir, "file", "file=" + backing)) {
            final List<String> settings = List.of("-s", "cache.file=" + cacheFile, "-s", "cache.size=8m",
                "-s", "backing.file=" + nbdkit.uri(), "-s", "backing.timeout=20s");
            final Path socket = dir.resolve("serve.sock");
            try (ServeProcess serve = ServeProcess.start(dir.resolve("serve.log"), List.of(),
                concat(List.of("--socket", socket.toString()), settings))) {
                assertTrue(serve.servingLine.startsWith("serving " + SIZE + " bytes"), serve.servingLine);
                final String uri = "nbd+unix:///?socket=" + socket;
                ExternalTool.ok(dir, "nbdcopy", reference.toString(), uri);
                assertIdentical(reference, uri);
                assertTrue(serve.process.toHandle().destroy(), "SIGTERM sent");
                assertTrue(serve.process.waitFor(60, TimeUnit.SECONDS), "serve did not exit");
                assertTrue(serve.output().contains("cache committed and closed"), serve.output());
            }
            final Cli.Run status = Cli.run(concat(List.of("status"), settings).toArray(String[]::new));
            assertEquals(0, status.exit(), status.toString());
            final Cli.Run flush = Cli.run(concat(List.of("flush", "-q"), settings).toArray(String[]::new));
            assertEquals(0, flush.exit(), flush.toString());
            assertTrue(flush.out().contains("0 dirty now"), flush.out());
            assertIdentical(reference, nbdkit.uri());
        }
    }

    @Test
    void formatAndBenchWithAnNbdBacking() throws Exception {
        final Path backing = file("backing.img", 0);
        try (NbdkitProcess nbdkit = NbdkitProcess.unix(dir, "file", "file=" + backing)) {
            final Cli.Run format = Cli.run("format", "--cache-file", cacheFile.toString(), "--cache-size", "8m",
                "--backing-file", nbdkit.uri());
            assertEquals(0, format.exit(), format.toString());
            assertTrue(format.out().contains(nbdkit.uri()), format.out());
            final Cli.Run bench = Cli.run("bench", "--cache-file", cacheFile.toString(), "--cache-size", "8m",
                "--backing-file", nbdkit.uri(), "--backing-size", "64m", "--workloads", "rand-write-fua,writeback",
                "--threads", "1", "--backends", "ffm", "--flush-policies", "fence-only", "--runs", "1",
                "--warmup", "50ms", "--duration", "200ms", "--open-blocks", "0", "--overwrite", "--out",
                dir.resolve("report").toString());
            assertEquals(0, bench.exit(), bench.toString());
            assertTrue(Files.readString(dir.resolve("report").resolve("summary.md")).contains("rand-write-fua"));
            assertTrue(Files.exists(backing), "the bench deletes only local backing files it made");
            assertTrue(Files.exists(cacheFile), "the bench overwrites a cache file it did not create, never deletes it");
        }
    }

    private static List<String> concat(final List<String> a, final List<String> b) {
        final List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
