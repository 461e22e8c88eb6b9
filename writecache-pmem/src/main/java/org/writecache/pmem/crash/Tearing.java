package org.writecache.pmem.crash;

/**
 * What a dirty cache line may look like on media after a crash. Whatever the mode, a line that was flushed and then
 * fenced holds at least its content as of that flush, and an aligned 8-byte store is never split.
 */
public enum Tearing {
    /** A dirty line either reached media with its latest content or not at all: two states per line. */
    LINE,
    /**
     * The x86 model: a line may reach media at any moment, so it holds its old content plus a prefix, in program
     * order, of the 8-byte word stores made to it since; a copy or fill can appear cut off at any word.
     * {@code n + 1} states for a line with {@code n} pending word stores.
     */
    PREFIX,
    /**
     * Adversarial: each dirty 8-byte word independently holds any value it had since the line was last durable,
     * ignoring program order inside the line. Catches code that relies on stores within a line persisting in order.
     */
    ADVERSARIAL
}
