package org.writecache.nbd.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.writecache.TestBacking;
import org.writecache.nbd.NbdProtocol;
import org.writecache.nbd.ExternalTool;
import org.writecache.nbd.NbdkitProcess;

/** The NBD client device against real nbdkit servers on loopback: I/O, server constraints, failures, reconnects. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NbdBlockDeviceTest {
    private static final int BS = 4096;
    private static final long SIZE = 16L << 20;

    @TempDir
    Path dir;

    @BeforeEach
    void requireNbdkit() {
        ExternalTool.require("nbdkit", "nbdkit");
    }

    private static NbdClientSettings settings() {
        return NbdClientSettings.of(BS, 64).withReconnect(0, Duration.ZERO);
    }

    private static NbdBlockDevice open(final NbdkitProcess s, final NbdClientSettings settings) throws IOException {
        return NbdBlockDevice.open(NbdUri.parse(s.uri()), settings, 0);
    }

    private static byte[] random(final long seed, final int length) {
        final byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] read(final NbdBlockDevice d, final long offset, final int length) throws IOException {
        final ByteBuffer b = ByteBuffer.allocate(length);
        d.read(offset, b);
        assertEquals(length, b.position(), "read advances the buffer to its limit");
        return b.array();
    }

    private Path image() throws IOException {
        final Path img = dir.resolve("disk.img");
        try (FileChannel ch = FileChannel.open(img, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.truncate(0);
            ch.write(ByteBuffer.allocate(1), SIZE - 1);
        }
        return img;
    }

    @Test
    void readsWritesFuaQueuedWritesAndTrimsReachTheExportOverTcpAndUnixSockets() throws IOException {
        for (final boolean unix : new boolean[] {true, false}) {
            final Path img = image();
            try (NbdkitProcess s = unix ? NbdkitProcess.unix(dir, "file", "file=" + img)
                    : NbdkitProcess.tcp(dir, "file", "file=" + img);
                 NbdBlockDevice d = open(s, settings())) {
                assertEquals(SIZE, d.size());
                final int flags = d.transmissionFlags();
                assertTrue((flags & NbdProtocol.FLAG_SEND_FLUSH) != 0 && (flags & NbdProtocol.FLAG_SEND_FUA) != 0
                    && (flags & NbdProtocol.FLAG_SEND_TRIM) != 0, "nbdkit file offers flush, FUA and trim");
                final byte[] a = random(1, 3 * BS);
                final ByteBuffer src = ByteBuffer.wrap(a);
                d.write(BS, src);
                assertEquals(a.length, src.position(), "write advances the buffer to its limit");
                assertArrayEquals(a, read(d, BS, a.length));
                final byte[] b = random(2, BS);
                d.writeFua(10 * BS, ByteBuffer.wrap(b));
                assertArrayEquals(b, TestBacking.readFile(img, 10 * BS, BS),
                    "a FUA write is in the file when it returns");
                final List<byte[]> queued = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    queued.add(random(100 + i, BS));
                    d.writeQueued((20L + i) * BS, ByteBuffer.wrap(queued.get(i)));
                }
                d.sync();
                for (int i = 0; i < 100; i++) {
                    assertArrayEquals(queued.get(i), TestBacking.readFile(img, (20L + i) * BS, BS),
                        "queued write " + i);
                }
                d.discard(0, SIZE);
                d.sync();
                assertArrayEquals(new byte[BS], TestBacking.readFile(img, 10 * BS, BS),
                    "nbdkit file punches trimmed ranges");
            }
        }
    }

    @Test
    void requestsAreSplitToTheServersMaximumPayloadAndItsConstraintsAreHonoured() throws IOException {
        try (NbdkitProcess s = NbdkitProcess.unix(dir, "--filter=blocksize-policy", "memory", "size=" + SIZE,
                 "blocksize-minimum=4096", "blocksize-preferred=65536", "blocksize-maximum=65536",
                 "blocksize-error-policy=error");
             NbdBlockDevice d = open(s, NbdClientSettings.of(BS, 1024))) {
            assertEquals(65536, d.maxRequest(), "the server's maximum payload, not an eighth of the window (512 KiB)");
            final byte[] big = random(3, 1 << 20);
            d.write(BS, ByteBuffer.wrap(big));
            d.writeQueued(2 << 20, ByteBuffer.wrap(big));
            d.sync();
            assertArrayEquals(big, read(d, BS, big.length), "a 1 MiB write and read in 64 KiB requests");
            assertArrayEquals(big, read(d, 2 << 20, big.length));
        }
        try (NbdkitProcess s = NbdkitProcess.unix(dir, "--filter=blocksize-policy", "memory", "size=" + SIZE,
            "blocksize-minimum=8192", "blocksize-preferred=8192")) {
            final IOException e = assertThrows(IOException.class, () -> open(s, settings()));
            assertTrue(e.getMessage().contains("minimum block size of 8192") && e.getMessage().contains(s.uri()),
                e.getMessage());
        }
        try (NbdkitProcess s = NbdkitProcess.unix(dir, "-r", "memory", "size=" + SIZE)) {
            final IOException e = assertThrows(IOException.class, () -> open(s, settings()));
            assertTrue(e.getMessage().contains("read-only") && e.getMessage().contains(s.uri()), e.getMessage());
        }
    }

    @Test
    void queuedWritesOfOneBlockLandInTheOrderTheyWereIssued() throws IOException {
        try (NbdkitProcess s = NbdkitProcess.unix(dir, "--filter=delay", "memory", "size=" + SIZE,
                 "delay-write=1ms");
             NbdBlockDevice d = open(s, settings())) {
            byte[] last = null;
            for (int i = 0; i < 200; i++) {
                last = random(i, BS);
                d.writeQueued((i % 3) * BS, ByteBuffer.wrap(last));
                if (i % 3 == 2) {
                    assertArrayEquals(last, read(d, 2 * BS, BS), "a read waits for the write before it, " + i);
                }
            }
            d.sync();
            assertArrayEquals(last, read(d, (199 % 3) * BS, BS), "the last write of the block wins");
        }
    }

    @Test
    void theServersErrorsNameTheUriAndTheRangeAndAFailedQueuedWriteFailsEverySync() throws IOException {
        final Path trigger = dir.resolve("fail-writes");
        try (NbdkitProcess s = NbdkitProcess.unix(dir, "--filter=error", "memory", "size=" + SIZE,
                 "error-pwrite=EIO", "error-pwrite-rate=100%", "error-pwrite-file=" + trigger);
             NbdBlockDevice d = open(s, settings())) {
            d.write(0, ByteBuffer.wrap(random(4, BS)));
            Files.createFile(trigger);
            final IOException direct = assertThrows(IOException.class, () -> d.write(BS, ByteBuffer.allocate(BS)));
            assertTrue(direct.getMessage().contains(s.uri()) && direct.getMessage().contains("WRITE of bytes [4096, "
                + "8192)") && direct.getMessage().contains("EIO (5)"), direct.getMessage());
            d.writeQueued(2 * BS, ByteBuffer.allocate(BS));
            final IOException sync = assertThrows(IOException.class, d::sync);
            assertTrue(sync.getMessage().contains("[8192, 12288)") && sync.getMessage().contains("EIO"),
                sync.getMessage());
            Files.delete(trigger);
            assertThrows(IOException.class, d::sync, "the lost write is never forgotten by this device");
            assertArrayEquals(random(4, BS), read(d, 0, BS), "reads still work");
        }
    }

    @Test
    void aHungServerTimesOutInsteadOfHangingAndTheTimeoutIsNamed() throws IOException {
        try (NbdkitProcess s = NbdkitProcess.unix(dir, "--filter=delay", "memory", "size=" + SIZE, "delay-write=20");
             NbdBlockDevice d = open(s, settings().withRequestTimeout(Duration.ofMillis(300)))) {
            d.writeQueued(0, ByteBuffer.allocate(BS));
            final long start = System.nanoTime();
            final IOException e = assertThrows(IOException.class, d::sync);
            final long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(e.getMessage().contains("no reply within 300 ms") && e.getMessage().contains(s.uri()),
                e.getMessage());
            assertTrue(millis < 5_000, "timed out after " + millis + " ms");
        }
    }

    @Test
    void aKilledServerFailsTheSyncOfWritesItMayHaveLost() throws Exception {
        try (NbdkitProcess s = NbdkitProcess.unix(dir, "memory", "size=" + SIZE);
             NbdBlockDevice d = open(s, NbdClientSettings.of(BS, 64))) {
            d.write(0, ByteBuffer.wrap(random(5, BS)));
            s.kill();
            s.start();
            final IOException e = assertThrows(IOException.class, d::sync);
            assertTrue(e.getMessage().contains("not yet flushed") && e.getMessage().contains(s.uri()),
                e.getMessage());
            assertEquals(1, d.reconnects(), "reads go on over a new connection");
            assertArrayEquals(new byte[BS], read(d, 0, BS), "the restarted memory server lost the write");
        }
    }

    @Test
    void anIdleConnectionLostWithEverythingFlushedIsReestablishedTransparently() throws Exception {
        final Path img = image();
        try (NbdkitProcess s = NbdkitProcess.unix(dir, "file", "file=" + img);
             NbdBlockDevice d = open(s, NbdClientSettings.of(BS, 64))) {
            final byte[] a = random(6, BS);
            d.write(0, ByteBuffer.wrap(a));
            d.sync();
            s.kill();
            s.start();
            assertArrayEquals(a, read(d, 0, BS));
            d.writeQueued(BS, ByteBuffer.wrap(a));
            d.sync();
            assertEquals(1, d.reconnects());
            assertArrayEquals(a, TestBacking.readFile(img, BS, BS));
        }
    }

    @Test
    void reconnectingGivesUpAfterItsAttemptsWithDoublingBackoff() throws Exception {
        final List<Duration> pauses = new ArrayList<>();
        try (NbdkitProcess s = NbdkitProcess.unix(dir, "memory", "size=" + SIZE);
             NbdBlockDevice d = NbdBlockDevice.open(NbdUri.parse(s.uri()),
                 NbdClientSettings.of(BS, 64).withReconnect(3, Duration.ofMillis(50)), 0, pauses::add)) {
            s.kill();
            final IOException e = assertThrows(IOException.class, () -> read(d, 0, BS));
            assertTrue(e.getMessage().contains("not re-established in 3 attempts") && e.getMessage().contains(s.uri()),
                e.getMessage());
            assertEquals(List.of(Duration.ofMillis(50), Duration.ofMillis(100)), pauses.subList(0, 2));
        }
    }
}
