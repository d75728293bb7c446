package dev.interpose.proxy.upstream;

import dev.interpose.config.BreakerConfig;
import dev.interpose.config.UpstreamConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One Resilience4j circuit breaker and one {@link Bulkhead} per upstream, kept across reloads while the upstream's breaker settings
 * stay the same (a reload does not forget a failing upstream). Its state and counts are published as
 * {@code resilience4j_circuitbreaker_*} metrics tagged with the upstream's name. Thread-safe.
 */
public final class Breakers {
    private final CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
    private final Map<String, BreakerConfig> settings = new ConcurrentHashMap<>();
    private final Map<String, Bulkhead> bulkheads = new ConcurrentHashMap<>();
    private final Map<String, Integer> bulkheadSizes = new ConcurrentHashMap<>();

    private final Clock clock;

    /** Breakers that wait out their open state on the system clock. */
    public Breakers(MeterRegistry meters) {
        this(meters, Clock.systemUTC());
    }

    /** @param clock what the breakers wait out their open state on: the system's, or a test's */
    public Breakers(MeterRegistry meters, Clock clock) {
        this.clock = clock;
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
    }

    /** The upstream's bulkhead, kept across reloads while its size stays the same. */
    public synchronized Bulkhead bulkhead(UpstreamConfig upstream) {
        int max = upstream.bulkhead().maxConcurrent();
        if (!Integer.valueOf(max).equals(bulkheadSizes.get(upstream.name()))) {
            bulkheads.put(upstream.name(), new Bulkhead(max)); // requests in flight release into the old one
            bulkheadSizes.put(upstream.name(), max);
        }
        return bulkheads.get(upstream.name());
    }

    /** The upstream's breaker, or null when it has none. */
    public synchronized CircuitBreaker of(UpstreamConfig upstream) {
        BreakerConfig b = upstream.breaker();
        if (!b.enabled()) {
            registry.remove(upstream.name());
            settings.remove(upstream.name());
            return null;
        }
        if (!b.equals(settings.get(upstream.name()))) {
            registry.remove(upstream.name());
            settings.put(upstream.name(), b);
        }
        return registry.circuitBreaker(upstream.name(), CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(b.window())
                .minimumNumberOfCalls(b.minimumCalls())
                .failureRateThreshold(b.failureRate())
                .slowCallRateThreshold(b.slowCallRate())
                .slowCallDurationThreshold(b.slowCall())
                .waitDurationInOpenState(b.openFor())
                .permittedNumberOfCallsInHalfOpenState(b.halfOpenCalls())
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .clock(clock)
                .build());
    }
}
