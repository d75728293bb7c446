package dev.interpose.config;

import java.time.Duration;

/**
 * How a request is sent again to an upstream that failed it before answering: after a connect failure, a
 * reset before the response head, or a 429, 500, 502, 503 or 529 answer, and only while nothing went to
 * the client. Waits grow exponentially from {@code backoff} with jitter, never less than the upstream's
 * {@code retry-after}; at most {@code maxAttempts} attempts in all, waiting at most {@code maxDelay} in
 * total.
 */
public record RetryConfig(int maxAttempts, Duration backoff, Duration maxDelay) {
    public static final RetryConfig DEFAULT = new RetryConfig(ConfigTable.MAX_ATTEMPTS.defaultValue(),
            ConfigTable.BACKOFF.defaultValue(), ConfigTable.MAX_DELAY.defaultValue());

    /** Checks each value against its key in {@link ConfigTable}, and that a retry could wait its backoff. */
    public RetryConfig {
        ConfigTable.MAX_ATTEMPTS.check(maxAttempts);
        ConfigTable.BACKOFF.check(backoff);
        ConfigTable.MAX_DELAY.check(maxDelay);
        String delay = maxDelayProblem(maxAttempts, backoff, maxDelay);
        if (delay != null) {
            throw ConfigTable.MAX_DELAY.invalid(null, ValueType.formatDuration(maxDelay), delay);
        }
    }

    /** Null when {@code maxDelay} leaves room for the first retry's wait; else what it must be. */
    static String maxDelayProblem(int maxAttempts, Duration backoff, Duration maxDelay) {
        return maxAttempts > 1 && maxDelay.toMillis() < backoff.toMillis() / 2 ? "at least half of retry.backoff ("
                + ValueType.formatDuration(backoff) + "), or no retry could ever wait that long" : null;
    }
}
