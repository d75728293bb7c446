package dev.interpose.proxy.agent;

import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;

/**
 * The proxy-wide cap on agent calls in flight: a call starts at once while fewer than the cap run, else
 * waits in a first-come queue. Kept across reloads; a reload may change the cap. Thread-safe.
 */
public final class AgentLimiter {
    private final ArrayDeque<BooleanSupplier> queue = new ArrayDeque<>();
    private int cap;
    private int running;
    private int peak;

    public AgentLimiter(int cap) {
        this.cap = cap;
    }

    /**
     * Starts {@code start} now or when a slot frees. It returns true when it took the slot (it must then lead
     * to exactly one {@link #release}), false when it declined (cancelled meanwhile): the slot passes on.
     */
    public void submit(BooleanSupplier start) {
        synchronized (this) {
            if (running >= cap) {
                queue.add(start);
                return;
            }
            running++;
            peak = Math.max(peak, running);
        }
        if (!start.getAsBoolean()) {
            release();
        }
    }

    /** One call ended: the next waiting one that still wants to run gets the slot. */
    public void release() {
        while (true) { // a loop, not recursion: many declined calls must not grow the stack
            BooleanSupplier next;
            synchronized (this) {
                next = queue.poll();
                if (next == null) {
                    running--;
                    return;
                }
            }
            if (next.getAsBoolean()) {
                return;
            }
        }
    }

    public synchronized void setCap(int cap) {
        this.cap = cap;
    }

    /** Calls in flight now. */
    public synchronized int running() {
        return running;
    }

    /** Calls waiting for a slot now. */
    public synchronized int waiting() {
        return queue.size();
    }

    /** The most calls ever in flight at once. */
    public synchronized int peak() {
        return peak;
    }
}
