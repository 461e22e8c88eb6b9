package org.writecache.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The server driven by real clients: qemu-io, nbdcopy with qemu-img compare, and fio with verification. */
class NbdClientsTest {
    private static byte[] cacheRead(final NbdFixture fx, final long offset, final int length) throws IOException {
        final ByteBuffer b = ByteBuffer.allocate(length);
        fx.cache.read(offset, b);
        return b.array();
    }

    private static byte[] filled(final int value, final int length) {
        final byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static void qemuIoPatterns(final NbdFixture fx, final String uri) throws Exception {
        ExternalTool.require("qemu-io", "qemu-utils");
        final String out = ExternalTool.ok(fx.dir, "qemu-io", "-f", "raw",
            "-c", "write -P 0xab 0 1M",
            "-c", "read -P 0xab 0 1M",
            "-c", "write -P 0x5c 1536 5000",
            "-c", "read -P 0x5c 1536 5000",
            "-c", "read -P 0xab 0 1536",
            "-c", "read -P 0xab 6536 1041976",
            "-c", "read -P 0 1M 1M",
            uri);
        assertFalse(out.contains("failed"), out);
        assertEquals(7, out.lines().filter(l -> l.matches("(read|wrote) \\d+/\\d+ bytes at offset \\d+")).count(), out);
        final byte[] expected = filled(0xab, 1 << 20);
        Arrays.fill(expected, 1536, 6536, (byte) 0x5c);
        assertArrayEquals(expected, cacheRead(fx, 0, 1 << 20), "what the cache holds after qemu-io");
    }

    @Test
    void qemuIoPatternsOverAUnixSocket() throws Exception {
        try (NbdFixture fx = NbdFixture.unix()) {
            qemuIoPatterns(fx, fx.defaultUri());
        }
    }

    @Test
    void qemuIoPatternsOverTcp() throws Exception {
        try (NbdFixture fx = NbdFixture.tcp()) {
            qemuIoPatterns(fx, fx.server.uri());
        }
    }

    @Test
    void imageCopiedWithNbdcopyComparesEqual() throws Exception {
        ExternalTool.require("nbdcopy", "libnbd-bin");
        ExternalTool.require("qemu-img", "qemu-utils");
        try (NbdFixture fx = NbdFixture.unix()) {
            final long seed = System.nanoTime();
            final Path image = fx.dir.resolve("source.img");
            final Random rnd = new Random(seed);
            try (FileChannel ch = FileChannel.open(image, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                final byte[] chunk = new byte[1 << 20];
                for (long off = 0; off < fx.export.size(); off += 4L << 20) {
                    rnd.nextBytes(chunk);
                    ch.write(ByteBuffer.wrap(chunk, 0, 1 + rnd.nextInt(chunk.length)), off + rnd.nextInt(3 << 20));
                }
                ch.truncate(fx.export.size());
                ch.write(ByteBuffer.allocate(1), fx.export.size() - 1);
            }
            assertEquals(fx.export.size(), Files.size(image));
            ExternalTool.ok(fx.dir, "nbdcopy", image.toString(), fx.defaultUri());
            final String same = ExternalTool.ok(fx.dir, "qemu-img", "compare", "-f", "raw", "-F", "raw",
                image.toString(), fx.defaultUri());
            assertTrue(same.contains("identical"), "seed " + seed + ": " + same);
            try (FileChannel ch = FileChannel.open(image, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 12345);
            }
            final ExternalTool.Result differs = ExternalTool.run(fx.dir, "qemu-img", "compare", "-f", "raw",
                "-F", "raw", image.toString(), fx.defaultUri());
            assertEquals(1, differs.exit(), "seed " + seed + ": a changed source must differ: " + differs.output());
        }
    }

    @Test
    void fioVerifiesWhatItWroteWithBlockAndMixedSizes() throws Exception {
        ExternalTool.require("fio", "fio");
        try (NbdFixture fx = NbdFixture.unix()) {
            assumeTrue(ExternalTool.run(fx.dir, "fio", "--enghelp").output().lines().anyMatch(l -> l.strip()
                .equals("nbd")), "this fio was built without the nbd engine (Debian's fio has it)");
            final Path job = fx.dir.resolve("verify.fio");
            Files.writeString(job, String.join("\n",
                "[global]",
                "ioengine=nbd",
                "uri=" + fx.defaultUri(),
                "rw=randwrite",
                "iodepth=8",
                "verify=crc32c",
                "verify_fatal=1",
                "randrepeat=1",
                "[blocks]",
                "bs=4k",
                "offset=0",
                "size=16m",
                "[mixed]",
                "stonewall",
                "bssplit=4k/50:64k/30:1m/20",
                "offset=32m",
                "size=16m",
                ""));
            final String out = ExternalTool.ok(fx.dir, "fio", job.toString());
            assertTrue(out.contains("err= 0"), out);
            assertFalse(out.contains("verify:") && out.contains("bad"), out);
            assertTrue(fx.cache.status().writes() > 0, "fio's writes reached the cache");
        }
    }
}
