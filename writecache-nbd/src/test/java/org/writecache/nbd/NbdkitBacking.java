package org.writecache.nbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.writecache.BlockDevice;
import org.writecache.TestBacking;
import org.writecache.WriteCacheConfig;
import org.writecache.nbd.client.NbdBlockDevice;
import org.writecache.nbd.client.NbdClientSettings;
import org.writecache.nbd.client.NbdUri;

/**
 * Test storage behind an nbdkit export: the file plugin serving a file (on a Unix socket; the file is read directly to
 * check what reached it) or the memory plugin (on TCP; read back over a connection of its own). Devices are NBD
 * clients with the cache's window; closing stops nbdkit.
 */
public final class NbdkitBacking implements TestBacking {
    private final NbdkitProcess server;
    private final Path file;

    private NbdkitBacking(final NbdkitProcess server, final Path file) {
        this.server = server;
        this.file = file;
    }

    /** nbdkit's file plugin on {@code file}, created (sparse) with {@code size} bytes if shorter. */
    public static NbdkitBacking file(final Path file, final long size) throws IOException {
        ExternalTool.require("nbdkit", "nbdkit");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            if (ch.size() < size) {
                ch.write(ByteBuffer.allocate(1), size - 1);
            }
        }
        return new NbdkitBacking(NbdkitProcess.unix(file.toAbsolutePath().getParent(), "file", "file=" + file), file);
    }

    /** nbdkit's memory plugin of {@code size} bytes, on a TCP port; {@code dir} holds its pid file and log. */
    public static NbdkitBacking memory(final Path dir, final long size) throws IOException {
        ExternalTool.require("nbdkit", "nbdkit");
        return new NbdkitBacking(NbdkitProcess.tcp(dir, "memory", "size=" + size), null);
    }

    /** @return the server, to kill and restart it. */
    public NbdkitProcess server() {
        return server;
    }

    @Override
    public BlockDevice open(final WriteCacheConfig config) throws IOException {
        return NbdBlockDevice.open(NbdUri.parse(server.uri()),
            NbdClientSettings.of(config.blockSize(), config.writebackJobs()), config.backingSize());
    }

    @Override
    public byte[] read(final long offset, final int length) throws IOException {
        if (file != null) {
            return TestBacking.readFile(file, offset, length);
        }
        try (NbdBlockDevice d = NbdBlockDevice.open(NbdUri.parse(server.uri()), NbdClientSettings.of(512, 64), 0)) {
            final ByteBuffer dst = ByteBuffer.allocate(length);
            d.read(offset, dst);
            return dst.array();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
