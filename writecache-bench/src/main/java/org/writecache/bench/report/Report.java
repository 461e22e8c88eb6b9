package org.writecache.bench.report;

import java.util.List;
import java.util.Map;

/**
 * Everything one bench run produced.
 *
 * @param setup    the machine and the options, as label/value pairs
 * @param summary  the workloads and baselines over all runs (null for a scale-only run)
 * @param targets  the targets judged from the summary
 * @param scale    scale results, empty if not run
 */
public record Report(Map<String, String> setup, Summary summary, List<Target> targets, List<ScaleRow> scale) {
}
