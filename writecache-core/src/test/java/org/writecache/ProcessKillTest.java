package org.writecache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Real process kills: a child JVM writes through a cache on /dev/shm and is killed with SIGKILL at a random moment,
 * many times over; after each kill the cache must open without error, every write acknowledged durable must read
 * back (or a later write of the same block), and every block must read as a value once written to it.
 *
 * <p>{@code -Dwritecache.kill.runs=N} sets the number of kills (50 by default; 1000 is the long profile, recorded in
 * docs/durability.md); {@code -Dwritecache.kill.seed=S} replays a run.
 */
class ProcessKillTest {
    @RegisterExtension
    final TestFiles files = new TestFiles();

    /** Kills per run: 50 in CI; {@code -Dwritecache.kill.runs=1000} is the long profile. */
    private static final int KILLS = Integer.getInteger("writecache.kill.runs", 50);
    private static final int BS = KillChild.BLOCK_SIZE;
    private static final int DEVICE_BLOCKS = KillChild.DEVICE_BLOCKS;

    @Test
    void cacheSurvivesRepeatedSigkill() throws Exception {
        final long seed = Long.getLong("writecache.kill.seed", System.nanoTime());
        final Random rnd = new Random(seed);
        final Path cache = files.cacheFile();
        final Path backing = files.cacheFile();
        final Path log = files.cacheFile();
        final Path stderr = files.backingFile();
        try (WriteCache c = WriteCache.format(KillChild.config(cache, backing, false))) {
            assertEquals(KillChild.CACHE_BLOCKS, c.cacheBlocks());
        }
        final List<Set<Long>> written = new ArrayList<>();
        for (int d = 0; d < DEVICE_BLOCKS; d++) {
            written.add(new HashSet<>(Set.of(0L)));
        }
        final long[] durable = new long[DEVICE_BLOCKS];
        final List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-Xmx96m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-cp", System.getProperty("java.class.path"), KillChild.class.getName()));
        long requests = 0;
        long durableChecked = 0;
        for (int round = 1; round <= KILLS; round++) {
            final String context = "seed " + seed + ", kill " + round;
            Files.deleteIfExists(log);
            final List<String> cmd = new ArrayList<>(command);
            cmd.addAll(List.of(cache.toString(), backing.toString(), log.toString(), String.valueOf(round),
                String.valueOf(rnd.nextLong())));
            final Process child = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
            // A random moment: right away (during start-up or recovery) or after 0 to 300 acknowledged requests.
            final int wait = rnd.nextInt(10) == 0 ? -1 : rnd.nextInt(300);
            try (BufferedReader out = new BufferedReader(
                     new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
                for (int i = -1; i < wait; i++) {
                    if (out.readLine() == null) {
                        child.waitFor(10, TimeUnit.SECONDS);
                        fail(context + ": child exited with " + child.exitValue() + ": "
                            + Files.readString(stderr));
                    }
                }
                child.destroyForcibly();
                assertTrue(child.waitFor(30, TimeUnit.SECONDS), context + ": child did not die");
            }
            assertEquals(137, child.exitValue(), context + ": killed by SIGKILL");
            requests += readLog(log, written, durable, context);
            durableChecked += verify(cache, backing, written, durable, context);
        }
        System.out.printf("process kill: seed %d, %d SIGKILLs, %d requests, %d checks of blocks with an acknowledged durable value%n",
            seed, KILLS, requests, durableChecked);
    }

    /** Adds W ids to {@code written} and raises {@code durable} for D entries. @return requests logged. */
    private static long readLog(final Path log, final List<Set<Long>> written, final long[] durable,
                                final String context) throws IOException {
        if (!Files.exists(log)) {
            return 0;
        }
        final String text = Files.readString(log, StandardCharsets.US_ASCII);
        final String complete = text.substring(0, text.lastIndexOf('\n') + 1);
        long requests = 0;
        for (final String line : complete.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            final String[] f = line.split(" ");
            if (f[0].equals("W")) {
                written.get(Integer.parseInt(f[1])).add(Long.parseLong(f[2]));
                requests++;
            } else if (f[0].equals("D")) {
                for (int i = 1; i < f.length; i++) {
                    final int colon = f[i].indexOf(':');
                    final int b = Integer.parseInt(f[i].substring(0, colon));
                    durable[b] = Math.max(durable[b], Long.parseLong(f[i].substring(colon + 1)));
                }
            } else {
                fail(context + ": bad log line '" + line + "'");
            }
        }
        return requests;
    }

    /**
     * Opens the cache and checks every block: it holds a value once written to it, no older than the latest one
     * acknowledged durable. What it holds is committed now, so it becomes the block's durable value.
     *
     * @return blocks with an acknowledged durable value that were checked.
     */
    private static int verify(final Path cache, final Path backing, final List<Set<Long>> written,
                              final long[] durable, final String context) throws IOException {
        int checked = 0;
        try (WriteCache c = WriteCache.open(KillChild.config(cache, backing, false))) {
            assertEquals(0, c.status().error(), context + ": " + c.status().errorMessage());
            for (int d = 0; d < DEVICE_BLOCKS; d++) {
                final ByteBuffer got = ByteBuffer.allocate(BS);
                c.read((long) d * BS, got);
                final long id = got.getLong(0);
                final String where = context + ", block " + d + " (durable " + durable[d] + ")";
                if (id == 0) {
                    assertArrayEquals(new byte[BS], got.array(), where + ": neither zeros nor a written value");
                } else {
                    assertTrue(written.get(d).contains(id), where + ": holds id " + id + ", never written to it");
                    assertArrayEquals(KillChild.value(d, id), got.array(), where + ": value " + id + " is damaged");
                }
                assertTrue(id >= durable[d], where + ": holds " + id + ", older than the acknowledged durable write");
                if (durable[d] != 0) {
                    checked++;
                }
                durable[d] = id;
            }
        }
        return checked;
    }
}
