package dev.interpose.proxy.exchange;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One timeout at a time for an exchange: the wait for the response head, then the longest silence between
 * two chunks. Activity is a field write ({@link #touch}); the scheduled check re-arms itself for the time
 * left, as Netty's IdleStateHandler does. While the proxy itself has stopped reading (the client is slow)
 * the timer is paused, so a slow client never looks like a silent upstream. Confined to one event loop.
 */
final class ExchangeTimer {
    private final EventLoop loop;
    private final Runnable onTimeout;
    private ScheduledFuture<?> check;
    private long checkAt;
    private long timeoutNanos;
    private long lastActivity;
    private boolean paused;

    ExchangeTimer(EventLoop loop, Runnable onTimeout) {
        this.loop = loop;
        this.onTimeout = onTimeout;
    }

    /**
     * Starts timing {@code timeout} of silence from now, replacing the running timeout. A pending check
     * that fires no later than the new deadline is kept (it re-arms itself for the time left), so an
     * exchange usually schedules one task in all: pass the later timeout as {@code firstCheckWithin}.
     */
    void arm(Duration timeout, Duration firstCheckWithin) {
        timeoutNanos = timeout.toNanos();
        lastActivity = System.nanoTime();
        paused = false;
        long wait = Math.min(timeoutNanos, firstCheckWithin.toNanos());
        if (check == null || checkAt > lastActivity + wait) {
            cancel();
            schedule(wait);
        }
    }

    private void schedule(long waitNanos) {
        checkAt = System.nanoTime() + waitNanos;
        check = loop.schedule(this::check, waitNanos, TimeUnit.NANOSECONDS);
    }

    void touch() {
        lastActivity = System.nanoTime();
    }

    void pause() {
        paused = true;
    }

    void resume() {
        paused = false;
        lastActivity = System.nanoTime();
    }

    void cancel() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }

    private void check() {
        check = null;
        long silent = System.nanoTime() - lastActivity;
        if (paused || silent < timeoutNanos) {
            schedule(paused ? timeoutNanos : timeoutNanos - silent);
            return;
        }
        onTimeout.run();
    }
}
