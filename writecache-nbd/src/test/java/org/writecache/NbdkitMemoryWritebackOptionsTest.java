package org.writecache;

import java.io.IOException;
import java.nio.file.Path;

import org.writecache.nbd.NbdkitBacking;

/**
 * {@link WritebackOptionsTest} with the cache in front of nbdkit's memory plugin (TCP) through the NBD client
 * device.
 */
class NbdkitMemoryWritebackOptionsTest extends WritebackOptionsTest {
    @Override
    TestBacking newBacking(final Path file, final long size) throws IOException {
        return NbdkitBacking.memory(file.toAbsolutePath().getParent(), size);
    }
}
