package org.writecache.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/** The pieces of the report: statistics, verdicts, JSON, JMH results and SVG. */
class ReportPartsTest {

    @Test
    void statsTakeMedianAndRange() {
        assertEquals(new Stats(2, 1, 9), Stats.of(List.of(9.0, 1.0, 2.0)));
        assertEquals(new Stats(2.5, 1, 9), Stats.of(List.of(9.0, 1.0, 2.0, 3.0)));
        assertTrue(Double.isNaN(Stats.of(List.of()).median()));
    }

    @Test
    void targetVerdictsFollowTheMedianAndTheDirection() {
        assertEquals(Boolean.TRUE, new Target("g", "m", new Stats(200, 150, 250), 200, true, "x").met());
        assertEquals(Boolean.FALSE, new Target("g", "m", new Stats(199, 150, 250), 200, true, "x").met());
        assertEquals(Boolean.TRUE, new Target("g", "m", new Stats(20, 20, 20), 24, false, " B").met());
        assertEquals(Boolean.FALSE, new Target("g", "m", new Stats(25, 25, 25), 24, false, " B").met());
        assertNull(new Target("g", "m", Stats.of(List.of()), 1, true, "x").met());
        assertEquals("not measured", new Target("g", "m", Stats.of(List.of()), 1, true, "x").verdict());
    }

    @Test
    void jsonEscapesAndKeepsOrder() {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", "quote \" and \\ and\nline");
        m.put("a", List.of(1, 2.5, Double.NaN, true));
        assertEquals("{\n  \"b\": \"quote \\\" and \\\\ and\\nline\",\n  \"a\": [\n    1,\n    2.5,\n    null,\n"
            + "    true\n  ]\n}\n", Json.write(m));
    }

    @Test
    void jmhCsvIsReadInNanosecondsPerOperation() throws IOException {
        final Path csv = Files.createTempFile("jmh", ".csv");
        try {
            Files.writeString(csv, """
                "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit","Param: policy"
                "org.writecache.freelist.FreeListBenchmark.allocateFree","avgt",1,3,12.5,0.5,"ns/op","direct"
                "org.writecache.freelist.FreeListBenchmark.semaphore","thrpt",1,3,0.1,0.01,"ops/ns","direct"
                "org.writecache.freelist.FreeListBenchmark.semaphoreAcquireRelease","avgt",1,3,3.0,0.1,"ns/op",""
                "x.Slow.run","avgt",1,3,2.0,0.1,"us/op",""
                """);
            final JmhResults r = JmhResults.read(csv);
            assertEquals(4, r.rows().size());
            assertEquals(12.5, r.nanosPerOp(Targets.JMH_FREELIST), 1e-9);
            assertEquals(3.0, r.nanosPerOp(Targets.JMH_SEMAPHORE), 1e-9);
            assertEquals(2000.0, r.nanosPerOp("Slow"), 1e-9);
            assertTrue(Double.isNaN(r.nanosPerOp("absent")));
        } finally {
            Files.delete(csv);
        }
        assertTrue(JmhResults.read(Path.of("target/no-such-file.csv")).rows().isEmpty());
    }

    @Test
    void chartsAreWellFormedSvg() throws Exception {
        final Histogram fast = new Histogram(3);
        final Histogram slow = new Histogram(3);
        for (int i = 1; i <= 1000; i++) {
            fast.recordValue(1000 + i);
            slow.recordValue(100_000 + 100L * i);
        }
        final Map<String, Histogram> series = new LinkedHashMap<>();
        series.put("fast <a&b>", fast);
        series.put("slow", slow);
        final Document p = parse(Svg.percentiles("latency", series));
        assertEquals(2, p.getElementsByTagName("polyline").getLength());
        final Map<String, double[]> bars = new LinkedHashMap<>();
        bars.put("wake-all", new double[] {100, 200});
        bars.put("direct", new double[] {150, Double.NaN});
        final Document b = parse(Svg.bars("ops", List.of("threads=1", "threads=2"), bars, "ops/s"));
        assertEquals(3 + 2, b.getElementsByTagName("rect").getLength(), "3 bars and 2 legend boxes");
    }

    private static Document parse(final String svg) throws Exception {
        assertTrue(svg.startsWith("<svg"), svg);
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
            .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }
}
