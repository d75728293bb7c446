package dev.interpose.proxy.exchange;

import dev.interpose.proxy.outcome.ExchangeRecord;
import dev.interpose.proxy.log.AccessLog;
import dev.interpose.proxy.metrics.ProxyMetrics;
import dev.interpose.proxy.upstream.UpstreamClient;
import java.util.Map;

/**
 * The services every exchange uses, built once at start-up and shared by all event loops.
 *
 * @param upstreams   the client of each upstream, by name
 * @param cache       the response cache (consulted only for requests it is on for)
 */
public record ExchangeContext(Map<String, UpstreamClient> upstreams, ProxyMetrics metrics, AccessLog accessLog,
        dev.interpose.proxy.cache.ResponseCache cache) {
    public ExchangeContext {
        upstreams = Map.copyOf(upstreams);
        java.util.Objects.requireNonNull(cache, "cache");
    }

    /** Logs and counts a request the proxy answered itself, without an exchange. */
    public void recordLocal(ExchangeRecord record) {
        metrics.exchangeFinished(record, false);
        accessLog.write(record);
    }
}
