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
    private long timeoutNanos;
    private long lastActivity;
    private boolean paused;

    ExchangeTimer(EventLoop loop, Runnable onTimeout) {
        this.loop = loop;
        this.onTimeout = onTimeout;
    }

    /** Starts timing {@code timeout} of silence from now, replacing any running timeout. */
    void arm(Duration timeout) {
        cancel();
        timeoutNanos = timeout.toNanos();
        lastActivity = System.nanoTime();
        paused = false;
        check = loop.schedule(this::check, timeoutNanos, TimeUnit.NANOSECONDS);
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
            long wait = paused ? timeoutNanos : timeoutNanos - silent;
            check = loop.schedule(this::check, wait, TimeUnit.NANOSECONDS);
            return;
        }
        onTimeout.run();
    }
}
