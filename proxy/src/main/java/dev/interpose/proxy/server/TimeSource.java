package dev.interpose.proxy.server;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.util.Objects;

/**
 * The time the proxy's timed state reads: the wall clock the circuit breakers wait out their open state on,
 * and the ticker the response cache's TTL runs on. Production uses {@link #SYSTEM}; tests pass a time they
 * advance themselves, so that an open breaker or an expired entry needs no sleep. Immutable.
 *
 * @param clock  what each upstream's circuit breaker reads
 * @param ticker what the response cache's TTL reads, in nanoseconds
 */
public record TimeSource(Clock clock, Ticker ticker) {
    /** The system's clock and ticker. */
    public static final TimeSource SYSTEM = new TimeSource(Clock.systemUTC(), Ticker.systemTicker());

    public TimeSource {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(ticker, "ticker");
    }
}
