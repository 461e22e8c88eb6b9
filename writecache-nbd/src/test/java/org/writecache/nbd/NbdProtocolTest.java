package org.writecache.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server against hand-made messages: the handshake, every command, and malformed or hostile input. */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NbdProtocolTest {
    private static final long SIZE = 64L << 20;
    private static final int FLAGS = NbdProtocol.FLAG_HAS_FLAGS | NbdProtocol.FLAG_SEND_FLUSH
        | NbdProtocol.FLAG_SEND_FUA | NbdProtocol.FLAG_SEND_TRIM | NbdProtocol.FLAG_SEND_WRITE_ZEROES
        | NbdProtocol.FLAG_CAN_MULTI_CONN;

    private NbdFixture fx;
    private Path socket;

    @BeforeEach
    void start() throws IOException {
        fx = NbdFixture.unix();
        socket = fx.dir.resolve("nbd.sock");
    }

    @AfterEach
    void stop() throws IOException {
        fx.close();
    }

    private RawNbdClient client() throws IOException {
        return new RawNbdClient(socket);
    }

    private static byte[] pattern(final int seed, final int length) {
        final byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed * 31 + i * 7 + (i >> 9));
        }
        return b;
    }

    /** A fresh client can still write and read: the server survived whatever came before. */
    private void assertServes() throws IOException {
        try (RawNbdClient c = client()) {
            assertEquals(FLAGS, c.go());
            final byte[] data = pattern(5, 8192);
            assertEquals(0, c.write(40960, data, true));
            assertArrayEquals(data, c.read(40960, 8192));
        }
    }

    @Test
    void optionHagglingAnswersEveryOptionAndRefusesWhatItDoesNotKnow() throws IOException {
        try (RawNbdClient c = client()) {
            assertEquals(NbdProtocol.FLAG_FIXED_NEWSTYLE | NbdProtocol.FLAG_NO_ZEROES,
                c.greet(NbdProtocol.FLAG_C_FIXED_NEWSTYLE));

            c.option(NbdProtocol.OPT_INFO, RawNbdClient.goData("wc", NbdProtocol.INFO_NAME,
                NbdProtocol.INFO_BLOCK_SIZE, 0x7777));
            final List<RawNbdClient.OptionReply> replies = new ArrayList<>();
            RawNbdClient.OptionReply r;
            do {
                r = c.optionReply();
                assertEquals(NbdProtocol.OPT_INFO, r.option());
                replies.add(r);
            } while (r.type() == NbdProtocol.REP_INFO);
            assertEquals(NbdProtocol.REP_ACK, r.type());
            final ByteBuffer export = info(replies, NbdProtocol.INFO_EXPORT);
            assertEquals(SIZE, export.getLong());
            assertEquals(FLAGS, Short.toUnsignedInt(export.getShort()));
            final ByteBuffer sizes = info(replies, NbdProtocol.INFO_BLOCK_SIZE);
            assertEquals(4096, sizes.getInt(), "minimum block size");
            assertEquals(4096, sizes.getInt(), "preferred block size");
            assertEquals(NbdProtocol.MAX_PAYLOAD, sizes.getInt(), "maximum payload");
            assertEquals("wc", StandardCharsets.UTF_8.decode(info(replies, NbdProtocol.INFO_NAME)).toString());

            c.option(NbdProtocol.OPT_LIST, new byte[0]);
            r = c.optionReply();
            assertEquals(NbdProtocol.REP_SERVER, r.type());
            assertArrayEquals(new byte[] {0, 0, 0, 2, 'w', 'c'}, r.data());
            assertEquals(NbdProtocol.REP_ACK, c.optionReply().type());

            c.option(NbdProtocol.OPT_LIST, new byte[3]);
            assertEquals(NbdProtocol.REP_ERR_INVALID, c.optionReply().type(), "LIST with data");
            c.option(8, new byte[0]);
            assertEquals(NbdProtocol.REP_ERR_UNSUP, c.optionReply().type(), "structured replies are not offered");
            c.option(0x1234, new byte[] {1, 2, 3});
            final RawNbdClient.OptionReply unknown = c.optionReply();
            assertEquals(0x1234, unknown.option());
            assertEquals(NbdProtocol.REP_ERR_UNSUP, unknown.type());
            c.option(NbdProtocol.OPT_GO, RawNbdClient.goData("nosuch"));
            assertEquals(NbdProtocol.REP_ERR_UNKNOWN, c.optionReply().type(), "unknown export name");
            c.option(NbdProtocol.OPT_GO, new byte[] {0, 0, 1, 0, 'x', 0, 0});
            assertEquals(NbdProtocol.REP_ERR_INVALID, c.optionReply().type(), "name length beyond the data");
            c.option(NbdProtocol.OPT_GO, new byte[] {0, 0, 0, 0, 0, 2, 0, 3});
            assertEquals(NbdProtocol.REP_ERR_INVALID, c.optionReply().type(), "two requests, one present");
            c.option(NbdProtocol.OPT_INFO, new byte[2]);
            assertEquals(NbdProtocol.REP_ERR_INVALID, c.optionReply().type(), "short INFO data");

            c.option(NbdProtocol.OPT_ABORT, new byte[0]);
            assertEquals(NbdProtocol.REP_ACK, c.optionReply().type());
            assertTrue(c.closedByServer(), "the server ends the session after NBD_OPT_ABORT");
        }
        assertServes();
    }

    private static ByteBuffer info(final List<RawNbdClient.OptionReply> replies, final int type) {
        return replies.stream().filter(r -> r.type() == NbdProtocol.REP_INFO)
            .map(r -> ByteBuffer.wrap(r.data())).filter(b -> b.getShort(0) == type)
            .findFirst().orElseThrow(() -> new AssertionError("no NBD_INFO " + type + " reply")).position(2);
    }

    @Test
    void exportNameEntersTransmissionWithTheZeroPaddingUnlessRefused() throws IOException {
        for (final boolean noZeroes : new boolean[] {false, true}) {
            try (RawNbdClient c = client()) {
                c.greet(NbdProtocol.FLAG_C_FIXED_NEWSTYLE | (noZeroes ? NbdProtocol.FLAG_C_NO_ZEROES : 0));
                c.option(NbdProtocol.OPT_EXPORT_NAME, "wc".getBytes(StandardCharsets.UTF_8));
                assertEquals(SIZE, c.in.readLong());
                assertEquals(FLAGS, c.in.readUnsignedShort());
                if (!noZeroes) {
                    final byte[] pad = new byte[124];
                    c.in.readFully(pad);
                    assertArrayEquals(new byte[124], pad);
                }
                final byte[] data = pattern(noZeroes ? 2 : 1, 4096);
                assertEquals(0, c.write(0, data, false));
                assertArrayEquals(data, c.read(0, 4096), "noZeroes=" + noZeroes);
            }
        }
        try (RawNbdClient c = client()) {
            c.greet(NbdProtocol.FLAG_C_FIXED_NEWSTYLE);
            c.option(NbdProtocol.OPT_EXPORT_NAME, "nosuch".getBytes(StandardCharsets.UTF_8));
            assertTrue(c.closedByServer(), "NBD_OPT_EXPORT_NAME of an unknown export ends the session");
        }
    }

    @Test
    void everyCommandWorksAndBadRequestsGetTheirErrorWithoutEndingTheSession() throws IOException {
        try (RawNbdClient c = client()) {
            assertEquals(FLAGS, c.go());
            final byte[] data = pattern(3, 3 * 4096);
            assertEquals(0, c.write(4096, data, false));
            assertArrayEquals(data, c.read(4096, data.length));
            c.request(NbdProtocol.CMD_FLUSH, 0, 100, 0, 0);
            assertEquals(new RawNbdClient.Reply(0, 100), c.reply());
            c.request(NbdProtocol.CMD_WRITE_ZEROES, NbdProtocol.CMD_FLAG_NO_HOLE | NbdProtocol.CMD_FLAG_FUA, 101,
                4096 + 100, 5000);
            assertEquals(new RawNbdClient.Reply(0, 101), c.reply());
            final byte[] zeroed = data.clone();
            Arrays.fill(zeroed, 100, 5100, (byte) 0);
            assertArrayEquals(zeroed, c.read(4096, data.length), "WRITE_ZEROES of an unaligned range");
            c.request(NbdProtocol.CMD_TRIM, 0, 102, 0, 1 << 20);
            assertEquals(new RawNbdClient.Reply(0, 102), c.reply());
            final byte[] kept = pattern(4, 4096);
            assertEquals(0, c.write(0, kept, false));
            assertEquals(0, c.write(SIZE - 4096, kept, false));

            final long[][] bad = {
                // type, flags, offset, length, expected error
                {42, 0, 0, 4096, NbdProtocol.EINVAL},
                {NbdProtocol.CMD_READ, 0, SIZE - 4096, 8192, NbdProtocol.EINVAL},
                {NbdProtocol.CMD_READ, 0, -4096, 4096, NbdProtocol.EINVAL},
                {NbdProtocol.CMD_READ, 0, 0, NbdProtocol.MAX_PAYLOAD + 4096L, NbdProtocol.EINVAL},
                {NbdProtocol.CMD_READ, 1 << 7, 0, 4096, NbdProtocol.EINVAL},
                {NbdProtocol.CMD_TRIM, 0, SIZE, 4096, NbdProtocol.EINVAL},
                {NbdProtocol.CMD_WRITE_ZEROES, 0, SIZE - 512, 1024, NbdProtocol.ENOSPC},
                {NbdProtocol.CMD_WRITE_ZEROES, 1 << 4, 0, 4096, NbdProtocol.EINVAL},
                {NbdProtocol.CMD_FLUSH, 0, 4096, 0, NbdProtocol.EINVAL},
            };
            long cookie = 1000;
            for (final long[] b : bad) {
                c.request((int) b[0], (int) b[1], cookie, b[2], (int) b[3]);
                assertEquals(new RawNbdClient.Reply((int) b[4], cookie), c.reply(), "request " + Arrays.toString(b));
                cookie++;
            }
            c.request(NbdProtocol.CMD_WRITE, 0, cookie, SIZE - 4096, 8192);
            c.out.write(new byte[8192]);
            assertEquals(new RawNbdClient.Reply(NbdProtocol.ENOSPC, cookie), c.reply(), "write beyond the end");
            c.request(NbdProtocol.CMD_WRITE, 1 << 6, ++cookie, 0, 4096);
            c.out.write(new byte[4096]);
            assertEquals(new RawNbdClient.Reply(NbdProtocol.EINVAL, cookie), c.reply(), "write with unknown flag");
            assertArrayEquals(kept, c.read(0, 4096), "the rejected write wrote nothing");
            assertArrayEquals(kept, c.read(SIZE - 4096, 4096), "the write beyond the end wrote nothing");

            c.request(NbdProtocol.CMD_DISC, 0, 0, 0, 0);
            assertTrue(c.closedByServer(), "NBD_CMD_DISC ends the session");
        }
    }

    @Test
    void malformedOrTruncatedMessagesEndOnlyTheirOwnSession() throws IOException {
        try (RawNbdClient idle = client()) {
            idle.greet(NbdProtocol.FLAG_C_FIXED_NEWSTYLE);
            idle.out.writeLong(NbdProtocol.IHAVEOPT);

            try (RawNbdClient c = client()) {
                c.greet(0x80);
                assertTrue(c.closedByServer(), "unknown client flags");
            }
            try (RawNbdClient c = client()) {
                c.greet(NbdProtocol.FLAG_C_FIXED_NEWSTYLE);
                violate(c, () -> {
                    c.out.writeLong(0x1122334455667788L);
                    c.out.writeLong(0);
                });
                assertTrue(c.closedByServer(), "bad option magic");
            }
            try (RawNbdClient c = client()) {
                c.greet(NbdProtocol.FLAG_C_FIXED_NEWSTYLE);
                violate(c, () -> {
                    c.out.writeLong(NbdProtocol.IHAVEOPT);
                    c.out.writeInt(NbdProtocol.OPT_GO);
                    c.out.writeInt(-1);
                });
                assertTrue(c.closedByServer(), "option data of 4 GiB");
            }
            try (RawNbdClient c = client()) {
                c.go();
                violate(c, () -> {
                    c.out.writeInt(0x12560953);
                    c.out.write(new byte[24]);
                });
                assertTrue(c.closedByServer(), "bad request magic");
            }
            try (RawNbdClient c = client()) {
                c.go();
                violate(c, () -> c.request(NbdProtocol.CMD_WRITE, 0, 1, 0, NbdProtocol.MAX_PAYLOAD + 1));
                assertTrue(c.closedByServer(), "write payload beyond the maximum");
            }
            try (RawNbdClient c = client()) {
                c.go();
                c.request(NbdProtocol.CMD_WRITE, 0, 1, 0, 8192);
                c.out.write(new byte[100]);
            }
            try (RawNbdClient c = client()) {
                c.go();
                c.out.writeInt(NbdProtocol.REQUEST_MAGIC);
                c.out.writeShort(0);
            }
            try (RawNbdClient c = client()) {
                c.greet(NbdProtocol.FLAG_C_FIXED_NEWSTYLE);
                c.out.writeLong(NbdProtocol.IHAVEOPT);
                c.out.writeInt(NbdProtocol.OPT_GO);
                c.out.writeInt(100);
                c.out.write(new byte[10]);
            }
            assertServes();
            assertArrayEquals(new byte[8192], fxRead(0, 8192), "the truncated write wrote nothing");
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (fx.server.activeSessions() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(0, fx.server.activeSessions(), "every session thread ended after its client went away");
    }

    /** Sending part of a message. */
    private interface Send {
        void run() throws IOException;
    }

    /**
     * Sends a protocol violation. The server may hang up as soon as it has read the offending part, before the rest
     * arrives, so a write failing with a broken pipe here is the expected disconnect, checked by the caller.
     */
    private static void violate(final RawNbdClient c, final Send send) {
        try {
            send.run();
            c.out.flush();
        } catch (final IOException hungUp) {
            // the server ended the session first; closedByServer() checks it ended cleanly
        }
    }

    private byte[] fxRead(final long offset, final int length) throws IOException {
        final ByteBuffer b = ByteBuffer.allocate(length);
        fx.cache.read(offset, b);
        return b.array();
    }
}
