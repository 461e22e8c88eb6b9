package org.writecache;

/**
 * The life of a cache block, one byte per block. Transitions, all under the engine lock:
 *
 * <pre>
 *  FREE --write--&gt; UNCOMMITTED --commit--&gt; COMMITTED --writeback picks it--&gt; WRITEBACK --durable on device--&gt; FREE
 *  COMMITTED   --overwritten--&gt; SUPERSEDED            --next commit--&gt;            FREE
 *  WRITEBACK   --overwritten or discarded--&gt; SUPERSEDED_WRITEBACK --durable on device--&gt; FREE
 *  UNCOMMITTED, COMMITTED --discarded--&gt; FREE
 * </pre>
 *
 * UNCOMMITTED, COMMITTED and WRITEBACK blocks are mapped in the index; the superseded ones are not.
 */
final class BlockState {
    static final byte FREE = 0;
    static final byte UNCOMMITTED = 1;
    static final byte COMMITTED = 2;
    static final byte WRITEBACK = 3;
    static final byte SUPERSEDED = 4;
    static final byte SUPERSEDED_WRITEBACK = 5;

    private BlockState() {
    }
}
