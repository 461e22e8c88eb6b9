package org.writecache.pmem;

/** {@link CacheFileTest} with the Chronicle backend on the class path: each test runs for both backends, across them. */
class ChronicleCacheFileTest extends CacheFileTest {
}
