package dev.interpose.proxy.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The cache's meters, registered once and kept across reloads: requests by result
 * ({@code interpose_cache_requests_total{result=hit|collapsed|miss|refresh|bypass}}), stores, evictions by cause, and
 * the bytes and entries of the cache in use.
 */
public final class CacheMetrics {
    private final MeterRegistry registry;
    private final Counter hits;
    private final Counter collapsed;
    private final Counter misses;
    private final Counter refreshes;
    private final Counter bypasses;
    private final Counter stores;
    private final AtomicReference<ResponseCache> current = new AtomicReference<>();

    public CacheMetrics(MeterRegistry registry) {
        this.registry = registry;
        hits = request(registry, "hit");
        collapsed = request(registry, "collapsed");
        misses = request(registry, "miss");
        refreshes = request(registry, "refresh");
        bypasses = request(registry, "bypass");
        stores = Counter.builder("interpose.cache.stores").description("Answers stored in the response cache")
                .register(registry);
        Gauge.builder("interpose.cache.bytes", current, c -> c.get() == null ? 0 : c.get().bytes())
                .description("Bytes held by the response cache, keys and answers weighed").baseUnit("bytes")
                .register(registry);
        Gauge.builder("interpose.cache.entries", current, c -> c.get() == null ? 0 : c.get().entries())
                .description("Answers held by the response cache").register(registry);
    }

    private static Counter request(MeterRegistry registry, String result) {
        return Counter.builder("interpose.cache.requests").tag("result", result)
                .description("Requests the response cache was consulted for, by how they were answered")
                .register(registry);
    }

    void watch(ResponseCache cache) {
        current.set(cache);
    }

    void request(String result) {
        switch (result) {
            case "hit": hits.increment(); break;
            case "collapsed": collapsed.increment(); break;
            case "refresh": refreshes.increment(); break;
            case "bypass": bypasses.increment(); break;
            default: misses.increment(); break;
        }
    }

    void stored() {
        stores.increment();
    }

    void evicted(String cause) {
        Counter.builder("interpose.cache.evictions").tag("cause", cause)
                .description("Answers the response cache dropped to stay within its bytes, or at their TTL")
                .register(registry).increment();
    }
}
