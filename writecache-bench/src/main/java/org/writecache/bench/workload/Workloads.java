package org.writecache.bench.workload;

import java.util.Arrays;
import java.util.List;

/** The workloads {@code writecache bench} knows, by name. */
public final class Workloads {
    /** Every workload name, in the order the bench runs them. */
    public static final List<String> NAMES = List.of("seq-write-fua", "seq-write-autocommit", "rand-write-fua",
        "rand-write-autocommit", "zipf-overwrite", "cached-read", "mix-70-30", "burst-idle", "sustained-write",
        "writeback");

    private Workloads() {
    }

    /**
     * @param name           a name from {@link #NAMES}.
     * @param writebackBytes how much the writeback workload writes back.
     * @throws IllegalArgumentException naming the bad name and the valid ones.
     */
    public static Workload create(final String name, final long writebackBytes) {
        return switch (name) {
            case "seq-write-fua" -> new SequentialWrite(true);
            case "seq-write-autocommit" -> new SequentialWrite(false);
            case "rand-write-fua" -> new RandomWrite(true);
            case "rand-write-autocommit" -> new RandomWrite(false);
            case "zipf-overwrite" -> new ZipfOverwrite();
            case "cached-read" -> new CachedRead();
            case "mix-70-30" -> new ReadWriteMix();
            case "burst-idle" -> new BurstThenIdle();
            case "sustained-write" -> new SustainedWrite();
            case "writeback" -> new Writeback(writebackBytes);
            default -> throw new IllegalArgumentException("unknown workload '" + name + "': expected some of "
                + Arrays.toString(NAMES.toArray()));
        };
    }
}
