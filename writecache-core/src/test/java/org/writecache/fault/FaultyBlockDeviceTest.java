package org.writecache.fault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.writecache.FileBlockDevice;
import org.writecache.TestFiles;

class FaultyBlockDeviceTest {
    @RegisterExtension
    final TestFiles files = new TestFiles();

    private static ByteBuffer filled(final int value) {
        final byte[] b = new byte[4096];
        Arrays.fill(b, (byte) value);
        return ByteBuffer.wrap(b);
    }

    @Test
    void failsOnlyTheChosenOperationInItsRangeAndLeavesTheDeviceUntouched() throws IOException {
        try (FaultyBlockDevice d = new FaultyBlockDevice(FileBlockDevice.create(files.backingFile(), 1 << 20, null))) {
            d.failing(DeviceOperation.WRITE, FaultTrigger.always().inRange(8192, 12288));
            d.write(0, filled(1));
            final IOException e = assertThrows(IOException.class, () -> d.write(8192, filled(2)));
            assertTrue(e.getMessage().startsWith("Input/output error (EIO, injected always in bytes [8192, 12288))"),
                e.getMessage());
            assertTrue(e.getMessage().contains("write of bytes [8192, 12288)"), e.getMessage());
            assertTrue(e.getMessage().contains(d.describe().substring("faulty ".length())), e.getMessage());
            final ByteBuffer back = ByteBuffer.allocate(4096);
            d.read(8192, back);
            assertArrayEquals(new byte[4096], back.array(), "a failed write must not reach the device");
            d.sync();
            assertEquals(1, d.faultsInjected());
            d.heal();
            d.write(8192, filled(2));
            back.clear();
            d.read(8192, back);
            assertArrayEquals(filled(2).array(), back.array());
        }
    }

    @Test
    void failsReadsAndSyncs() throws IOException {
        try (FaultyBlockDevice d = new FaultyBlockDevice(FileBlockDevice.create(files.backingFile(), 1 << 20, null))) {
            d.failing(DeviceOperation.READ, FaultTrigger.everyNth(2)).failing(DeviceOperation.SYNC, FaultTrigger.once());
            d.read(0, ByteBuffer.allocate(512));
            assertThrows(IOException.class, () -> d.read(0, ByteBuffer.allocate(512)));
            d.read(0, ByteBuffer.allocate(512));
            final IOException e = assertThrows(IOException.class, d::sync);
            assertTrue(e.getMessage().contains("sync of bytes [0, 1048576)"), e.getMessage());
            d.sync();
            assertEquals(2, d.faultsInjected());
        }
    }

    @Test
    void delayingDeviceAsksItsSleeperForEachDelayedOperation() throws IOException {
        final List<Long> slept = new ArrayList<>();
        try (DelayingBlockDevice d =
                 new DelayingBlockDevice(FileBlockDevice.create(files.backingFile(), 1 << 20, null), slept::add)) {
            d.delaying(DeviceOperation.WRITE, Duration.ofMillis(3)).delaying(DeviceOperation.SYNC, Duration.ofMillis(7));
            d.write(0, filled(1));
            d.read(0, ByteBuffer.allocate(4096));
            d.sync();
            assertEquals(List.of(3_000_000L, 7_000_000L), slept);
            d.delaying(DeviceOperation.WRITE, Duration.ZERO);
            d.write(0, filled(1));
            assertEquals(2, slept.size());
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> d.delaying(DeviceOperation.READ, Duration.ofMillis(-1)));
            assertTrue(e.getMessage().contains("READ"), e.getMessage());
        }
    }
}
