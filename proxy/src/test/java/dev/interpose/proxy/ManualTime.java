package dev.interpose.proxy;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.interpose.proxy.server.TimeSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock and ticker that stand still until a test {@linkplain #advance advances} them: a breaker's open
 * state or a cache entry's TTL then runs out exactly when the test says, however slow the machine is.
 * Thread-safe.
 */
public final class ManualTime extends Clock implements Ticker {
    private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");
    private final AtomicLong nanos = new AtomicLong();

    public void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }

    /** This time, for {@link TestProxy}. */
    public TimeSource source() {
        return new TimeSource(this, this);
    }

    @Override
    public long read() {
        return nanos.get();
    }

    @Override
    public Instant instant() {
        return START.plusNanos(nanos.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("one zone is enough for a test");
    }
}
