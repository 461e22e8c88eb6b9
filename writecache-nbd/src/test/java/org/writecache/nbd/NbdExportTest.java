package org.writecache.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The export's byte-granular reads, writes and zero-writes against a byte-array model of the device (the
 * read-modify-write itself, with concurrent writers, is tested in {@code org.writecache.UnalignedAccessTest}).
 */
class NbdExportTest {
    private static final int REGION = 256 << 10;

    @Test
    void unalignedReadsWritesAndZeroesMatchAModel() throws IOException {
        final long seed = System.nanoTime();
        final Random rnd = new Random(seed);
        final byte[] model = new byte[REGION];
        try (NbdFixture fx = NbdFixture.unix()) {
            final NbdExport export = fx.export;
            for (int i = 0; i < 400; i++) {
                final int off = rnd.nextInt(REGION - 1);
                final int len = 1 + rnd.nextInt(Math.min(REGION - off, 3 * 4096 + 100));
                switch (rnd.nextInt(3)) {
                    case 0 -> {
                        final byte[] data = new byte[len];
                        rnd.nextBytes(data);
                        export.write(off, ByteBuffer.wrap(data), rnd.nextBoolean());
                        System.arraycopy(data, 0, model, off, len);
                    }
                    case 1 -> {
                        export.writeZeroes(off, len, rnd.nextBoolean());
                        java.util.Arrays.fill(model, off, off + len, (byte) 0);
                    }
                    default -> {
                        final ByteBuffer dst = ByteBuffer.allocate(len);
                        export.read(off, dst);
                        final byte[] expected = java.util.Arrays.copyOfRange(model, off, off + len);
                        assertArrayEquals(expected, dst.array(), "seed " + seed + " op " + i + " read " + off + "+"
                            + len);
                    }
                }
            }
            final ByteBuffer all = ByteBuffer.allocate(REGION);
            export.read(0, all);
            assertArrayEquals(model, all.array(), "seed " + seed + ": the whole region at the end");
        }
    }
}
