package dev.interpose.proxy.upstream;

import dev.interpose.config.BreakerConfig;
import dev.interpose.config.UpstreamConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One Resilience4j circuit breaker per upstream, kept across reloads while the upstream's breaker settings
 * stay the same (a reload does not forget a failing upstream). Its state and counts are published as
 * {@code resilience4j_circuitbreaker_*} metrics tagged with the upstream's name. Thread-safe.
 */
public final class Breakers {
    private final CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
    private final Map<String, BreakerConfig> settings = new ConcurrentHashMap<>();

    public Breakers(MeterRegistry meters) {
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
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
                .build());
    }
}
