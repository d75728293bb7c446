package dev.interpose.proxy.metrics;

import dev.interpose.proxy.exchange.ExchangeRecord;
import dev.interpose.proxy.stream.Usage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * All of the proxy's meters, built here and only here. Thread-safe.
 *
 * <ul>
 *   <li>{@code interpose_requests_total{route,status,outcome}}</li>
 *   <li>{@code interpose_request_duration_seconds{route,outcome}} (histogram)</li>
 *   <li>{@code interpose_upstream_head_seconds{upstream}} time to the upstream's response head</li>
 *   <li>{@code interpose_active_exchanges}, {@code interpose_active_streams}</li>
 *   <li>{@code interpose_bytes_total{direction}} request bytes upstream, response bytes to clients</li>
 *   <li>{@code interpose_tokens_total{model,kind}} input, output, cache_read, cache_write</li>
 * </ul>
 */
public final class ProxyMetrics {
    private final MeterRegistry registry;
    private final AtomicInteger activeExchanges = new AtomicInteger();
    private final AtomicInteger activeStreams = new AtomicInteger();
    private final DistributionSummary bytesIn;
    private final DistributionSummary bytesOut;

    public ProxyMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("interpose.active.exchanges", activeExchanges, AtomicInteger::get)
                .description("Exchanges between request received and response finished").register(registry);
        Gauge.builder("interpose.active.streams", activeStreams, AtomicInteger::get)
                .description("Responses currently streaming to clients").register(registry);
        bytesIn = DistributionSummary.builder("interpose.request.bytes").baseUnit("bytes")
                .description("Request body bytes forwarded upstream").register(registry);
        bytesOut = DistributionSummary.builder("interpose.response.bytes").baseUnit("bytes")
                .description("Response body bytes relayed to clients").register(registry);
    }

    /** Counts an exchange in; pair with {@link #exchangeFinished}. */
    public void exchangeStarted() {
        activeExchanges.incrementAndGet();
    }

    public int activeExchanges() {
        return activeExchanges.get();
    }

    public void streamStarted() {
        activeStreams.incrementAndGet();
    }

    public void streamFinished() {
        activeStreams.decrementAndGet();
    }

    public int activeStreams() {
        return activeStreams.get();
    }

    /** Records a finished exchange; counts it out of the active exchanges when it was counted in. */
    public void exchangeFinished(ExchangeRecord r, boolean wasActive) {
        if (wasActive) {
            activeExchanges.decrementAndGet();
        }
        String status = String.valueOf(r.status());
        String outcome = r.outcome().label();
        Counter.builder("interpose.requests").description("Requests by route, status and outcome")
                .tags("route", r.route(), "status", status, "outcome", outcome)
                .register(registry).increment();
        Timer.builder("interpose.request.duration").description("From request received to response finished")
                .tags("route", r.route(), "outcome", outcome)
                .publishPercentileHistogram()
                .register(registry).record((long) (r.durationMillis() * 1_000_000), TimeUnit.NANOSECONDS);
        if (r.headMillis() >= 0) {
            Timer.builder("interpose.upstream.head").description("From request sent upstream to response head")
                    .tags("upstream", r.upstream())
                    .publishPercentileHistogram()
                    .register(registry).record((long) (r.headMillis() * 1_000_000), TimeUnit.NANOSECONDS);
        }
        bytesIn.record(r.bytesIn());
        bytesOut.record(r.bytesOut());
        tokens(r.usage());
    }

    private void tokens(Usage usage) {
        if (usage == null || !usage.reported()) {
            return;
        }
        String model = usage.model() == null ? "unknown" : usage.model();
        count(model, "input", usage.inputTokens());
        count(model, "output", usage.outputTokens());
        count(model, "cache_read", usage.cacheRead());
        count(model, "cache_write", usage.cacheWrite());
    }

    private void count(String model, String kind, long n) {
        if (n > 0) {
            Counter.builder("interpose.tokens").description("Tokens reported by upstreams")
                    .tags("model", model, "kind", kind).register(registry).increment(n);
        }
    }
}
