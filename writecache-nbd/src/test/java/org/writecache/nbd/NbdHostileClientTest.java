package org.writecache.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.writecache.BlockDevice;
import org.writecache.FileBlockDevice;
import org.writecache.WriteCacheException;
import org.writecache.fault.DeviceOperation;
import org.writecache.fault.FaultTrigger;
import org.writecache.fault.FaultyBlockDevice;

/**
 * The server against clients that try to take it down: many connections announcing huge writes and sending one byte,
 * more connections than allowed, handshakes that never finish, a session thread that dies, and a cache in its error
 * state answering every request with EIO. Each must cost bounded memory and leave other sessions and the cache alone.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NbdHostileClientTest {
    private static final int ATTACKERS = 40;

    private static byte[] pattern(final int seed, final int length) {
        final byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed * 31 + i * 7 + (i >> 9));
        }
        return b;
    }

    /** A fresh client writes durably and reads back: the server and its cache still serve. */
    private static void assertServes(final NbdFixture fx, final int seed) throws IOException {
        try (RawNbdClient c = new RawNbdClient(fx.dir.resolve("nbd.sock"))) {
            c.go();
            final byte[] data = pattern(seed, 64 << 10);
            assertEquals(0, c.write(1 << 20, data, true));
            assertArrayEquals(data, c.read(1 << 20, data.length));
        }
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getTotalThreadAllocatedBytes();
    }

    private static boolean writebackThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
            .anyMatch(t -> t.getName().equals("writecache-writeback") && t.isAlive());
    }

    private static void awaitNoSessions(final NbdServer server) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.activeSessions() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(0, server.activeSessions(), "every session ended");
    }

    /**
     * The attack that ran a 1 GiB server out of heap: 40 connections each announce a 32 MiB write and send one byte.
     * Every session thread's allocations are measured (the JVM's per-thread allocation counters, independent of the
     * server's own accounting): they stay far below what the announcements ask for, a well-behaved client is served
     * while the attackers hang on, the stalled sessions are ended by the request timeout, and the cache, its
     * writeback thread included, is untouched.
     */
    @Test
    void clientsAnnouncingHugeWritesCostBoundedMemoryAndStarveNoOne() throws IOException {
        final NbdServerLimits limits = NbdServerLimits.defaults().withRequestTimeout(Duration.ofMillis(1500));
        try (NbdFixture fx = NbdFixture.unix(limits, null)) {
            final long before = allocatedBytes();
            final List<RawNbdClient> attackers = new ArrayList<>();
            try {
                for (int i = 0; i < ATTACKERS; i++) {
                    final RawNbdClient a = new RawNbdClient(fx.dir.resolve("nbd.sock"));
                    attackers.add(a);
                    a.go();
                    a.request(NbdProtocol.CMD_WRITE, 0, i, 0, NbdProtocol.MAX_PAYLOAD);
                    a.out.write(0x55);
                    a.out.flush();
                }
                assertServes(fx, 1);
                for (final RawNbdClient a : attackers) {
                    assertTrue(a.closedByServer(), "a client stalled in mid-request is disconnected");
                }
            } finally {
                for (final RawNbdClient a : attackers) {
                    a.close();
                }
            }
            final long allocated = allocatedBytes() - before;
            final long announced = (long) ATTACKERS * NbdProtocol.MAX_PAYLOAD;
            assertTrue(allocated < announced / 5, "the server allocated " + (allocated >> 20) + " MiB for " + ATTACKERS
                + " announced writes of " + (NbdProtocol.MAX_PAYLOAD >> 20) + " MiB (bound: "
                + (limits.maxBufferedBytes() >> 20) + " MiB of buffers)");
            awaitNoSessions(fx.server);
            assertEquals(0, fx.cache.status().error(), "the cache is not in the error state");
            assertTrue(writebackThreadAlive(), "the writeback thread survived");
            assertServes(fx, 2);
            fx.cache.writeback();
            assertEquals(0, fx.cache.status().dirtyBlocks(), "writeback still runs");
        }
    }

    @Test
    void connectionsBeyondTheCapAreClosedAtOnceAndASlotFreesWhenOneLeaves() throws IOException {
        try (NbdFixture fx = NbdFixture.unix(NbdServerLimits.defaults().withMaxConnections(3), null)) {
            final List<RawNbdClient> open = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    final RawNbdClient c = new RawNbdClient(fx.dir.resolve("nbd.sock"));
                    open.add(c);
                    c.go();
                }
                try (RawNbdClient extra = new RawNbdClient(fx.dir.resolve("nbd.sock"))) {
                    assertTrue(extra.closedByServer(), "the fourth connection is closed without a greeting");
                }
                assertArrayEquals(new byte[4096], open.get(2).read(0, 4096), "the open sessions still serve");
                open.remove(0).close();
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (fx.server.activeSessions() > 2 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                assertServes(fx, 3);
            } finally {
                for (final RawNbdClient c : open) {
                    c.close();
                }
            }
        }
    }

    @Test
    void handshakesThatDoNotFinishInTimeAreEnded() throws IOException {
        final NbdServerLimits limits = NbdServerLimits.defaults().withHandshakeTimeout(Duration.ofMillis(300));
        try (NbdFixture fx = NbdFixture.unix(limits, null);
             RawNbdClient silent = new RawNbdClient(fx.dir.resolve("nbd.sock"));
             RawNbdClient halfway = new RawNbdClient(fx.dir.resolve("nbd.sock"))) {
            halfway.greet(NbdProtocol.FLAG_C_FIXED_NEWSTYLE);
            halfway.out.writeLong(NbdProtocol.IHAVEOPT);
            halfway.out.flush();
            assertServes(fx, 4);
            assertTrue(halfway.closedByServer(), "a client that stops in the middle of option haggling");
            silent.in.readFully(new byte[NbdOptions.GREETING_SIZE]);
            assertTrue(silent.closedByServer(), "a client that never answers the greeting");
            awaitNoSessions(fx.server);
        }
    }

    /** A device whose reads of block 0 throw an Error, as an allocation failure on a session thread would. */
    private record DyingOnRead(BlockDevice inner) implements BlockDevice {
        @Override
        public void read(final long offset, final ByteBuffer dst) throws IOException {
            if (offset == 0) {
                throw new OutOfMemoryError("simulated on a session thread");
            }
            inner.read(offset, dst);
        }

        @Override
        public long size() {
            return inner.size();
        }

        @Override
        public void write(final long offset, final ByteBuffer src) throws IOException {
            inner.write(offset, src);
        }

        @Override
        public void sync() throws IOException {
            inner.sync();
        }

        @Override
        public String describe() {
            return inner.describe();
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }
    }

    @Test
    void aSessionThreadThatDiesEndsOnlyItsSession() throws IOException {
        try (NbdFixture fx = NbdFixture.unix(NbdServerLimits.defaults(),
                 c -> new DyingOnRead(FileBlockDevice.create(c.backingFile(), c.backingSize(), null)));
             RawNbdClient other = new RawNbdClient(fx.dir.resolve("nbd.sock"));
             RawNbdClient victim = new RawNbdClient(fx.dir.resolve("nbd.sock"))) {
            other.go();
            victim.go();
            victim.request(NbdProtocol.CMD_READ, 0, 1, 0, 4096);
            victim.out.flush();
            assertTrue(victim.closedByServer(), "the session whose thread failed ends");
            final byte[] data = pattern(5, 8192);
            assertEquals(0, other.write(8192, data, true), "another session goes on");
            assertArrayEquals(data, other.read(8192, data.length));
            assertEquals(0, fx.cache.status().error());
            assertTrue(writebackThreadAlive(), "the writeback thread survived");
        }
    }

    /** Collects what the NBD server logs. */
    private static final class Records extends Handler {
        final List<LogRecord> records = new CopyOnWriteArrayList<>();

        @Override
        public void publish(final LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        long withStackTrace() {
            return records.stream().filter(r -> r.getThrown() != null).count();
        }
    }

    @Test
    void whileTheCacheIsInItsErrorStateTheFirstFailedRequestIsLoggedInFullAndTheRestCounted() throws IOException {
        final Logger jul = Logger.getLogger("org.writecache.nbd");
        final Records log = new Records();
        jul.addHandler(log);
        try {
            final int requests = 48;
            try (NbdFixture fx = NbdFixture.unix(NbdServerLimits.defaults(), c -> new FaultyBlockDevice(
                     FileBlockDevice.create(c.backingFile(), c.backingSize(), null))
                     .failing(DeviceOperation.WRITE, FaultTrigger.always()));
                 RawNbdClient c = new RawNbdClient(fx.dir.resolve("nbd.sock"))) {
                c.go();
                assertEquals(0, c.write(0, pattern(6, 4096), true));
                try {
                    fx.cache.writeback();
                } catch (final WriteCacheException expected) {
                    // the backing write fails: the cache enters its error state
                }
                assertEquals(5, fx.cache.status().error());
                for (int i = 0; i < requests; i++) {
                    assertEquals(NbdProtocol.EIO, c.write(4096L * i, pattern(i, 4096), false), "request " + i);
                }
                assertEquals(1, log.withStackTrace(), "one failure in full: " + log.records.size() + " records");
                assertTrue(log.records.size() <= 2, log.records.size() + " records for " + requests + " failures");
            }
            assertTrue(log.records.stream().anyMatch(r -> r.getParameters() != null && r.getParameters().length > 0
                    && Long.valueOf(requests - 1).equals(r.getParameters()[0])),
                "the count of the others is logged when the server closes");
        } finally {
            jul.removeHandler(log);
        }
    }
}
