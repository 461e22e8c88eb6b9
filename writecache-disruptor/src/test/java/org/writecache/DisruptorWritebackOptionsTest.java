package org.writecache;

/** {@link WritebackOptionsTest} with the Disruptor pipeline on the class path: the pipeline tests run for both. */
class DisruptorWritebackOptionsTest extends WritebackOptionsTest {
}
