package org.writecache.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * A cached block that fails its data checksum reaches an NBD client as {@code EIO} on that read only: the session
 * goes on, other blocks are served, and a write of the block heals it.
 */
class NbdChecksumTest {
    private static final int BS = 4096;

    @Test
    void aDamagedBlockIsEioAndAWriteHealsIt() throws IOException {
        try (NbdFixture fx = NbdFixture.unix(); RawNbdClient c = new RawNbdClient(fx.dir.resolve("nbd.sock"))) {
            c.go();
            final byte[] data = new byte[BS];
            new Random(5).nextBytes(data);
            final byte[] other = data.clone();
            other[0]++;
            assertEquals(0, c.write(8L * BS, data, true));
            assertEquals(0, c.write(9L * BS, other, true));
            damage(fx, data);
            c.request(NbdProtocol.CMD_READ, 0, 77, 8L * BS, BS);
            assertEquals(new RawNbdClient.Reply(NbdProtocol.EIO, 77), c.reply());
            assertArrayEquals(other, c.read(9L * BS, BS), "the session goes on and other blocks are served");
            assertEquals(1, fx.cache.status().checksumErrors());
            assertEquals(0, c.write(8L * BS, data, true));
            assertArrayEquals(data, c.read(8L * BS, BS), "an overwrite replaces the damaged copy");
        }
    }

    /** Flips one bit of the cached copy of {@code data} in the cache file (tmpfs: the cache's mapping sees it). */
    private static void damage(final NbdFixture fx, final byte[] data) throws IOException {
        try (FileChannel ch = FileChannel.open(fx.config.cacheFile(), StandardOpenOption.READ,
            StandardOpenOption.WRITE)) {
            final ByteBuffer b = ByteBuffer.allocate(BS);
            for (long at = 0; at + BS <= ch.size(); at += BS) {
                ch.read(b.clear(), at);
                if (java.util.Arrays.equals(b.array(), data)) {
                    ch.write(ByteBuffer.wrap(new byte[] {(byte) (data[100] ^ 4)}), at + 100);
                    return;
                }
            }
        }
        fail("the cached copy was not found in the cache file");
    }
}
