package org.writecache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The storage behind a test cache. The suites of writeback, flush and recovery open their devices through it, so the
 * same assertions run on a file here and on NBD exports in writecache-nbd (subclasses that override
 * {@code newBacking}).
 */
public interface TestBacking extends AutoCloseable {
    /** Opens a device on this storage of {@code config.backingSize()} bytes; each open finds what was written. */
    BlockDevice open(WriteCacheConfig config) throws IOException;

    /** @return what the storage holds at {@code offset}, read around any device (from the file, or a new session). */
    byte[] read(long offset, int length) throws IOException;

    /** Releases the storage (stops a server); the files are the test's to delete. */
    @Override
    void close() throws IOException;

    /** @return a backing file, opened as a {@link FileBlockDevice}: created as format does, then opened as open does. */
    static TestBacking file(final Path file) {
        return new TestBacking() {
            @Override
            public BlockDevice open(final WriteCacheConfig config) throws IOException {
                return java.nio.file.Files.exists(file) ? FileBlockDevice.open(file, config.backingSize())
                    : FileBlockDevice.create(file, config.backingSize(), null);
            }

            @Override
            public byte[] read(final long offset, final int length) throws IOException {
                return readFile(file, offset, length);
            }

            @Override
            public void close() {
            }
        };
    }

    /** @return {@code length} bytes of {@code file} at {@code offset}; zeros past its end. */
    static byte[] readFile(final Path file, final long offset, final int length) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            final ByteBuffer dst = ByteBuffer.allocate(length);
            ch.read(dst, offset);
            return dst.array();
        }
    }
}
