package dev.interpose.config;

import java.time.Duration;

/**
 * An upstream's bulkhead: at most {@code maxConcurrent} requests in flight to it; more wait up to
 * {@code maxWait} for a slot, then get a 503 in their dialect.
 */
public record BulkheadConfig(int maxConcurrent, Duration maxWait) {
    public static final BulkheadConfig DEFAULT = new BulkheadConfig(ConfigTable.BULKHEAD_CONCURRENT.defaultValue(),
            ConfigTable.MAX_WAIT.defaultValue());

    /** Checks each value against its key in {@link ConfigTable}. */
    public BulkheadConfig {
        ConfigTable.BULKHEAD_CONCURRENT.check(maxConcurrent);
        ConfigTable.MAX_WAIT.check(maxWait);
    }
}
