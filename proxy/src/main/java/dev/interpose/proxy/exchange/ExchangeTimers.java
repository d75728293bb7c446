package dev.interpose.proxy.exchange;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Every timer of one exchange, in one place, so that any end cancels them all ({@link #cancelAll}): the
 * watchdog ({@link ExchangeTimer}: head, idle and hold timeouts) and one wait before the connection (the
 * cache's wait for an identical request, the bulkhead's wait for a slot, the back-off before a retry; these
 * never overlap). Confined to the exchange's event loop.
 */
final class ExchangeTimers {
    private final EventLoop loop;
    private final ExchangeTimer watchdog;
    private ScheduledFuture<?> wait;

    ExchangeTimers(EventLoop loop, Runnable onTimeout) {
        this.loop = loop;
        this.watchdog = new ExchangeTimer(loop, onTimeout);
    }

    /** Runs {@code then} after {@code millis}, replacing the wait under way. */
    void waitFor(long millis, Runnable then) {
        cancelWait();
        wait = loop.schedule(() -> {
            wait = null;
            then.run();
        }, millis, TimeUnit.MILLISECONDS);
    }

    void cancelWait() {
        if (wait != null) {
            wait.cancel(false);
            wait = null;
        }
    }

    /** Times {@code timeout} of silence from now; see {@link ExchangeTimer#arm}. */
    void arm(Duration timeout, Duration firstCheckWithin) {
        watchdog.arm(timeout, firstCheckWithin);
    }

    void touch() {
        watchdog.touch();
    }

    void pause() {
        watchdog.pause();
    }

    void resume() {
        watchdog.resume();
    }

    void cancelWatchdog() {
        watchdog.cancel();
    }

    void cancelAll() {
        cancelWait();
        watchdog.cancel();
    }
}
