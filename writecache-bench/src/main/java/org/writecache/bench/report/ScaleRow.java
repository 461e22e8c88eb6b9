package org.writecache.bench.report;

import java.util.Map;

/**
 * How the cache behaves at one size.
 *
 * @param blocks              cache blocks
 * @param blockSize           bytes per block
 * @param dirtyBlocks         committed blocks present when the cache was reopened
 * @param formatMillis        format, including mapping and pre-faulting the file
 * @param mappingMillis       mapping the file alone
 * @param openMillis          open: mapping, layout check and recovery
 * @param metadataBytesPerBlock heap metadata per cache block
 * @param opsPerSecond        random block writes with autocommit per second, by writer thread count
 */
public record ScaleRow(long blocks, int blockSize, long dirtyBlocks, double formatMillis, double mappingMillis,
                       double openMillis, double metadataBytesPerBlock, Map<Integer, Double> opsPerSecond) {
}
