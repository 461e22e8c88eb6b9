package org.writecache;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A {@link BlockDevice} over a regular file, through positional {@link FileChannel} I/O. */
public final class FileBlockDevice implements BlockDevice {
    private final Path file;
    private final FileChannel channel;
    private final long size;

    private FileBlockDevice(final Path file, final FileChannel channel, final long size) {
        this.file = file;
        this.channel = channel;
        this.size = size;
    }

    /**
     * Opens {@code file} as a device, creating it if needed.
     *
     * @param size the device size in bytes; 0 means the file's current length. A file shorter than {@code size} is
     *             extended (sparse); a longer one keeps its length but only {@code size} bytes are used.
     */
    public static FileBlockDevice open(final Path file, final long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("backing device size must not be negative: " + size);
        }
        final FileChannel channel = FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            final long length = channel.size();
            final long deviceSize = size == 0 ? length : size;
            if (deviceSize == 0) {
                throw new IOException("backing file " + file + " is empty and no backing size is configured");
            }
            if (length < deviceSize) {
                channel.write(ByteBuffer.allocate(1), deviceSize - 1);
            }
            return new FileBlockDevice(file, channel, deviceSize);
        } catch (final IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(final long offset, final ByteBuffer dst) throws IOException {
        long pos = offset;
        while (dst.hasRemaining()) {
            final int n = channel.read(dst, pos);
            if (n < 0) {
                if (pos >= size) {
                    throw new EOFException("read at " + pos + " beyond device " + file + " of " + size + " bytes");
                }
                while (dst.hasRemaining() && pos < size) {
                    dst.put((byte) 0);
                    pos++;
                }
                continue;
            }
            pos += n;
        }
    }

    @Override
    public void write(final long offset, final ByteBuffer src) throws IOException {
        long pos = offset;
        while (src.hasRemaining()) {
            pos += channel.write(src, pos);
        }
    }

    @Override
    public void sync() throws IOException {
        channel.force(false);
    }

    @Override
    public String describe() {
        return "file " + file + " (" + size + " bytes)";
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
