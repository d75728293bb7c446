package dev.interpose.proxy.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interpose.config.ConfigLoader;
import dev.interpose.config.InterposeConfig;
import dev.interpose.config.ListenerConfig;
import dev.interpose.config.Overrides;
import dev.interpose.proxy.exchange.ExchangeContext;
import dev.interpose.proxy.hook.HookLog;
import dev.interpose.proxy.hook.Hooks;
import dev.interpose.proxy.hook.SlashCommands;
import dev.interpose.commands.Catalog;
import dev.interpose.commands.Expander;
import dev.interpose.config.CommandsConfig;
import dev.interpose.proxy.log.AccessLog;
import dev.interpose.proxy.metrics.ProxyMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client pipeline on an {@link EmbeddedChannel}: everything the proxy answers without an upstream. */
@Timeout(30)
class ClientPipelineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private EmbeddedChannel channel;

    @BeforeEach
    void pipeline() throws Exception {
        InterposeConfig loaded = ConfigLoader.load(Map.of(), Overrides.none());
        InterposeConfig config = new InterposeConfig(new ListenerConfig("127.0.0.1", 0, 4096, 1000),
                loaded.upstreams(), loaded.routes(), loaded.upstreamProxy(), loaded.drainTimeout(), loaded.logFormat());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Hooks noHooks = Hooks.none(new HookLog(registry));
        ServerContext server = new ServerContext(new ServerContext.Snapshot(config,
                new ExchangeContext(Map.of(), new ProxyMetrics(registry), new AccessLog(),
                        new dev.interpose.proxy.cache.ResponseCache(dev.interpose.config.CacheConfig.DEFAULT,
                                new dev.interpose.proxy.cache.CacheMetrics(registry))), java.util.List.of(), noHooks,
                new SlashCommands(Catalog.empty(), new Expander(java.nio.file.Path.of("."), CommandsConfig.DEFAULT,
                        Runnable::run), new dev.interpose.proxy.agent.AgentRunner(java.util.List.of(),
                                dev.interpose.config.AgentsConfig.DEFAULT, new dev.interpose.proxy.agent.AgentLimiter(8),
                                java.net.http.HttpClient.newHttpClient(), () -> java.net.URI.create("http://127.0.0.1:1"),
                                "token", registry, Runnable::run), registry)),
                registry);
        channel = new EmbeddedChannel(new ClientInitializer(server, new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE),
                PeerUsers.unavailable()));
    }

    private String exchange(String rawRequest) {
        channel.writeInbound(Unpooled.copiedBuffer(rawRequest, StandardCharsets.ISO_8859_1));
        StringBuilder out = new StringBuilder();
        ByteBuf chunk;
        while ((chunk = channel.readOutbound()) != null) {
            out.append(chunk.toString(StandardCharsets.UTF_8));
            chunk.release();
        }
        return out.toString();
    }

    private static JsonNode body(String response) throws Exception {
        return JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
    }

    @Test
    void healthAndMetricsAreAnsweredByTheProxyOnOneKeptAliveConnection() throws Exception {
        String health = exchange("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertThat(health).startsWith("HTTP/1.1 200 OK").contains("x-request-id: ");
        assertThat(body(health).path("status").asText()).isEqualTo("ok");
        assertThat(body(health).path("upstreams").path("anthropic").path("url").asText())
                .isEqualTo("https://api.anthropic.com");

        exchange("GET /nowhere HTTP/1.1\r\nHost: localhost\r\n\r\n");
        String metrics = exchange("GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertThat(metrics).startsWith("HTTP/1.1 200 OK").contains("text/plain; version=0.0.4")
                .contains("interpose_requests_total{outcome=\"failed\",route=\"none\",status=\"404\"} 1.0")
                .contains("interpose_active_streams 0.0");
        assertThat(channel.isOpen()).isTrue();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void unknownPathIs404InTheDialectTheHeadersSuggest() throws Exception {
        String anthropic = exchange("POST /v2/complete HTTP/1.1\r\nHost: localhost\r\nanthropic-version: 2023-06-01\r\n"
                + "content-length: 2\r\n\r\n{}");
        assertThat(anthropic).startsWith("HTTP/1.1 404 Not Found");
        assertThat(body(anthropic).path("type").asText()).isEqualTo("error");
        assertThat(body(anthropic).path("error").path("type").asText()).isEqualTo("not_found_error");
        assertThat(body(anthropic).path("error").path("message").asText()).isEqualTo("no upstream serves /v2/complete");

        String openai = exchange("GET /api/other HTTP/1.1\r\nHost: localhost\r\nauthorization: Bearer k\r\n\r\n");
        assertThat(openai).startsWith("HTTP/1.1 404 Not Found");
        assertThat(body(openai).path("error").path("code").asText()).isEqualTo("not_found");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void websocketUpgradeOnResponsesIs426AtOnce() throws Exception {
        String answer = exchange("GET /v1/responses HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 426 Upgrade Required");
        assertThat(body(answer).path("error").path("code").asText()).isEqualTo("upgrade_required");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void oversizedHeadersAre431AndTheConnectionCloses() throws Exception {
        String answer = exchange("POST /v1/messages HTTP/1.1\r\nHost: localhost\r\nanthropic-version: 2023-06-01\r\n"
                + "x-big: " + "a".repeat(5000) + "\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 431 Request Header Fields Too Large");
        assertThat(body(answer).path("error").path("message").asText()).isEqualTo("request headers exceed 4096 bytes");
        assertThat(channel.isOpen()).isFalse();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void oversizedBodyIs413InDialect() throws Exception {
        String answer = exchange("POST /v1/messages HTTP/1.1\r\nHost: localhost\r\nx-api-key: k\r\ncontent-length: 1500\r\n\r\n"
                + "{".repeat(1500));
        assertThat(answer).startsWith("HTTP/1.1 413 Request Entity Too Large");
        assertThat(body(answer).path("error").path("type").asText()).isEqualTo("request_too_large");
        assertThat(body(answer).path("error").path("message").asText()).isEqualTo("request body exceeds 1000 bytes");
        assertThat(channel.isOpen()).isFalse();
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void expectContinueGets100OrA413BeforeTheBodyIsSent() throws Exception {
        String refused = exchange("POST /v1/responses HTTP/1.1\r\nHost: localhost\r\ncontent-length: 5000\r\n"
                + "Expect: 100-continue\r\n\r\n");
        assertThat(refused).startsWith("HTTP/1.1 413 Request Entity Too Large");
        assertThat(body(refused).path("error").path("code").asText()).isEqualTo("request_too_large");

        String accepted = exchange("POST /health HTTP/1.1\r\nHost: localhost\r\ncontent-length: 2\r\nExpect: 100-continue\r\n\r\n");
        assertThat(accepted).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
        assertThat(exchange("{}")).startsWith("HTTP/1.1 200 OK");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void garbageIs400AndClosesTheConnection() throws Exception {
        String answer = exchange("\u0001\u0002 nonsense\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 400 Bad Request");
        assertThat(channel.isOpen()).isFalse();
        assertFalse(channel.finishAndReleaseAll());
    }
}
