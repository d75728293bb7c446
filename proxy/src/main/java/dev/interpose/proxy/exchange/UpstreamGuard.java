package dev.interpose.proxy.exchange;

import dev.interpose.proxy.upstream.Bulkhead;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.netty.channel.EventLoop;
import java.util.concurrent.TimeUnit;

/**
 * What an exchange holds of an upstream's resilience: a bulkhead slot (or its place in the queue for one)
 * and a permission of the circuit breaker. The breaker hears one verdict per attempt ({@link #settle});
 * {@link #release} gives back whatever is still held, exactly once, and a slot admitted after it is
 * released at once. Confined to the exchange's event loop (the bulkhead admits on it).
 */
final class UpstreamGuard {
    private Bulkhead slot;
    private Bulkhead queue;
    private Bulkhead.Waiter waiter;
    private CircuitBreaker permit;
    private long attemptNanos;
    private boolean released;

    /**
     * Takes a slot of {@code bulkhead}: true when taken at once, else false and {@code onAdmitted} runs on
     * {@code loop} once a slot is this exchange's (never after {@link #release}).
     */
    boolean enter(Bulkhead bulkhead, EventLoop loop, Runnable onAdmitted) {
        Bulkhead.Waiter queued = bulkhead.enter(loop, () -> admitted(bulkhead, onAdmitted));
        if (queued == null) {
            slot = bulkhead;
            return true;
        }
        queue = bulkhead;
        waiter = queued;
        return false;
    }

    private void admitted(Bulkhead bulkhead, Runnable onAdmitted) {
        queue = null;
        waiter = null;
        if (released) {
            bulkhead.release(); // the exchange ended while the slot was on its way
            return;
        }
        slot = bulkhead;
        onAdmitted.run();
    }

    /** Leaves the bulkhead's queue; false when not queued, or when a slot is already on its way. */
    boolean leaveQueue() {
        if (waiter == null || !queue.leave(waiter)) {
            return false;
        }
        queue = null;
        waiter = null;
        return true;
    }

    /** Gives the slot back (a fallback enters its own upstream's bulkhead). */
    void releaseSlot() {
        if (slot != null) {
            Bulkhead held = slot;
            slot = null;
            held.release();
        }
    }

    /** A permission of {@code breaker} for one attempt (always, without a breaker); false when it is open. */
    boolean permit(CircuitBreaker breaker) {
        if (breaker == null) {
            return true;
        }
        if (!breaker.tryAcquirePermission()) {
            return false;
        }
        permit = breaker;
        attemptNanos = System.nanoTime();
        return true;
    }

    /** Records this attempt's outcome with the breaker, once; nothing when no permission is held. */
    void settle(boolean failed, String why) {
        if (permit == null) {
            return;
        }
        CircuitBreaker breaker = permit;
        permit = null;
        long took = System.nanoTime() - attemptNanos; // this attempt only, not the waits before it
        if (failed) {
            breaker.onError(took, TimeUnit.NANOSECONDS, new UpstreamFailure(why));
        } else {
            breaker.onSuccess(took, TimeUnit.NANOSECONDS);
        }
    }

    /** The exchange ended: the queue left, the slot given back, a permission returned without a verdict. */
    void release() {
        if (released) {
            return;
        }
        released = true;
        leaveQueue();
        releaseSlot();
        if (permit != null) {
            CircuitBreaker breaker = permit;
            permit = null;
            breaker.releasePermission(); // ended without a verdict on the upstream (cancelled, or failed first)
        }
    }

    /** What the breaker counts as a failure: a message, no stack. */
    private static final class UpstreamFailure extends RuntimeException {
        UpstreamFailure(String message) {
            super(message, null, false, false);
        }
    }
}
