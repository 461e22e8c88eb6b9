package org.writecache.pmem;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A {@link PersistentMemory} backend that lives in an artifact of its own, found with {@link java.util.ServiceLoader}
 * (a {@code META-INF/services/org.writecache.pmem.PersistentMemoryProvider} entry) when its {@link PmemBackend} is
 * selected. Keeps backends with heavy dependencies or JVM flags (Chronicle Bytes) out of the way of embedders who do
 * not select them.
 */
public interface PersistentMemoryProvider {
    /** @return the backend this provider implements. */
    PmemBackend backend();

    /** See {@link PmemBackend#create}. */
    PersistentMemory create(Path file, long size, FlushPolicy policy, boolean prefault) throws IOException;

    /** See {@link PmemBackend#open}. */
    PersistentMemory open(Path file, FlushPolicy policy, boolean prefault) throws IOException;

    /** See {@link PmemBackend#map}. */
    PersistentMemory map(LockedFile file, FlushPolicy policy, boolean prefault) throws IOException;
}
