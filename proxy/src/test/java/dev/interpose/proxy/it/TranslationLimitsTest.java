package dev.interpose.proxy.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.interpose.proxy.TestProxy;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code upstreams.<name>.translation} over real sockets: the {@code max_tokens} a Messages upstream is sent for a
 * Codex request that named no limit, and the cap on what Claude Code asks of a Chat upstream, each upstream its own.
 */
@Timeout(60)
class TranslationLimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MESSAGE = "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":"
            + "\"claude-x\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],\"stop_reason\":\"end_turn\","
            + "\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}";
    private static final String CHAT = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"model\":\"qwen3\",\"choices\":"
            + "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}";
    private static final String CODEX = "{\"model\":\"%s\",\"stream\":false,\"input\":[{\"type\":\"message\",\"role\":"
            + "\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"hi\"}]}]}";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<WireMockServer> servers = new ArrayList<>();
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        servers.forEach(WireMockServer::stop);
    }

    private WireMockServer fake(String path, String answer) {
        WireMockServer server = new WireMockServer(options().dynamicPort());
        server.start();
        servers.add(server);
        server.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().withStatus(404)));
        server.stubFor(post(urlEqualTo(path)).atPriority(1).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody(answer)));
        return server;
    }

    private HttpResponse<String> send(TestProxy proxy, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(proxy.uri(path)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode sent(WireMockServer server) throws Exception {
        assertThat(server.getAllServeEvents()).hasSize(1);
        return JSON.readTree(server.getAllServeEvents().get(0).getRequest().getBodyAsString());
    }

    @Test
    void eachUpstreamGetsItsOwnDefaultAndCap() throws Exception {
        WireMockServer small = fake("/v1/messages", MESSAGE);
        WireMockServer plain = fake("/v1/messages", MESSAGE);
        WireMockServer chat = fake("/v1/chat/completions", CHAT);
        Path file = Files.writeString(dir.resolve("config.yaml"), String.join("\n",
                "upstreams:",
                "  small:", "    url: " + small.baseUrl(), "    dialect: anthropic",
                "    translation:", "      max-tokens-default: 4096",
                "  plain:", "    url: " + plain.baseUrl(), "    dialect: anthropic",
                "  local:", "    url: " + chat.baseUrl(), "    dialect: openai-chat",
                "    translation:", "      max-tokens-cap: 16384",
                "routes:",
                "  - model: small-model", "    upstream: small",
                "  - model: plain-model", "    upstream: plain",
                "  - path: /v1/messages", "    upstream: local", ""));
        try (TestProxy proxy = TestProxy.start(Map.of(), List.of(file))) {
            assertThat(send(proxy, "/v1/responses", CODEX.formatted("small-model")).statusCode()).isEqualTo(200);
            assertThat(sent(small).path("max_tokens").asInt()).as("its own default").isEqualTo(4096);
            assertThat(send(proxy, "/v1/responses", CODEX.formatted("plain-model")).statusCode()).isEqualTo(200);
            assertThat(sent(plain).path("max_tokens").asInt()).as("the built-in default").isEqualTo(32000);

            String claude = "{\"model\":\"qwen3\",\"max_tokens\":128000,\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"hi\"}]}";
            assertThat(send(proxy, "/v1/messages", claude).statusCode()).isEqualTo(200);
            assertThat(sent(chat).path("max_tokens").asInt()).as("capped").isEqualTo(16384);
        }
    }
}
