package org.writecache.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.writecache.WriteCache;

/**
 * What a crash at the moment a reply is sent would leave: the cache file is copied (on tmpfs that copy is exactly what
 * survives the death of the process) and the copy is recovered. Autocommit is pushed out of reach, so only FUA and
 * FLUSH commit.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NbdDurabilityTest {
    private static byte[] block(final int v, final int length) {
        final byte[] b = new byte[length];
        Arrays.fill(b, (byte) v);
        return b;
    }

    /** Recovers a copy of the cache as it is now and reads {@code length} bytes at {@code offset} from it. */
    private static byte[] afterCrash(final NbdFixture fx, final long offset, final int length) throws IOException {
        final Path cacheCopy = fx.config.cacheFile().resolveSibling(fx.config.cacheFile().getFileName() + ".crash");
        final Path backingCopy = fx.dir.resolve("backing.crash");
        Files.copy(fx.config.cacheFile(), cacheCopy);
        Files.copy(fx.config.backingFile(), backingCopy);
        try (WriteCache c = WriteCache.open(fx.config.toBuilder().cacheFile(cacheCopy).backingFile(backingCopy)
            .background(false).build())) {
            final ByteBuffer dst = ByteBuffer.allocate(length);
            c.read(offset, dst);
            return dst.array();
        } finally {
            Files.deleteIfExists(cacheCopy);
            Files.deleteIfExists(backingCopy);
        }
    }

    @Test
    void acknowledgedFuaWritesAndFlushesSurviveACrashAndPlainWritesNeedNot() throws IOException {
        try (NbdFixture fx = NbdFixture.unix(b -> b.autocommitBlocks(1 << 20).autocommitTime(Duration.ofHours(1)));
             RawNbdClient one = new RawNbdClient(fx.dir.resolve("nbd.sock"));
             RawNbdClient two = new RawNbdClient(fx.dir.resolve("nbd.sock"))) {
            one.go();
            two.go();
            assertEquals(0, one.write(0, block(1, 4096), false));
            assertArrayEquals(block(0, 4096), afterCrash(fx, 0, 4096),
                "a plain write is not committed yet (else this test could not tell FUA from no FUA)");

            assertEquals(0, one.write(4096, block(2, 4096), true));
            assertArrayEquals(block(2, 4096), afterCrash(fx, 4096, 4096), "FUA write");
            assertArrayEquals(block(1, 4096), afterCrash(fx, 0, 4096), "FUA commits the earlier write too");

            assertEquals(0, one.write(3 * 4096 + 512, block(3, 1024), true));
            final byte[] partial = block(0, 4096);
            Arrays.fill(partial, 512, 1536, (byte) 3);
            assertArrayEquals(partial, afterCrash(fx, 3 * 4096, 4096), "FUA write of part of a block");

            assertEquals(0, one.write(8 * 4096, block(4, 8192), false));
            two.request(NbdProtocol.CMD_FLUSH, 0, 9, 0, 0);
            assertEquals(new RawNbdClient.Reply(0, 9), two.reply());
            assertArrayEquals(block(4, 8192), afterCrash(fx, 8 * 4096, 8192),
                "FLUSH on another connection (NBD_FLAG_CAN_MULTI_CONN) covers this connection's write");

            one.request(NbdProtocol.CMD_WRITE_ZEROES, NbdProtocol.CMD_FLAG_FUA, 10, 8 * 4096, 4096);
            assertEquals(new RawNbdClient.Reply(0, 10), one.reply());
            final byte[] zeroed = block(4, 8192);
            Arrays.fill(zeroed, 0, 4096, (byte) 0);
            assertArrayEquals(zeroed, afterCrash(fx, 8 * 4096, 8192), "WRITE_ZEROES with FUA");
        }
    }
}
