package dev.interpose.proxy.exchange;

import dev.interpose.config.RetryConfig;
import dev.interpose.config.UpstreamConfig;
import dev.interpose.proxy.error.ErrorKind;
import dev.interpose.proxy.upstream.UpstreamClient;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * When an exchange tries again: another attempt at the same upstream after a back-off (at most
 * {@code retry.max-attempts}, waiting at most {@code retry.max-delay} in all, never less than the upstream's
 * {@code retry-after}), then the route's fallback upstreams in order. Only failures whose {@link ErrorKind} is
 * {@link ErrorKind#retryable() retryable} are tried again, and only while the exchange still holds the whole
 * request and nothing has reached the client (the caller's part). One per exchange, on its event loop.
 */
public final class AttemptPolicy {
    /**
     * The upstream statuses that mean "try again" (overloaded, rate-limited, failing), as the error kind
     * the proxy would give them; any other status is the upstream's answer, relayed as it is.
     */
    private static final Map<Integer, ErrorKind> RETRYABLE_STATUSES = Map.of(
            429, ErrorKind.TOO_MANY_REQUESTS,
            500, ErrorKind.INTERNAL,
            502, ErrorKind.UPSTREAM_BAD_RESPONSE,
            503, ErrorKind.UPSTREAM_BUSY,
            529, ErrorKind.UPSTREAM_BUSY);

    private final List<String> fallbacks;
    private int fallbackIndex;
    private int attempts = 1;
    private long waitedMillis;

    AttemptPolicy(List<String> fallbacks) {
        this.fallbacks = fallbacks;
    }

    /** The kind of failure an upstream status stands for, or null when the status is an answer to relay. */
    static ErrorKind kindOf(int status) {
        return RETRYABLE_STATUSES.get(status);
    }

    /** Attempts made at the current upstream. */
    int attempts() {
        return attempts;
    }

    /**
     * Counts the next attempt and returns the wait before it, or -1 when {@code kind} may not be retried or
     * the attempts or the total wait are spent.
     *
     * @param retryAfterMillis what the upstream asked to wait, or 0
     */
    long nextRetry(ErrorKind kind, RetryConfig retry, long retryAfterMillis) {
        if (!kind.retryable() || attempts >= retry.maxAttempts()) {
            return -1;
        }
        double jitter = 0.5 + ThreadLocalRandom.current().nextDouble();
        long backoff = (long) (retry.backoff().toMillis() * Math.pow(2, attempts - 1) * jitter);
        long wait = Math.max(backoff, retryAfterMillis);
        if (waitedMillis + wait > retry.maxDelay().toMillis()) {
            return -1;
        }
        waitedMillis += wait;
        attempts++;
        return wait;
    }

    /**
     * The next fallback upstream that exists and {@code usable} accepts (one the request's credential may go
     * to), its attempts counted afresh; null when none is left.
     */
    UpstreamClient nextFallback(Map<String, UpstreamClient> upstreams, Predicate<UpstreamConfig> usable) {
        while (fallbackIndex < fallbacks.size()) {
            UpstreamClient alternate = upstreams.get(fallbacks.get(fallbackIndex++));
            if (alternate != null && usable.test(alternate.config())) {
                attempts = 1;
                waitedMillis = 0;
                return alternate;
            }
        }
        return null;
    }

    /** A {@code retry-after} value (seconds or an HTTP date) in milliseconds from now; 0 when absent or unreadable. */
    public static long retryAfterMillis(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(value.strip()) * 1000);
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, at.toInstant().toEpochMilli() - System.currentTimeMillis());
            } catch (DateTimeParseException notADate) {
                return 0;
            }
        }
    }
}
