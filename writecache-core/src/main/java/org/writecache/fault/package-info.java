/**
 * Fault injection for backing devices, in the spirit of Linux's dm-flakey and dm-delay targets and nbdkit's error and
 * delay filters: {@link org.writecache.BlockDevice} decorators that fail or slow down reads, writes and syncs.
 *
 * <p>{@link org.writecache.fault.FaultyBlockDevice} throws an {@link java.io.IOException} ("Input/output error", EIO)
 * whenever the {@link org.writecache.fault.FaultTrigger} set for an operation fires: always, once, every Nth call, at
 * a seeded rate, optionally only for requests touching a byte range. {@link org.writecache.fault.DelayingBlockDevice}
 * adds a fixed latency per operation through an injectable {@link org.writecache.fault.Sleeper}, so tests can record
 * delays instead of sleeping. Embedders use them to test their own handling of device errors.
 */
package org.writecache.fault;
