package dev.interpose.proxy.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The cache's meters, registered once and kept across reloads: requests by result
 * ({@code interpose_cache_requests_total{result=hit|collapsed|miss|refresh|bypass}}), stores, evictions by cause, and
 * the bytes and entries of the cache in use.
 */
public final class CacheMetrics {
    /** How a request the cache was asked about was answered. */
    static final List<String> RESULTS = List.of("hit", "collapsed", "miss", "refresh", "bypass");

    private final MeterRegistry registry;
    private final Map<String, Counter> requests = new HashMap<>(); // filled once, then only read
    private final Counter stores;
    private final Map<String, Counter> evictions = new ConcurrentHashMap<>(); // one per cause, built at its first
    private final AtomicReference<ResponseCache> current = new AtomicReference<>();

    public CacheMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (String result : RESULTS) {
            requests.put(result, Counter.builder("interpose.cache.requests").tag("result", result)
                    .description("Requests the response cache was consulted for, by how they were answered")
                    .register(registry));
        }
        stores = Counter.builder("interpose.cache.stores").description("Answers stored in the response cache")
                .register(registry);
        Gauge.builder("interpose.cache.bytes", current, c -> c.get() == null ? 0 : c.get().bytes())
                .description("Bytes held by the response cache, keys and answers weighed").baseUnit("bytes")
                .register(registry);
        Gauge.builder("interpose.cache.entries", current, c -> c.get() == null ? 0 : c.get().entries())
                .description("Answers held by the response cache").register(registry);
    }

    void watch(ResponseCache cache) {
        current.set(cache);
    }

    /** Counts one request under one of {@link #RESULTS}. */
    void request(String result) {
        requests.get(result).increment();
    }

    void stored() {
        stores.increment();
    }

    void evicted(String cause) {
        evictions.computeIfAbsent(cause, c -> Counter.builder("interpose.cache.evictions").tag("cause", c)
                .description("Answers the response cache dropped to stay within its bytes, or at their TTL")
                .register(registry)).increment();
    }
}
