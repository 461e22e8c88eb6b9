package org.writecache.pmem;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * Without the {@code writecache-chronicle} artifact (this module's class path), selecting the Chronicle backend fails
 * with one message naming the artifact and the flags it needs, and touches no file.
 */
class PmemBackendAvailabilityTest {
    @Test
    void theBuiltInBackendIsAlwaysThereAndChronicleOnlyWithItsArtifact() {
        assertTrue(PmemBackend.FFM.isAvailable());
        assertFalse(PmemBackend.CHRONICLE.isAvailable(), "this module's tests run without writecache-chronicle");
    }

    @Test
    void selectingAMissingBackendNamesItsArtifactAndTouchesNoFile() throws IOException {
        final Path file = TestFiles.newFile(TestFiles.TMPFS, "missing-backend");
        final IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> PmemBackend.CHRONICLE.create(file, 4096, FlushPolicy.AUTO, false));
        for (final String part : new String[] {"pmem.backend=chronicle", "org.writecache:writecache-chronicle",
            "--add-opens"}) {
            assertTrue(e.getMessage().contains(part), e.getMessage());
        }
        assertFalse(Files.exists(file), "nothing was created");
        assertThrows(IllegalStateException.class, PmemBackend.CHRONICLE::requireAvailable);
    }
}
