package dev.interpose.proxy.upstream;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An upstream's cap on requests in flight. A request enters at once while a slot is free, else waits in a
 * first-come queue; a freed slot passes straight to the next waiter, whose admission runs on its own event
 * loop. A waiter that gave up (timed out, cancelled) is skipped. Never blocks. Thread-safe.
 */
public final class Bulkhead {
    private final int max;
    private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
    private int running;

    public Bulkhead(int max) {
        this.max = max;
    }

    /** A request waiting for a slot; {@link #giveUp} and admission race safely. */
    public static final class Waiter {
        private final AtomicBoolean settled = new AtomicBoolean();
        private final Executor loop;
        private final Runnable admitted;

        Waiter(Executor loop, Runnable admitted) {
            this.loop = loop;
            this.admitted = admitted;
        }

        /** True when the waiter stopped waiting now; false when it was admitted first (it then holds a slot). */
        public boolean giveUp() {
            return settled.compareAndSet(false, true);
        }
    }

    /**
     * Takes a slot now (returns null) or queues the request (returns its waiter); {@code admitted} then runs
     * on {@code loop} once a slot is its, unless it gave up first.
     */
    public Waiter enter(Executor loop, Runnable admitted) {
        synchronized (this) {
            if (running < max) {
                running++;
                return null;
            }
            Waiter waiter = new Waiter(loop, admitted);
            queue.add(waiter);
            return waiter;
        }
    }

    /** The waiter stops waiting (timed out, cancelled) and leaves the queue; false when a slot was its first. */
    public boolean leave(Waiter waiter) {
        if (!waiter.giveUp()) {
            return false;
        }
        synchronized (this) {
            queue.remove(waiter);
        }
        return true;
    }

    /** A request holding a slot ended: the slot goes to the next waiter that still waits. */
    public void release() {
        while (true) {
            Waiter next;
            synchronized (this) {
                next = queue.poll();
                if (next == null) {
                    running--;
                    return;
                }
            }
            if (next.settled.compareAndSet(false, true)) {
                next.loop.execute(next.admitted); // the slot is the waiter's now
                return;
            }
        }
    }

    /** Requests in flight now. */
    public synchronized int running() {
        return running;
    }

    /** Requests waiting for a slot now (some may have given up). */
    public synchronized int waiting() {
        return queue.size();
    }
}
