package org.writecache.crash;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Self-identifying block contents: every block says which device block it belongs to and which version of it it
 * is, and the rest of it is a function of those two, so a torn, foreign or stale-elsewhere block never passes for a
 * valid one.
 *
 * <pre>
 *   +0  u32 device block
 *   +4  u32 version          0 is the backing device's initial contents
 *   +8  u64 hash             of (device block, version)
 *   +16 filler               pseudo-random bytes seeded by the hash
 * </pre>
 */
final class BlockContent {
    /** What {@link #versionOf} returns for a block that is not exactly one of the contents this class makes. */
    static final int INVALID = -1;

    private BlockContent() {
    }

    static long hash(final long deviceBlock, final int version) {
        long z = deviceBlock * 0x9E3779B97F4A7C15L + version * 0xC2B2AE3D27D4EB4FL + 0x165667B19E3779F9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Writes the contents of {@code version} of {@code deviceBlock} into {@code dst} at {@code at}. */
    static void fill(final ByteBuffer dst, final int at, final int blockSize, final int deviceBlock,
                     final int version) {
        final ByteBuffer b = dst.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        final long h = hash(deviceBlock, version);
        b.putInt(at, deviceBlock).putInt(at + 4, version).putLong(at + 8, h);
        final SplittableRandom r = new SplittableRandom(h);
        for (int i = 16; i < blockSize; i += Long.BYTES) {
            b.putLong(at + i, r.nextLong());
        }
    }

    static byte[] of(final int blockSize, final int deviceBlock, final int version) {
        final byte[] out = new byte[blockSize];
        fill(ByteBuffer.wrap(out), 0, blockSize, deviceBlock, version);
        return out;
    }

    /**
     * @return the version of {@code deviceBlock} that the block at {@code at} in {@code data} holds, or
     *     {@link #INVALID} if it is torn, belongs to another device block or is garbage.
     */
    static int versionOf(final byte[] data, final int at, final int blockSize, final int deviceBlock) {
        final ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(at) != deviceBlock) {
            return INVALID;
        }
        final int version = b.getInt(at + 4);
        if (version < 0) {
            return INVALID;
        }
        final byte[] expected = of(blockSize, deviceBlock, version);
        return Arrays.equals(data, at, at + blockSize, expected, 0, blockSize) ? version : INVALID;
    }

    /** @return a short description of the block at {@code at}, for failure messages. */
    static String describe(final byte[] data, final int at) {
        final ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        return "header (block " + b.getInt(at) + ", version " + b.getInt(at + 4) + ")";
    }
}
