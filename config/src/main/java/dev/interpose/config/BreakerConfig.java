package dev.interpose.config;

import java.time.Duration;
import java.util.Objects;

/**
 * An upstream's circuit breaker: over a sliding window of the last {@code window} calls (once at least
 * {@code minimumCalls} were made), it opens when the share of failed calls reaches {@code failureRate}
 * percent, or the share of calls whose response head took longer than {@code slowCall} reaches
 * {@code slowCallRate} percent. Open, it answers at once for {@code openFor}, then lets
 * {@code halfOpenCalls} probes through to decide whether to close again.
 */
public record BreakerConfig(boolean enabled, int failureRate, int slowCallRate, Duration slowCall, int window,
        int minimumCalls, Duration openFor, int halfOpenCalls) {

    public static final BreakerConfig DEFAULT = new BreakerConfig(true, 50, 100, Duration.ofMinutes(5), 20, 10,
            Duration.ofSeconds(30), 2);

    public BreakerConfig {
        Objects.requireNonNull(slowCall, "slowCall");
        Objects.requireNonNull(openFor, "openFor");
    }
}
