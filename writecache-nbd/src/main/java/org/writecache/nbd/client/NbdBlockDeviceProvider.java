package org.writecache.nbd.client;

import java.io.IOException;

import org.writecache.BlockDevice;
import org.writecache.BlockDeviceProvider;
import org.writecache.Settings;
import org.writecache.WriteCacheConfig;

/**
 * Opens {@code backing.file} locations that are NBD URIs ({@code nbd://host:port/export},
 * {@code nbd+unix:///export?socket=path}) as {@link NbdBlockDevice}s; found by {@link java.util.ServiceLoader}. The
 * window is {@code writeback.jobs} blocks of {@code block.size}; {@code backing.size} 0 takes the export's size;
 * {@code backing.timeout} bounds every request, {@code backing.reconnect.attempts} and {@code .backoff} set the
 * reconnect policy.
 */
public final class NbdBlockDeviceProvider implements BlockDeviceProvider {
    /** For {@link java.util.ServiceLoader}. */
    public NbdBlockDeviceProvider() {
    }

    @Override
    public boolean accepts(final String location) {
        return NbdUri.isNbd(location);
    }

    /** @throws IllegalArgumentException naming the location if it is not a usable NBD URI. */
    @Override
    public BlockDevice open(final String location, final WriteCacheConfig config, final boolean format)
        throws IOException {
        return NbdBlockDevice.open(NbdUri.parse(location), settings(config), config.backingSize());
    }

    /**
     * @return the client settings a cache's configuration asks for: {@code block.size}, {@code writeback.jobs},
     *         {@code backing.timeout}, {@code backing.reconnect.attempts} and {@code backing.reconnect.backoff}.
     */
    static NbdClientSettings settings(final WriteCacheConfig config) {
        return new NbdClientSettings(config.blockSize(), config.writebackJobs(), config.get(Settings.BACKING_TIMEOUT),
            config.get(Settings.BACKING_RECONNECT_ATTEMPTS), config.get(Settings.BACKING_RECONNECT_BACKOFF));
    }
}
