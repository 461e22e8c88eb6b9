package org.writecache.examples;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the example as a user would, against the installed artifacts; it throws if any row comes back wrong. */
class H2OnWriteCacheTest {
    @TempDir
    Path dir;

    @Test
    void theExampleRuns() throws Exception {
        H2OnWriteCache.main(new String[] {dir.toString()});
    }
}
