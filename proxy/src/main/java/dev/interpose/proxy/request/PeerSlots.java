package dev.interpose.proxy.request;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A cap on how many of one kind of run each client address has in flight. Taken on an event loop, given back
 * from whichever thread the run ends on; thread-safe. An address with nothing in flight holds no entry.
 */
public final class PeerSlots {
    private final int cap;
    private final ConcurrentHashMap<String, Integer> running = new ConcurrentHashMap<>();

    public PeerSlots(int cap) {
        this.cap = cap;
    }

    /** Takes a slot for {@code peer}; false when it already holds the cap (nothing taken then). */
    public boolean tryAcquire(String peer) {
        boolean[] taken = new boolean[1];
        running.compute(peer, (k, n) -> {
            int now = n == null ? 0 : n;
            taken[0] = now < cap;
            return taken[0] ? now + 1 : n;
        });
        return taken[0];
    }

    /** Gives back a slot taken by {@link #tryAcquire}. */
    public void release(String peer) {
        running.computeIfPresent(peer, (k, n) -> n <= 1 ? null : n - 1);
    }
}
