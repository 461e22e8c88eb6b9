/**
 * Persistent memory: the only place in the project with raw memory access.
 *
 * <p>{@link org.writecache.pmem.PersistentMemory} is the contract and its durability model (x86: flush, then fence).
 * Implementations: {@link org.writecache.pmem.MappedPersistentMemory} (an FFM mapping, MAP_SYNC where the file system
 * allows it), {@link org.writecache.pmem.ChronicleBytesPersistentMemory} (a Chronicle Bytes mapping), both selected
 * by name through {@link org.writecache.pmem.PmemBackend} and both holding an exclusive lock on their file, and
 * {@link org.writecache.pmem.HeapPersistentMemory} on the heap for tests. The crash simulator is in
 * {@link org.writecache.pmem.crash}.
 *
 * <p>The mapped backends need the JVM flags listed in the parent pom's {@code writecache.jvm.flags} (native access
 * for FFM; opened and exported JDK internals for Chronicle).
 */
package org.writecache.pmem;
