package dev.interpose.config;

import java.time.Duration;

/**
 * An upstream's circuit breaker: over a sliding window of the last {@code window} calls (once at least
 * {@code minimumCalls} were made), it opens when the share of failed calls reaches {@code failureRate}
 * percent, or the share of calls whose response head took longer than {@code slowCall} reaches
 * {@code slowCallRate} percent. Open, it answers at once for {@code openFor}, then lets
 * {@code halfOpenCalls} probes through to decide whether to close again.
 */
public record BreakerConfig(boolean enabled, int failureRate, int slowCallRate, Duration slowCall, int window,
        int minimumCalls, Duration openFor, int halfOpenCalls) {

    public static final BreakerConfig DEFAULT = new BreakerConfig(ConfigTable.BREAKER_ENABLED.defaultValue(),
            ConfigTable.FAILURE_RATE.defaultValue(), ConfigTable.SLOW_CALL_RATE.defaultValue(),
            ConfigTable.SLOW_CALL.defaultValue(), ConfigTable.WINDOW.defaultValue(),
            ConfigTable.MINIMUM_CALLS.defaultValue(), ConfigTable.OPEN_FOR.defaultValue(),
            ConfigTable.HALF_OPEN_CALLS.defaultValue());

    /** Checks each value against its key in {@link ConfigTable}. */
    public BreakerConfig {
        ConfigTable.FAILURE_RATE.check(failureRate);
        ConfigTable.SLOW_CALL_RATE.check(slowCallRate);
        ConfigTable.SLOW_CALL.check(slowCall);
        ConfigTable.WINDOW.check(window);
        ConfigTable.MINIMUM_CALLS.check(minimumCalls);
        ConfigTable.OPEN_FOR.check(openFor);
        ConfigTable.HALF_OPEN_CALLS.check(halfOpenCalls);
    }
}
