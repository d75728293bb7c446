package dev.interpose.config;

import java.time.Duration;
import java.util.Objects;

/**
 * An upstream's bulkhead: at most {@code maxConcurrent} requests in flight to it; more wait up to
 * {@code maxWait} for a slot, then get a 503 in their dialect.
 */
public record BulkheadConfig(int maxConcurrent, Duration maxWait) {
    public static final BulkheadConfig DEFAULT = new BulkheadConfig(256, Duration.ofSeconds(10));

    public BulkheadConfig {
        Objects.requireNonNull(maxWait, "maxWait");
    }
}
