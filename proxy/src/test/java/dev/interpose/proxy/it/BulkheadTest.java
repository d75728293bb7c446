package dev.interpose.proxy.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.interpose.proxy.TestProxy;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The per-upstream cap on requests in flight: a bounded wait for a slot, then a clear 503 in dialect. */
@Timeout(60)
class BulkheadTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BODY = "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    @RegisterExtension
    final WireMockExtension upstream = WireMockExtension.newInstance()
            .options(options().dynamicPort().containerThreads(32)).build();
    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        upstream.stubFor(post(urlPathEqualTo("/v1/messages")).willReturn(aResponse().withStatus(200)
                .withFixedDelay(800).withHeader("content-type", "application/json").withBody("{\"ok\":true}")));
    }

    private TestProxy proxy(String maxWait) throws Exception {
        Path config = Files.writeString(dir.resolve("interpose.yaml"), "upstreams:\n  anthropic:\n    bulkhead:\n"
                + "      max-concurrent: 2\n      max-wait: " + maxWait + "\n");
        return TestProxy.start(Map.of("anthropic", upstream.baseUrl()), List.of(config));
    }

    private List<HttpResponse<String>> sendAtOnce(TestProxy proxy, int n) {
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sent.add(http.sendAsync(HttpRequest.newBuilder(proxy.uri("/v1/messages")).header("x-api-key", "k")
                    .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        return sent.stream().map(CompletableFuture::join).toList();
    }

    @Test
    void beyondTheCapARequestWaitsItsBoundedTimeThenGetsA503InItsDialect() throws Exception {
        try (TestProxy proxy = proxy("200ms")) {
            long start = System.nanoTime();
            List<HttpResponse<String>> answers = sendAtOnce(proxy, 3);
            assertThat(answers).extracting(HttpResponse::statusCode).containsExactlyInAnyOrder(200, 200, 503);
            HttpResponse<String> busy = answers.stream().filter(r -> r.statusCode() == 503).findFirst().orElseThrow();
            JsonNode error = JSON.readTree(busy.body());
            assertThat(error.path("error").path("type").asText()).isEqualTo("overloaded_error");
            assertThat(error.path("error").path("message").asText()).contains("already has 2 requests in flight");
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5000);
            assertThat(upstream.getAllServeEvents()).hasSize(2);
        }
    }

    @Test
    void aRequestThatWaitsLongEnoughGetsTheNextFreeSlot() throws Exception {
        try (TestProxy proxy = proxy("5s")) {
            long start = System.nanoTime();
            List<HttpResponse<String>> answers = sendAtOnce(proxy, 3);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(200);
            assertThat(ms).as("the third waited for a slot").isGreaterThanOrEqualTo(1600);
            JsonNode health = JSON.readTree(http.send(HttpRequest.newBuilder(proxy.uri("/health")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(health.path("upstreams").path("anthropic").path("bulkhead").path("in_flight").asInt()).isZero();
        }
    }
}
