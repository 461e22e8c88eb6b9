package org.writecache.freelist;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * JFR event: a blip, an interval during which free blocks (minus those promised to woken waiters) would have satisfied
 * a parked waiter that nobody woke. Begins when the freelist enters that state and is committed when it leaves it.
 */
@Name("org.writecache.FreeListBlip")
@Label("Free Block Blip")
@Category({"writecache", "Freelist"})
@Description("Free blocks sat idle while a writer that they would satisfy stayed parked")
final class FreeListBlipEvent extends jdk.jfr.Event {
    @Label("Policy")
    String policy;

    @Label("Free Blocks")
    @Description("Unpromised free blocks when the blip began")
    int freeBlocks;

    @Label("Parked Waiters")
    int parkedWaiters;
}
