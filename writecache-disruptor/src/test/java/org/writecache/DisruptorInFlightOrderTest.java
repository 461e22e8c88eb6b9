package org.writecache;

/** {@link InFlightOrderTest} with the Disruptor pipeline on the class path: runs for both pipelines. */
class DisruptorInFlightOrderTest extends InFlightOrderTest {
}
