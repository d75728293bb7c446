package dev.interpose.proxy.agent;

import java.util.ArrayDeque;

/**
 * The proxy-wide cap on agent calls in flight: a call starts at once while fewer than the cap run, else
 * waits in a first-come queue. Kept across reloads; a reload may change the cap. Thread-safe.
 */
public final class AgentLimiter {
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private int cap;
    private int running;
    private int peak;

    public AgentLimiter(int cap) {
        this.cap = cap;
    }

    /** Runs {@code start} now or when a slot frees; {@code start} must lead to exactly one {@link #release}. */
    public void submit(Runnable start) {
        synchronized (this) {
            if (running >= cap) {
                queue.add(start);
                return;
            }
            running++;
            peak = Math.max(peak, running);
        }
        start.run();
    }

    /** One call ended: the next waiting one starts. */
    public void release() {
        Runnable next;
        synchronized (this) {
            next = queue.poll();
            if (next == null) {
                running--;
                return;
            }
            peak = Math.max(peak, running);
        }
        next.run();
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
