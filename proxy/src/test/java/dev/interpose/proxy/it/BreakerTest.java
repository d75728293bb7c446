package dev.interpose.proxy.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.interpose.proxy.ManualTime;
import dev.interpose.proxy.TestProxy;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Each circuit-breaker transition, driven by real upstream failures through the proxy. */
@Timeout(60)
class BreakerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BODY = "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** What the breakers wait out open-for on: it moves only when a test advances it. */
    private final ManualTime time = new ManualTime();
    @RegisterExtension
    final WireMockExtension upstream = WireMockExtension.newInstance().options(options().dynamicPort()).build();
    @TempDir
    Path dir;

    private TestProxy proxy(Map<String, String> upstreams) throws Exception {
        StringBuilder yaml = new StringBuilder("upstreams:\n");
        for (String name : List.of("anthropic", "openai")) {
            yaml.append("  ").append(name).append(":\n    breaker:\n      window: 4\n      minimum-calls: 4\n")
                    .append("      failure-rate: 50\n      open-for: 1s\n      half-open-calls: 1\n")
                    .append("    retry:\n      max-attempts: 1\n");
        }
        return TestProxy.start(upstreams, List.of(Files.writeString(dir.resolve("interpose.yaml"), yaml.toString())),
                time.source());
    }

    private void answer(String path, int status) {
        upstream.resetAll();
        upstream.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(status)
                .withHeader("content-type", "application/json").withBody("{\"from\":\"upstream\",\"status\":" + status + "}")));
    }

    private HttpResponse<String> send(TestProxy proxy, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(proxy.uri(path)).header("x-api-key", "k")
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String state(TestProxy proxy, String upstreamName) throws Exception {
        JsonNode health = JSON.readTree(http.send(HttpRequest.newBuilder(proxy.uri("/health")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        return health.path("upstreams").path(upstreamName).path("breaker").path("state").asText();
    }

    @Test
    void failuresOpenTheBreakerWhichAnswers529AtOnceThenAProbeClosesIt() throws Exception {
        try (TestProxy proxy = proxy(Map.of("anthropic", upstream.baseUrl(), "openai", upstream.baseUrl()))) {
            answer("/v1/messages", 500);
            for (int i = 0; i < 4; i++) {
                assertThat(send(proxy, "/v1/messages").statusCode()).isEqualTo(500);
            }
            assertThat(state(proxy, "anthropic")).isEqualTo("open");

            HttpResponse<String> refused = send(proxy, "/v1/messages");
            assertThat(refused.statusCode()).isEqualTo(529);
            assertThat(refused.headers().firstValue("retry-after")).hasValue("1");
            JsonNode error = JSON.readTree(refused.body());
            assertThat(error.path("type").asText()).isEqualTo("error");
            assertThat(error.path("error").path("type").asText()).isEqualTo("overloaded_error");
            assertThat(error.path("error").path("message").asText()).contains("upstream anthropic is failing");
            upstream.verify(4, postRequestedFor(urlPathEqualTo("/v1/messages")));
            assertThat(proxy.accessLog(5).get(4)).containsEntry("error", "circuit_open").containsEntry("status", 529);

            time.advance(Duration.ofMillis(999));
            assertThat(send(proxy, "/v1/messages").statusCode()).as("still within open-for").isEqualTo(529);
            upstream.verify(4, postRequestedFor(urlPathEqualTo("/v1/messages")));
            time.advance(Duration.ofMillis(2)); // open-for: 1s is over, then one probe decides
            answer("/v1/messages", 500);
            assertThat(send(proxy, "/v1/messages").statusCode()).as("a failed probe").isEqualTo(500);
            assertThat(state(proxy, "anthropic")).isEqualTo("open");
            assertThat(send(proxy, "/v1/messages").statusCode()).isEqualTo(529);

            time.advance(Duration.ofMillis(1001));
            answer("/v1/messages", 200);
            assertThat(send(proxy, "/v1/messages").body()).contains("\"from\":\"upstream\"");
            assertThat(state(proxy, "anthropic")).isEqualTo("closed");
            assertThat(send(proxy, "/v1/messages").statusCode()).isEqualTo(200);
            assertThat(state(proxy, "openai")).as("each upstream has its own breaker").isEqualTo("closed");
            assertThat(proxy.registry().get("resilience4j.circuitbreaker.state").tag("name", "anthropic")
                    .tag("state", "closed").gauge().value()).isEqualTo(1.0);
        }
    }

    @Test
    void anOpenAiClientGets503InItsOwnErrorShapeAnd4xxNeverCounts() throws Exception {
        try (TestProxy proxy = proxy(Map.of("anthropic", upstream.baseUrl(), "openai", upstream.baseUrl()))) {
            answer("/v1/responses", 429);
            for (int i = 0; i < 6; i++) {
                assertThat(send(proxy, "/v1/responses").statusCode()).isEqualTo(429);
            }
            assertThat(state(proxy, "openai")).as("4xx is the client's business").isEqualTo("closed");

            answer("/v1/responses", 503);
            for (int i = 0; i < 4; i++) {
                send(proxy, "/v1/responses");
            }
            HttpResponse<String> refused = send(proxy, "/v1/responses");
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("retry-after")).hasValue("1");
            JsonNode error = JSON.readTree(refused.body()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("circuit_open");
            assertThat(error.path("type").asText()).isEqualTo("server_error");
        }
    }

    @Test
    void connectFailuresCountToo() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort(); // nothing listens there once closed
        }
        try (TestProxy proxy = proxy(Map.of("anthropic", "http://127.0.0.1:" + closed, "openai", upstream.baseUrl()))) {
            for (int i = 0; i < 4; i++) {
                assertThat(send(proxy, "/v1/messages").statusCode()).isEqualTo(502);
            }
            assertThat(send(proxy, "/v1/messages").statusCode()).isEqualTo(529);
            assertThat(state(proxy, "anthropic")).isEqualTo("open");
        }
    }
}
