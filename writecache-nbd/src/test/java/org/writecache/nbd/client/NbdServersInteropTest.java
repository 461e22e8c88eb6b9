package org.writecache.nbd.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.writecache.TestBacking;
import org.writecache.WriteCache;
import org.writecache.WriteCacheConfig;
import org.writecache.format.CacheLayout;
import org.writecache.nbd.ExternalTool;
import org.writecache.nbd.NbdProtocol;
import org.writecache.pmem.MappedPersistentMemory;

/**
 * The cache in front of the NBD servers people run besides nbdkit: qemu-nbd (qemu's NBD server, the one
 * qemu-storage-daemon exports with) on a Unix socket and nbd-server (the reference server) on TCP. Each gets a cache
 * whose writes are written back and then compared with the server's file byte for byte.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NbdServersInteropTest {
    private static final int BS = 4096;
    private static final long SIZE = 16L << 20;

    @TempDir
    Path dir;

    private Path image() throws IOException {
        final Path img = dir.resolve("disk.img");
        try (FileChannel ch = FileChannel.open(img, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(1), SIZE - 1);
        }
        return img;
    }

    /** Starts a daemon that writes its pid to {@code pidFile}; waits for the file; returns the process. */
    private static ProcessHandle start(final Path pidFile, final Path log, final List<String> cmd) throws IOException {
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(pidFile) || Files.size(pidFile) == 0) {
            if (System.nanoTime() > deadline || !p.isAlive() && p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " did not start:\n" + Files.readString(log));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
        final long pid = Long.parseLong(Files.readString(pidFile).strip());
        return ProcessHandle.of(pid).orElseThrow(() -> new IOException("no process " + pid));
    }

    private static void stop(final ProcessHandle server) {
        server.destroyForcibly();
        server.onExit().join();
    }

    /** A cache in front of {@code uri}: random blocks written durably, written back, the file checked. */
    private void cacheWritesBackTo(final String uri, final Path img, final int expectFlags) throws IOException {
        final Path cacheFile = Path.of("/dev/shm", "writecache-interop-" + System.nanoTime() + ".wc");
        final WriteCacheConfig c = WriteCacheConfig.builder().cacheFile(cacheFile)
            .cacheSize(CacheLayout.regionSize(128, BS)).backingSize(SIZE).background(false).prefault(false)
            .writebackJobs(64).build();
        final Random rnd = new Random(7);
        final byte[][] written = new byte[(int) (SIZE / BS)][];
        try (NbdBlockDevice d = NbdBlockDevice.open(NbdUri.parse(uri), NbdClientSettings.of(BS, 64), SIZE)) {
            assertEquals(expectFlags, d.transmissionFlags() & expectFlags, "flags the server offers");
        }
        try (WriteCache cache = WriteCache.format(c, MappedPersistentMemory.create(cacheFile, c.cacheSize(),
                 c.flushPolicy(), false),
                 NbdBlockDevice.open(NbdUri.parse(uri), NbdClientSettings.of(BS, 64), SIZE))) {
            for (int i = 0; i < 400; i++) {
                final int b = i < 100 ? i : rnd.nextInt(written.length);
                written[b] = new byte[BS];
                rnd.nextBytes(written[b]);
                cache.write((long) b * BS, ByteBuffer.wrap(written[b]), i % 10 == 0);
                if (i % 50 == 0) {
                    cache.doWork();
                }
            }
            cache.writeback();
            cache.discard(200L * BS, 8L * BS);
        } finally {
            Files.deleteIfExists(cacheFile);
        }
        for (int b = 0; b < written.length; b++) {
            if (written[b] != null && (b < 200 || b >= 208)) {
                assertArrayEquals(written[b], TestBacking.readFile(img, (long) b * BS, BS), uri + " block " + b);
            }
        }
    }

    @Test
    void qemuNbd() throws IOException {
        ExternalTool.require("qemu-nbd", "qemu-utils");
        final Path img = image();
        final Path socket = dir.resolve("qemu.sock");
        final ProcessHandle server = start(dir.resolve("qemu.pid"), dir.resolve("qemu.log"), List.of("qemu-nbd",
            "-f", "raw", "-k", socket.toString(), "--pid-file=" + dir.resolve("qemu.pid"), "--shared=8",
            "--discard=unmap", "--persistent", img.toString()));
        try {
            cacheWritesBackTo("nbd+unix:///?socket=" + socket, img, NbdProtocol.FLAG_SEND_FLUSH
                | NbdProtocol.FLAG_SEND_FUA | NbdProtocol.FLAG_SEND_TRIM);
        } finally {
            stop(server);
        }
    }

    @Test
    void nbdServer() throws IOException {
        ExternalTool.require("nbd-server", "nbd-server");
        final Path img = image();
        final int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        final Path conf = dir.resolve("nbd-server.conf");
        Files.writeString(conf, String.join("\n", "[generic]", "listenaddr = 127.0.0.1", "port = " + port,
            "[disk]", "exportname = " + img, "flush = true", "fua = true", "trim = true", ""));
        final ProcessHandle server = start(dir.resolve("nbd-server.pid"), dir.resolve("nbd-server.log"),
            List.of("nbd-server", "-C", conf.toString(), "-p", dir.resolve("nbd-server.pid").toString()));
        try {
            cacheWritesBackTo("nbd://127.0.0.1:" + port + "/disk", img, NbdProtocol.FLAG_SEND_FLUSH
                | NbdProtocol.FLAG_SEND_FUA);
        } finally {
            stop(server);
        }
        assertTrue(Files.size(img) == SIZE);
    }
}
