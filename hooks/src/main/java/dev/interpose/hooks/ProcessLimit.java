package dev.interpose.hooks;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * How many hook processes may run at once. A run that finds no free slot waits, and the wait counts against
 * its timeout: a hook that cannot start in time is a hook error (so a fail-closed hook blocks), instead of
 * a hundred processes and three hundred reader threads fighting over the cores until they all time out.
 *
 * <p>The {@linkplain #shared() shared} limit is twice the cores, at least 4: hook scripts are short and
 * mostly CPU (an interpreter starting, {@code jq}, {@code git}), so more in parallel than that only slows
 * each one down, while twice the cores keeps the cores busy when some of them wait on I/O. Thread-safe.
 */
public final class ProcessLimit {
    private static final ProcessLimit SHARED = new ProcessLimit(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()));

    private final int max;
    private final Semaphore slots;

    /** @param max how many processes may run at once, at least 1 */
    public ProcessLimit(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max: " + max + " (expected: at least 1)");
        }
        this.max = max;
        this.slots = new Semaphore(max, true);
    }

    /** The limit all script hooks of this JVM share unless given their own. */
    public static ProcessLimit shared() {
        return SHARED;
    }

    public int max() {
        return max;
    }

    /** Takes a slot, waiting until {@code deadline} ({@link System#nanoTime()}) at most; whether it got one. */
    boolean acquire(long deadline) throws InterruptedException {
        return slots.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    void release() {
        slots.release();
    }
}
