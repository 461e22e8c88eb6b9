package org.writecache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Random sequences of writes (single and multi-block, with and without FUA), reads, flushes, discards, writebacks,
 * clean reopens and crashes (a copy of the cache file taken while it is open, reopened) against a reference model.
 *
 * <p>The model knows, per device block, the value a read must return now ({@code exact}, or unknown after a
 * discard), every value ever written ({@code history}), the value known durable ({@code durable}) and the values
 * written since ({@code pending}). After a crash every block must read as its durable value or one of its pending
 * ones: autocommits happen at moments the model does not track, so any of them may have been committed, but nothing
 * older and nothing foreign. Each block's contents encode (device block, version), so a block served from the wrong
 * place is caught.
 */
class ModelBasedTest {
    private static final int BS = 4096;
    private static final int DEVICE_BLOCKS = 192;

    @RegisterExtension
    final TestFiles files = new TestFiles();

    private static final class Model {
        final Integer[] exact = new Integer[DEVICE_BLOCKS];
        final Integer[] durable = new Integer[DEVICE_BLOCKS];
        final List<Set<Integer>> history = new ArrayList<>();
        final List<Set<Integer>> pending = new ArrayList<>();

        Model() {
            for (int i = 0; i < DEVICE_BLOCKS; i++) {
                exact[i] = 0;
                durable[i] = 0;
                history.add(new HashSet<>(Set.of(0)));
                pending.add(new HashSet<>());
            }
        }

        void commitAll() {
            for (int i = 0; i < DEVICE_BLOCKS; i++) {
                durable[i] = exact[i];
                pending.get(i).clear();
            }
        }
    }

    static byte[] content(final int block, final int version) {
        final byte[] b = new byte[BS];
        if (version != 0) {
            final Random r = new Random(block * 1_000_003L + version);
            r.nextBytes(b);
            ByteBuffer.wrap(b).putInt(0, block).putInt(4, version);
        }
        return b;
    }

    static int versionOf(final int block, final byte[] data) {
        final ByteBuffer b = ByteBuffer.wrap(data);
        final int version = b.getInt(4);
        if (java.util.Arrays.equals(data, content(block, 0))) {
            return 0;
        }
        if (b.getInt(0) != block || !java.util.Arrays.equals(data, content(block, version))) {
            return -1;
        }
        return version;
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 1234})
    void randomOperationsAgreeWithTheModel(final long seed) throws IOException {
        final Random rnd = new Random(seed);
        WriteCacheConfig cfg = WriteCacheConfig.builder()
            .cacheFile(files.cacheFile()).cacheSize(256 << 10)
            .backingFile(files.backingFile()).backingSize((long) DEVICE_BLOCKS * BS)
            .autocommitBlocks(1 + rnd.nextInt(16)).writebackJobs(1 + rnd.nextInt(32))
            .highWatermark(30 + rnd.nextInt(40)).lowWatermark(10 + rnd.nextInt(20))
            .build();
        final Model m = new Model();
        int version = 1;
        int crashes = 0;
        WriteCache c = WriteCache.format(cfg);
        final StringBuilder trace = new StringBuilder();
        try {
            for (int op = 0; op < 3000; op++) {
                final int kind = rnd.nextInt(100);
                final int block = rnd.nextInt(DEVICE_BLOCKS);
                if (kind < 45) {
                    final int len = 1 + (rnd.nextInt(8) == 0 ? rnd.nextInt(6) : 0);
                    final int count = Math.min(len, DEVICE_BLOCKS - block);
                    final boolean fua = rnd.nextInt(10) == 0;
                    final ByteBuffer buf = ByteBuffer.allocate(count * BS);
                    for (int i = 0; i < count; i++) {
                        final int v = version++;
                        buf.put(content(block + i, v));
                        m.exact[block + i] = v;
                        m.history.get(block + i).add(v);
                        m.pending.get(block + i).add(v);
                    }
                    buf.flip();
                    trace.append(op).append(": write ").append(block).append('+').append(count)
                        .append(fua ? " fua\n" : "\n");
                    c.write((long) block * BS, buf, fua);
                    if (fua) {
                        m.commitAll();
                    }
                } else if (kind < 80) {
                    final byte[] data = WriteCacheTest.read(c, (long) block * BS, BS);
                    final int v = versionOf(block, data);
                    final Integer expected = m.exact[block];
                    if (expected != null ? v != expected : !m.history.get(block).contains(v)) {
                        fail("seed " + seed + " op " + op + ": block " + block + " read version " + v
                            + ", expected " + (expected != null ? expected : "one of " + m.history.get(block))
                            + "\n" + tail(trace));
                    }
                    m.exact[block] = v;
                } else if (kind < 86) {
                    trace.append(op).append(": flush\n");
                    c.flush();
                    m.commitAll();
                } else if (kind < 90) {
                    final int count = Math.min(1 + rnd.nextInt(4), DEVICE_BLOCKS - block);
                    trace.append(op).append(": discard ").append(block).append('+').append(count).append('\n');
                    c.discard((long) block * BS, (long) count * BS);
                    for (int i = 0; i < count; i++) {
                        m.exact[block + i] = null;
                        m.durable[block + i] = null;
                    }
                } else if (kind < 93) {
                    trace.append(op).append(": writeback\n");
                    c.writeback();
                    m.commitAll();
                } else if (kind < 96) {
                    trace.append(op).append(": close and reopen\n");
                    c.close();
                    m.commitAll();
                    c = WriteCache.open(cfg);
                } else {
                    trace.append(op).append(": crash\n");
                    final Path image = files.crashImage(cfg.cacheFile());
                    c.close();
                    cfg = cfg.toBuilder().cacheFile(image).build();
                    c = WriteCache.open(cfg);
                    crashes++;
                    for (int b = 0; b < DEVICE_BLOCKS; b++) {
                        final int v = versionOf(b, WriteCacheTest.read(c, (long) b * BS, BS));
                        final boolean ok = m.durable[b] != null
                            ? v == m.durable[b] || m.pending.get(b).contains(v)
                            : m.history.get(b).contains(v);
                        if (!ok) {
                            fail("seed " + seed + " op " + op + ": after a crash block " + b + " reads version " + v
                                + ", durable " + m.durable[b] + ", pending " + m.pending.get(b) + "\n" + tail(trace));
                        }
                        m.exact[b] = v;
                        m.durable[b] = v;
                        m.pending.get(b).clear();
                    }
                }
            }
            final CacheStatus s = c.status();
            assertEquals(0, s.error(), "seed " + seed + ": " + s.errorMessage());
            assertTrue(s.writes() > 0);
        } finally {
            c.close();
        }
        assertTrue(crashes >= 0);
    }

    private static String tail(final StringBuilder trace) {
        return trace.substring(Math.max(0, trace.length() - 2000));
    }
}
