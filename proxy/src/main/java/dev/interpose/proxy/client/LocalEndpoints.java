package dev.interpose.proxy.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.config.Extensions;
import dev.interpose.config.Secrets;
import dev.interpose.config.UpstreamConfig;
import dev.interpose.proxy.dialect.ProxyResponses;
import dev.interpose.proxy.metrics.ProxyMetrics;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * The two paths the proxy answers itself and never forwards: {@code GET /health} (JSON status) and
 * {@code GET /metrics} (Prometheus text). Called on the event loop; both answers are built in memory.
 */
final class LocalEndpoints {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private LocalEndpoints() {
    }

    static boolean handles(String path) {
        return path.equals("/health") || path.equals("/metrics");
    }

    static FullHttpResponse answer(String path, ServerContext server, ServerContext.Snapshot now, String requestId,
            boolean keepAlive) {
        if (path.equals("/metrics")) {
            byte[] text = server.registry().scrape().getBytes(StandardCharsets.UTF_8);
            return ProxyResponses.complete(HttpResponseStatus.OK, text, PROMETHEUS_TYPE, requestId, keepAlive);
        }
        ProxyMetrics metrics = now.exchanges().metrics();
        ObjectNode body = JSON.createObjectNode()
                .put("status", server.draining() ? "draining" : "ok")
                .put("active_exchanges", metrics.activeExchanges())
                .put("active_streams", metrics.activeStreams());
        ObjectNode extensions = body.putObject("extensions");
        Extensions.activeCounts(now.extensions()).forEach((kind, n) ->
                extensions.put(kind.name().toLowerCase(java.util.Locale.ROOT) + "s", n));
        extensions.put("failed", now.extensions().stream().filter(e -> !e.loaded()).count());
        ObjectNode upstreams = body.putObject("upstreams");
        for (UpstreamConfig upstream : now.config().upstreams().values()) {
            ObjectNode entry = upstreams.putObject(upstream.name()).put("url", Secrets.mask(upstream.url()));
            var client = now.exchanges().upstreams().get(upstream.name());
            if (client != null) {
                entry.putObject("bulkhead").put("in_flight", client.bulkhead().running())
                        .put("waiting", client.bulkhead().waiting());
            }
            if (client != null && client.breaker() != null) {
                var breaker = client.breaker();
                entry.putObject("breaker").put("state", breaker.getState().name().toLowerCase(java.util.Locale.ROOT))
                        .put("failure_rate", breaker.getMetrics().getFailureRate())
                        .put("calls", breaker.getMetrics().getNumberOfBufferedCalls());
            }
        }
        HttpResponseStatus status = server.draining() ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.OK;
        try {
            return ProxyResponses.complete(status, JSON.writeValueAsBytes(body), "application/json", requestId,
                    keepAlive);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
