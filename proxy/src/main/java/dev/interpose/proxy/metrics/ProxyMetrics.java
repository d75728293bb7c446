package dev.interpose.proxy.metrics;

import dev.interpose.proxy.outcome.ExchangeRecord;
import dev.interpose.proxy.outcome.Outcome;
import dev.interpose.proxy.stream.Usage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
    private final Map<RequestKey, Meters> byRequest = new ConcurrentHashMap<>();
    private final Map<String, Timer> headByUpstream = new ConcurrentHashMap<>();
    private final Map<TokenKey, Counter> tokens = new ConcurrentHashMap<>();
    private final Map<String, Counter> translated = new ConcurrentHashMap<>();

    private record RequestKey(String route, int status, Outcome outcome) {
    }

    private record TokenKey(String model, String kind) {
    }

    /** The meters of one (route, status, outcome), built once and reused: no builder on the hot path. */
    private record Meters(Counter requests, Timer duration) {
    }

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
        Meters meters = byRequest.computeIfAbsent(new RequestKey(r.route(), r.status(), r.outcome()), this::meters);
        meters.requests().increment();
        meters.duration().record((long) (r.durationMillis() * 1_000_000), TimeUnit.NANOSECONDS);
        if (r.headMillis() >= 0) {
            headByUpstream.computeIfAbsent(r.upstream(), upstream -> Timer.builder("interpose.upstream.head")
                    .description("From request sent upstream to response head")
                    .tags("upstream", upstream)
                    .publishPercentileHistogram()
                    .register(registry)).record((long) (r.headMillis() * 1_000_000), TimeUnit.NANOSECONDS);
        }
        bytesIn.record(r.bytesIn());
        bytesOut.record(r.bytesOut());
        if (r.translatedTo() != null) {
            translated.computeIfAbsent(r.path() + " " + r.translatedTo(), k -> Counter.builder("interpose.translations")
                    .description("Requests translated for an upstream of another API, by client path and upstream API")
                    .tags("path", r.path(), "upstream_dialect", r.translatedTo()).register(registry)).increment();
        }
        if (!"hit".equals(r.cache()) && !"collapsed".equals(r.cache())) {
            tokens(r.usage()); // a replay's usage was counted when the upstream spent those tokens
        }
    }

    private Meters meters(RequestKey key) {
        String outcome = key.outcome().label();
        Counter requests = Counter.builder("interpose.requests").description("Requests by route, status and outcome")
                .tags("route", key.route(), "status", String.valueOf(key.status()), "outcome", outcome)
                .register(registry);
        Timer duration = Timer.builder("interpose.request.duration")
                .description("From request received to response finished")
                .tags("route", key.route(), "outcome", outcome)
                .publishPercentileHistogram()
                .register(registry);
        return new Meters(requests, duration);
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
            tokens.computeIfAbsent(new TokenKey(model, kind), k -> Counter.builder("interpose.tokens")
                    .description("Tokens reported by upstreams")
                    .tags("model", k.model(), "kind", k.kind()).register(registry)).increment(n);
        }
    }
}
