package org.writecache;

import java.io.IOException;

/**
 * Opens backing devices of a kind that lives in another artifact (an NBD export, say), found with
 * {@link java.util.ServiceLoader} (a {@code META-INF/services/org.writecache.BlockDeviceProvider} entry). The
 * {@code backing.file} setting is a <em>location</em>: a local path, opened as a {@link FileBlockDevice}, or a URI
 * whose scheme a provider accepts ({@code nbd://host:port/export}, {@code nbd+unix:///export?socket=path}).
 */
public interface BlockDeviceProvider {
    /** @return true if this provider opens {@code location} (typically: its URI scheme is one of the provider's). */
    boolean accepts(String location);

    /**
     * Opens the device at {@code location}.
     *
     * @param location the {@code backing.file} setting, accepted by {@link #accepts}.
     * @param config   the cache's configuration (device size, writeback jobs, timeouts and the like).
     * @param format   true when a cache is being formatted in front of the device; false when one is opened.
     * @return the open device; the cache owns and closes it.
     * @throws IOException naming the location when the device cannot be reached or opened.
     */
    BlockDevice open(String location, WriteCacheConfig config, boolean format) throws IOException;
}
