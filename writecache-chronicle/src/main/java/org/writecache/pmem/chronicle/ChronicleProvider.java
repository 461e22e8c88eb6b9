package org.writecache.pmem.chronicle;

import java.io.IOException;
import java.nio.file.Path;

import org.writecache.pmem.FlushPolicy;
import org.writecache.pmem.LockedFile;
import org.writecache.pmem.PersistentMemory;
import org.writecache.pmem.PersistentMemoryProvider;
import org.writecache.pmem.PmemBackend;

/** Registers {@link ChronicleBytesPersistentMemory} as {@link PmemBackend#CHRONICLE} (a service entry). */
public final class ChronicleProvider implements PersistentMemoryProvider {
    /** Called by {@link java.util.ServiceLoader}. */
    public ChronicleProvider() {
        // Stateless.
    }

    @Override
    public PmemBackend backend() {
        return PmemBackend.CHRONICLE;
    }

    @Override
    public PersistentMemory create(final Path file, final long size, final FlushPolicy policy, final boolean prefault)
        throws IOException {
        return ChronicleBytesPersistentMemory.create(file, size, policy, prefault);
    }

    @Override
    public PersistentMemory open(final Path file, final FlushPolicy policy, final boolean prefault)
        throws IOException {
        return ChronicleBytesPersistentMemory.open(file, policy, prefault);
    }

    @Override
    public PersistentMemory map(final LockedFile file, final FlushPolicy policy, final boolean prefault)
        throws IOException {
        return ChronicleBytesPersistentMemory.map(file, policy, prefault);
    }
}
