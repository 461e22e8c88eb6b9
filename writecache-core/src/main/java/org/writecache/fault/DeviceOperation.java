package org.writecache.fault;

/** The backing device operations a fault or a delay can be attached to. */
public enum DeviceOperation {
    /** {@link org.writecache.BlockDevice#read}. */
    READ,
    /** {@link org.writecache.BlockDevice#write}. */
    WRITE,
    /** {@link org.writecache.BlockDevice#sync}. */
    SYNC
}
