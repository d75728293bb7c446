package dev.interpose.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How a request is sent again to an upstream that failed it before answering: after a connect failure, a
 * reset before the response head, or a 429, 500, 502, 503 or 529 answer, and only while nothing went to
 * the client. Waits grow exponentially from {@code backoff} with jitter, never less than the upstream's
 * {@code retry-after}; at most {@code maxAttempts} attempts in all, waiting at most {@code maxDelay} in
 * total.
 */
public record RetryConfig(int maxAttempts, Duration backoff, Duration maxDelay) {
    public static final RetryConfig DEFAULT = new RetryConfig(3, Duration.ofMillis(500), Duration.ofSeconds(20));

    public RetryConfig {
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(maxDelay, "maxDelay");
    }
}
