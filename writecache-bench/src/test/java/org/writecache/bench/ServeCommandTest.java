package org.writecache.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.writecache.WriteCache;
import org.writecache.WriteCacheConfig;
import org.writecache.nbd.NbdProtocol;

/** {@code writecache serve} in its own JVM: serves, and on SIGTERM commits and closes the cache before it exits. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ServeCommandTest {
    @TempDir
    Path dir;

    @Test
    void sigtermCommitsWritesThatWereNeverFlushed() throws Exception {
        final Path cacheFile = Path.of("/dev/shm").resolve("writecache-serve-test-" + System.nanoTime() + ".wc");
        final Path socket = dir.resolve("nbd.sock");
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(a -> !a.startsWith("-javaagent") && !a.startsWith("-agentlib")).toList());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve",
            "--socket", socket.toString(),
            "-s", "cache.file=" + cacheFile, "-s", "cache.size=8m",
            "-s", "backing.file=" + dir.resolve("backing.img"), "-s", "backing.size=16m",
            "-s", "autocommit.blocks=100000", "-s", "autocommit.time=1h"));
        final Process server = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        final StringBuilder output = new StringBuilder();
        try {
            final BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(),
                StandardCharsets.UTF_8));
            String line;
            while ((line = lines.readLine()) != null && !line.startsWith("serving")) {
                output.append(line).append('\n');
            }
            assertTrue(line != null, "serve did not start:\n" + output);
            assertTrue(line.contains("nbd+unix:///writecache?socket=" + socket), line);

            final byte[] data = new byte[8192];
            Arrays.fill(data, (byte) 0x3c);
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
                out.writeInt(NbdProtocol.REQUEST_MAGIC);
                out.writeShort(0);
                out.writeShort(NbdProtocol.CMD_WRITE);
                out.writeLong(42);
                out.writeLong(4096);
                out.writeInt(data.length);
                out.write(data);
                assertEquals(NbdProtocol.SIMPLE_REPLY_MAGIC, in.readInt());
                assertEquals(0, in.readInt(), "write error");
                assertEquals(42, in.readLong());
            }

            assertTrue(server.toHandle().destroy(), "SIGTERM sent");
            while ((line = lines.readLine()) != null) {
                output.append(line).append('\n');
            }
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "serve did not exit on SIGTERM");
            assertTrue(output.toString().contains("cache committed and closed"), output.toString());
            assertTrue(Files.notExists(socket), "the socket file is removed");

            try (WriteCache c = WriteCache.open(WriteCacheConfig.builder().cacheFile(cacheFile)
                .backingFile(dir.resolve("backing.img")).background(false).build())) {
                assertEquals(2, c.status().dirtyBlocks(), "the unflushed write was committed at shutdown");
                final ByteBuffer dst = ByteBuffer.allocate(data.length);
                c.read(4096, dst);
                assertArrayEquals(data, dst.array());
            }
        } finally {
            server.destroyForcibly().waitFor();
            Files.deleteIfExists(cacheFile);
        }
    }
}
