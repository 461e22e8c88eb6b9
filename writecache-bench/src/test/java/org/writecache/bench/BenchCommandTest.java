package org.writecache.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.writecache.WaitPolicy;
import org.writecache.bench.workload.Workloads;
import org.writecache.format.DataChecksum;
import picocli.CommandLine;

/** Runs the whole bench with tiny sizes and durations and checks the report folder it leaves. */
class BenchCommandTest {

    @Test
    void shortRunWritesEveryReportFileAndCleansUp() throws IOException {
        final long pid = ProcessHandle.current().pid();
        final Path cache = Path.of("/dev/shm/writecache-benchtest-" + pid + ".cache");
        final Path backing = Path.of("target/writecache-benchtest-" + pid + ".backing").toAbsolutePath();
        final Path out = Path.of("target/bench-test-report-" + pid);
        final StringWriter err = new StringWriter();
        final CommandLine cmd = new CommandLine(new Main());
        cmd.setErr(new PrintWriter(err));
        final int rc = cmd.execute("bench", "--cache-file", cache.toString(), "--backing-file", backing.toString(),
            "--cache-size", "8m", "--backing-size", "64m", "--warmup", "10ms", "--duration", "40ms", "--runs", "2",
            "--threads", "1,2", "--open-blocks", "20000", "--scale", "--scale-blocks", "10000",
            "--out", out.toString());
        assertEquals(0, rc, err.toString());

        final String json = Files.readString(out.resolve("results.json"));
        for (final String name : Workloads.NAMES) {
            assertTrue(json.contains("\"name\": \"" + name + "\""), name + " missing from results.json");
        }
        for (final WaitPolicy p : WaitPolicy.values()) {
            assertTrue(json.contains("\"wait\": \"" + p.label() + "\""), p + " missing from results.json");
        }
        assertTrue(json.contains("\"name\": \"file-write-force\""), "baselines missing from results.json");
        assertTrue(json.contains("\"blocks\": 10000"), "scale row missing from results.json");
        final long rows = json.lines().filter(l -> l.trim().startsWith("\"key\":")).count();
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(rows, files.filter(f -> f.toString().endsWith(".hgrm")).count(), "one .hgrm per row");
        }

        final String md = Files.readString(out.resolve("summary.md"));
        assertTrue(md.contains("## Targets") && md.contains("## Cache workloads") && md.contains("## Baselines")
            && md.contains("## Scale"), md);
        assertTrue(md.contains("metadata <= 24 bytes per cache block"), md);
        final long verdicts = md.lines().filter(l -> l.endsWith("| met |") || l.endsWith("| NOT met |")
            || l.endsWith("| not measured |")).count();
        assertEquals(15, verdicts, "every target has a verdict (two flush policies):\n" + md);
        for (final String goal : List.of("FUA random write with data checksums (fence-only)",
            "cached read verifying data checksums", "writeback verifying data checksums")) {
            assertTrue(md.lines().anyMatch(l -> l.contains(goal) && !l.endsWith("| not measured |")), goal + ":\n" + md);
        }
        assertTrue(json.contains("\"checksum\": \"none\"") && json.contains("\"checksum\": \"crc32c\""), json);

        final String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<svg") && html.contains("<polyline") && html.contains("<rect"), "charts missing");
        assertFalse(html.contains("<script") || html.contains("src=\"http") || html.contains("href=\"http"),
            "report must open without a network");

        assertFalse(Files.exists(cache), "cache file left behind");
        assertFalse(Files.exists(backing), "backing file left behind");
        try (Stream<Path> shm = Files.list(Path.of("/dev/shm"))) {
            assertEquals(List.of(), shm.filter(f -> f.getFileName().toString().startsWith(cache.getFileName()
                .toString())).toList(), "scratch files left in /dev/shm");
        }
    }

    @Test
    void badWorkloadNameIsRejectedByName() {
        final BenchCommand bench = new BenchCommand();
        new CommandLine(bench).parseArgs("--workloads", "seq-write-fua,nope");
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bench::call);
        assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
    }

    @Test
    void badThreadCountIsRejected() {
        final BenchCommand bench = new BenchCommand();
        new CommandLine(bench).parseArgs("--threads", "0");
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bench::call);
        assertTrue(e.getMessage().contains("[0]"), e.getMessage());
    }

    @Test
    void theWorkloadsWithChecksumTargetsAlsoRunWithoutChecksums() {
        final BenchCommand bench = new BenchCommand();
        new CommandLine(bench).parseArgs("--workloads", "rand-write-fua,cached-read,writeback,mix-70-30",
            "--threads", "1");
        final List<BenchCase> cases = bench.plan(1 << 20);
        for (final String name : List.of("rand-write-fua", "cached-read", "writeback")) {
            for (final DataChecksum c : DataChecksum.values()) {
                assertTrue(cases.stream().anyMatch(x -> x.workload().name().equals(name) && x.checksum() == c),
                    name + " " + c + ": " + cases);
            }
        }
        assertTrue(cases.stream().filter(x -> x.workload().name().equals("mix-70-30"))
            .allMatch(x -> x.checksum() == DataChecksum.DEFAULT), cases.toString());
        assertEquals(cases, BenchCase.runOrder(cases, 1));
        final List<BenchCase> second = BenchCase.runOrder(cases, 2);
        assertEquals(cases.size(), second.size());
        for (final BenchCase c : cases) {
            if (c.checksum() == DataChecksum.NONE) {
                final BenchCase twin = c.with(DataChecksum.DEFAULT);
                assertTrue(cases.indexOf(c) > cases.indexOf(twin) && second.indexOf(c) == second.indexOf(twin) - 1,
                    "odd runs take " + c + " after its twin, even runs just before it: " + second);
            }
        }
    }

    @Test
    void everyWaitPolicyGetsABurstCase() {
        final BenchCommand bench = new BenchCommand();
        new CommandLine(bench).parseArgs("--workloads", "burst-idle", "--threads", "1,2");
        final List<BenchCase> cases = bench.plan(1 << 20);
        assertEquals(2 * WaitPolicy.values().length, cases.size(), cases.toString());
        for (final WaitPolicy p : WaitPolicy.values()) {
            assertTrue(cases.stream().anyMatch(c -> c.waitPolicy() == p && c.params().containsKey("wait")), p.label());
        }
    }
}
