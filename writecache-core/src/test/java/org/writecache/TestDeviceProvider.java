package org.writecache;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link BlockDeviceProvider} for tests, registered in this module's test resources: it accepts
 * {@code test-dev://<path>} and opens the file at {@code <path>}, recording each open.
 */
public final class TestDeviceProvider implements BlockDeviceProvider {
    /** The scheme this provider accepts. */
    static final String PREFIX = "test-dev://";
    /** Each open: location, then "format" or "open". */
    static final List<String> OPENS = new ArrayList<>();

    @Override
    public boolean accepts(final String location) {
        return location.startsWith(PREFIX);
    }

    @Override
    public BlockDevice open(final String location, final WriteCacheConfig config, final boolean format)
        throws IOException {
        synchronized (OPENS) {
            OPENS.add(location + " " + (format ? "format" : "open"));
        }
        final Path file = Path.of(location.substring(PREFIX.length()));
        return format ? FileBlockDevice.create(file, config.backingSize(), config.fileMode())
            : FileBlockDevice.open(file, config.backingSize());
    }
}
