package dev.interpose.proxy.exchange;

import io.netty.channel.Channel;

/**
 * Backpressure for {@link ResponseRelay}: the upstream connection (auto-read off) is read only as fast as the
 * client drains. After a read, a client that cannot take more stops the reading and pauses the idle timer (a
 * slow client never looks like a silent upstream); its writability coming back resumes both. Confined to the
 * exchange's event loop.
 */
final class ReadThrottle {
    private final Channel client;
    private final ExchangeTimers timers;
    /** The upstream connection being read; null for a replay, or once the body ended. */
    private Channel upstream;
    private boolean paused;

    ReadThrottle(Channel client, ExchangeTimers timers) {
        this.client = client;
        this.timers = timers;
    }

    /** Reads {@code upstream} from now on (null: nothing to throttle). */
    void follow(Channel upstream) {
        this.upstream = upstream;
    }

    /** The end of one read from the upstream: flush, and stop reading while the client cannot take more. */
    void readComplete() {
        client.flush();
        if (upstream != null && !client.isWritable()) {
            // The client is slower than the upstream: stop reading until it has drained.
            paused = true;
            timers.pause();
            upstream.config().setAutoRead(false);
        }
    }

    /** The client channel's writability changed: resume reading the upstream once it drained. */
    void writable() {
        if (paused && client.isWritable()) {
            paused = false;
            timers.resume();
            if (upstream != null) {
                upstream.config().setAutoRead(true);
            }
        }
    }
}
