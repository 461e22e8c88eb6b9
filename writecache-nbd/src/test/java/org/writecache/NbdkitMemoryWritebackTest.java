package org.writecache;

import java.io.IOException;
import java.nio.file.Path;

import org.writecache.nbd.NbdkitBacking;

/**
 * {@link WritebackTest} with the cache in front of nbdkit's memory plugin (TCP) through the NBD client
 * device.
 */
class NbdkitMemoryWritebackTest extends WritebackTest {
    @Override
    TestBacking newBacking(final Path file, final long size) throws IOException {
        return NbdkitBacking.memory(file.toAbsolutePath().getParent(), size);
    }
}
