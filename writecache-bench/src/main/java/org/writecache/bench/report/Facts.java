package org.writecache.bench.report;

/**
 * Figures measured outside the workload runs.
 *
 * @param metadataBytesPerBlock  heap metadata per cache block ({@code WriteCache.metadataBytesPerBlock()})
 * @param openBlocks             blocks of the cache whose open was timed (0 if not timed)
 * @param openMillis             open (mapping, layout check, recovery) of that cache, over the runs
 * @param mappingMillis          mapping alone of the same file, over the runs
 * @param jmh                    JMH figures, empty when no result file was given
 */
public record Facts(double metadataBytesPerBlock, long openBlocks, Stats openMillis, Stats mappingMillis,
                    JmhResults jmh) {
}
