package org.writecache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.writecache.format.CacheLayout;

/**
 * The child process of {@link ProcessKillTest}: writes random blocks through a cache until it is killed, and logs
 * every write before it starts ({@code W block id}) and every write acknowledged durable once it is
 * ({@code D block:id ...}, after a FUA write or a flush returns). Prints one line per request on stdout so the parent
 * can pick a moment to kill it.
 *
 * <p>Arguments: cache file, backing file, log file, round (makes ids unique across children), seed.
 */
public final class KillChild {
    static final int BLOCK_SIZE = 4096;
    static final int CACHE_BLOCKS = 24;
    static final int DEVICE_BLOCKS = 48;

    private KillChild() {
    }

    /** The configuration parent and child share. */
    static WriteCacheConfig config(final Path cache, final Path backing, final boolean background) {
        return WriteCacheConfig.builder()
            .cacheFile(cache).cacheSize(CacheLayout.regionSize(CACHE_BLOCKS, BLOCK_SIZE))
            .backingFile(backing).backingSize((long) DEVICE_BLOCKS * BLOCK_SIZE)
            .background(background).prefault(false).autocommitBlocks(5).autocommitTime(Duration.ofMillis(2))
            .highWatermark(50).lowWatermark(25).writebackJobs(4).build();
    }

    /** @return the contents of value {@code id} of device block {@code block}: a header and seeded noise. */
    static byte[] value(final int block, final long id) {
        final byte[] b = new byte[BLOCK_SIZE];
        new Random(id * 1_000_003L + block).nextBytes(b);
        ByteBuffer.wrap(b).putLong(0, id).putInt(8, block);
        return b;
    }

    /** Runs until killed. */
    public static void main(final String[] args) throws IOException {
        final Path cache = Path.of(args[0]);
        final Path backing = Path.of(args[1]);
        final Path log = Path.of(args[2]);
        final long round = Long.parseLong(args[3]);
        final Random rnd = new Random(Long.parseLong(args[4]));
        try (FileChannel out = FileChannel.open(log, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                 StandardOpenOption.APPEND);
             WriteCache c = WriteCache.open(config(cache, backing, true))) {
            System.out.println("ready");
            final Map<Integer, Long> pending = new LinkedHashMap<>();
            for (long n = 1; ; n++) {
                final int block = rnd.nextInt(DEVICE_BLOCKS);
                final long id = (round << 32) | n;
                log(out, "W " + block + " " + id);
                final boolean fua = rnd.nextInt(4) == 0;
                c.write((long) block * BLOCK_SIZE, ByteBuffer.wrap(value(block, id)), fua);
                pending.put(block, id);
                if (fua || rnd.nextInt(8) == 0) {
                    if (!fua) {
                        c.flush();
                    }
                    final StringBuilder line = new StringBuilder("D");
                    pending.forEach((b, v) -> line.append(' ').append(b).append(':').append(v));
                    log(out, line.toString());
                    pending.clear();
                }
                System.out.println(n);
            }
        }
    }

    private static void log(final FileChannel out, final String line) throws IOException {
        final ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII));
        while (b.hasRemaining()) {
            out.write(b);
        }
    }
}
