package org.writecache.freelist;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** JFR event: one writer's wait for free cache blocks, from queueing to getting them or giving up. */
@Name("org.writecache.FreeListWait")
@Label("Free Block Wait")
@Category({"writecache", "Freelist"})
@Description("A writer waited for free cache blocks")
final class FreeListWaitEvent extends jdk.jfr.Event {
    @Label("Policy")
    String policy;

    @Label("Blocks Needed")
    int blocksNeeded;

    @Label("Consumed")
    @Description("False if the wait ended without taking blocks: need met another way, timeout, interrupt, close")
    boolean consumed;

    @Label("Wakeups")
    int wakeups;
}
