package dev.interpose.proxy.request;

/** A stage whose work runs off the event loop; it comes back to the loop by itself. */
interface OffLoopStage {
    /** The client went away: stop the work where it can be stopped; whatever comes back is released. */
    void cancel();
}
