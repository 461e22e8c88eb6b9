package org.writecache.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.writecache.WriteCache;
import org.writecache.WriteCacheConfig;
import org.writecache.nbd.NbdProtocol;

/**
 * {@code writecache serve} in its own JVM: on SIGTERM it commits and closes the cache before it exits; killed with
 * SIGKILL it loses no write acknowledged with FUA. Autocommit is pushed out of reach so only those paths commit.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ServeCommandTest {
    @TempDir
    Path dir;

    private final Path cacheFile = Path.of("/dev/shm").resolve("writecache-serve-test-" + System.nanoTime() + ".wc");
    private ServeProcess serve;
    private Process server;

    @AfterEach
    void cleanUp() throws Exception {
        if (serve != null) {
            serve.close();
        }
        Files.deleteIfExists(cacheFile);
    }

    private Path startServe() throws IOException {
        final Path socket = dir.resolve("nbd.sock");
        serve = ServeProcess.start(dir.resolve("serve.log"), List.of(), List.of("--socket", socket.toString(),
            "-s", "cache.file=" + cacheFile, "-s", "cache.size=8m",
            "-s", "backing.file=" + dir.resolve("backing.img"), "-s", "backing.size=16m",
            "-s", "autocommit.blocks=100000", "-s", "autocommit.time=1h"));
        server = serve.process;
        assertTrue(serve.servingLine.contains("nbd+unix:///writecache?socket=" + socket), serve.servingLine);
        return socket;
    }

    private static byte[] filled(final int value, final int length) {
        final byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }

    /** Connects with NBD_OPT_EXPORT_NAME and writes each {offset, data, fua} in turn, checking every reply. */
    private static void writeOverNbd(final Path socket, final Object[]... writes) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            final DataInputStream in = new DataInputStream(Channels.newInputStream(ch));
            final DataOutputStream out = new DataOutputStream(Channels.newOutputStream(ch));
            in.readNBytes(18);
            out.writeInt(NbdProtocol.FLAG_C_FIXED_NEWSTYLE | NbdProtocol.FLAG_C_NO_ZEROES);
            out.writeLong(NbdProtocol.IHAVEOPT);
            out.writeInt(NbdProtocol.OPT_EXPORT_NAME);
            out.writeInt(0);
            in.readNBytes(10);
            long cookie = 1;
            for (final Object[] w : writes) {
                final byte[] data = (byte[]) w[1];
                out.writeInt(NbdProtocol.REQUEST_MAGIC);
                out.writeShort((Boolean) w[2] ? NbdProtocol.CMD_FLAG_FUA : 0);
                out.writeShort(NbdProtocol.CMD_WRITE);
                out.writeLong(cookie);
                out.writeLong((Long) w[0]);
                out.writeInt(data.length);
                out.write(data);
                assertEquals(NbdProtocol.SIMPLE_REPLY_MAGIC, in.readInt());
                assertEquals(0, in.readInt(), "write error");
                assertEquals(cookie++, in.readLong());
            }
        }
    }

    private WriteCache reopen() throws IOException {
        return WriteCache.open(WriteCacheConfig.builder().cacheFile(cacheFile)
            .backingFile(dir.resolve("backing.img")).background(false).build());
    }

    private static byte[] read(final WriteCache c, final long offset, final int length) throws IOException {
        final ByteBuffer dst = ByteBuffer.allocate(length);
        c.read(offset, dst);
        return dst.array();
    }

    @Test
    void sigtermCommitsWritesThatWereNeverFlushed() throws Exception {
        final Path socket = startServe();
        writeOverNbd(socket, new Object[] {4096L, filled(0x3c, 8192), false});
        assertTrue(server.toHandle().destroy(), "SIGTERM sent");
        assertTrue(server.waitFor(30, TimeUnit.SECONDS), "serve did not exit on SIGTERM");
        assertTrue(serve.output().contains("cache committed and closed"), serve.output());
        assertTrue(Files.notExists(socket), "the socket file is removed");
        try (WriteCache c = reopen()) {
            assertEquals(2, c.status().dirtyBlocks(), "the unflushed write was committed at shutdown");
            assertArrayEquals(filled(0x3c, 8192), read(c, 4096, 8192));
        }
    }

    @Test
    void sigkillKeepsEveryWriteAcknowledgedWithFua() throws Exception {
        final Path socket = startServe();
        writeOverNbd(socket,
            new Object[] {0L, filled(0x11, 4096), false},
            new Object[] {8192L, filled(0x22, 4096), true},
            new Object[] {16384L + 100, filled(0x33, 300), true},
            new Object[] {65536L, filled(0x44, 4096), false});
        server.destroyForcibly();
        assertTrue(server.waitFor(30, TimeUnit.SECONDS), "serve did not die on SIGKILL");
        try (WriteCache c = reopen()) {
            assertArrayEquals(filled(0x11, 4096), read(c, 0, 4096), "committed by the later FUA write");
            assertArrayEquals(filled(0x22, 4096), read(c, 8192, 4096), "FUA write");
            final byte[] partial = new byte[4096];
            Arrays.fill(partial, 100, 400, (byte) 0x33);
            assertArrayEquals(partial, read(c, 16384, 4096), "FUA write of part of a block");
            assertArrayEquals(new byte[4096], read(c, 65536, 4096), "a plain write after the last FUA is not "
                + "committed (autocommit is out of reach), so recovery drops it");
        }
    }
}
