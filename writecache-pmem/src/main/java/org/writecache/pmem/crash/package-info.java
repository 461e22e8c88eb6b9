/**
 * Crash simulation: {@link org.writecache.pmem.crash.CrashSimulatingMemory} records what code does to persistent
 * memory and produces the media images a crash could leave, so that recovery can be checked against each of them.
 * {@link org.writecache.pmem.crash.CrashPlan} says which images; {@link org.writecache.pmem.crash.Tearing} how much
 * of a dirty cache line may have reached media.
 */
package org.writecache.pmem.crash;
