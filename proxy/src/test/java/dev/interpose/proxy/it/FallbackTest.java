package dev.interpose.proxy.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.interpose.config.ConfigException;
import dev.interpose.proxy.TestProxy;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Fallback upstreams: used when the primary's retries are spent or its breaker is open. */
@Timeout(60)
class FallbackTest {
    private static final String BODY = "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private WireMockServer primary;
    private WireMockServer backup;
    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        primary = new WireMockServer(options().dynamicPort());
        primary.start();
        primary.stubFor(post(urlPathEqualTo("/v1/messages")).willReturn(aResponse().withStatus(503)
                .withHeader("content-type", "application/json").withBody("{\"from\":\"primary\"}")));
        backup = new WireMockServer(options().dynamicPort());
        backup.start();
        backup.stubFor(post(urlPathEqualTo("/v1/messages")).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody("{\"from\":\"backup\"}")));
    }

    @AfterEach
    void stop() {
        primary.stop();
        backup.stop();
    }

    private Path config(String breakerWindow) throws Exception {
        return Files.writeString(dir.resolve("interpose.yaml"), String.join("\n",
                "upstreams:",
                "  anthropic:",
                "    fallback: backup",
                "    retry:",
                "      max-attempts: 2",
                "      backoff: 10ms",
                "    breaker:",
                "      window: " + breakerWindow,
                "      minimum-calls: " + breakerWindow,
                "  backup:",
                "    url: " + backup.baseUrl(),
                "    dialect: anthropic",
                ""));
    }

    private HttpResponse<String> send(TestProxy proxy) throws Exception {
        return http.send(HttpRequest.newBuilder(proxy.uri("/v1/messages")).header("x-api-key", "k")
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void spentRetriesFallBackToTheNextUpstreamWithTheSameBody() throws Exception {
        try (TestProxy proxy = TestProxy.start(Map.of("anthropic", primary.baseUrl()), List.of(config("20")))) {
            HttpResponse<String> response = send(proxy);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"from\":\"backup\"}");
            primary.verify(2, postRequestedFor(urlPathEqualTo("/v1/messages")));
            assertThat(backup.getAllServeEvents().get(0).getRequest().getBodyAsString()).isEqualTo(BODY);
            assertThat(backup.getAllServeEvents().get(0).getRequest().getHeader("x-api-key")).isEqualTo("k");
            assertThat(proxy.accessLog(1).get(0)).containsEntry("upstream", "backup").containsEntry("status", 200);
        }
    }

    @Test
    void anOpenBreakerSendsStraightToTheFallback() throws Exception {
        try (TestProxy proxy = TestProxy.start(Map.of("anthropic", primary.baseUrl()), List.of(config("2")))) {
            assertThat(send(proxy).body()).isEqualTo("{\"from\":\"backup\"}"); // two 503s open the breaker
            primary.resetRequests();
            assertThat(send(proxy).body()).isEqualTo("{\"from\":\"backup\"}");
            primary.verify(0, postRequestedFor(urlPathEqualTo("/v1/messages")));
        }
    }

    @Test
    void aFallbackMustBeADefinedUpstreamOfTheSameDialect() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "upstreams:\n  anthropic:\n    fallback: openai, nowhere\n");
        Assertions.assertThatThrownBy(() -> TestProxy.start(Map.of("anthropic", primary.baseUrl()), List.of(bad)))
                .isInstanceOf(ConfigException.class).satisfies(e -> assertThat(((ConfigException) e).problems())
                        .anySatisfy(p -> assertThat(p).contains("upstreams.anthropic.fallback")
                                .contains("upstreams of the same dialect; openai speaks openai"))
                        .anySatisfy(p -> assertThat(p).contains("\"nowhere\" is not one")));
        Path twice = Files.writeString(dir.resolve("twice.yaml"), "upstreams:\n  anthropic:\n    fallback: backup, backup\n"
                + "    retry:\n      backoff: 10s\n      max-delay: 1s\n  backup:\n    url: http://b\n    dialect: anthropic\n");
        Assertions.assertThatThrownBy(() -> TestProxy.start(Map.of("anthropic", primary.baseUrl()), List.of(twice)))
                .isInstanceOf(ConfigException.class).satisfies(e -> assertThat(((ConfigException) e).problems())
                        .anySatisfy(p -> assertThat(p).contains("upstreams.anthropic.fallback")
                                .contains("each upstream named once"))
                        .anySatisfy(p -> assertThat(p).contains("upstreams.anthropic.retry.max-delay")
                                .contains("at least half of retry.backoff (10s)")));
    }
}
