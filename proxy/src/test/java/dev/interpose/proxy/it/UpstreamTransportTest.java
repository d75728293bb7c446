package dev.interpose.proxy.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.interpose.proxy.TestProxy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The upstream leg's transport: TLS certificate verification and an HTTP CONNECT proxy. */
// A separate thread: a blocking java.net.Socket read ignores the interrupt of a same-thread timeout.
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UpstreamTransportTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    @RegisterExtension
    final WireMockExtension upstream = WireMockExtension.newInstance()
            .options(options().dynamicPort().dynamicHttpsPort()).build();

    @BeforeEach
    void start() {
        upstream.stubFor(post(urlEqualTo("/v1/messages")).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody("{\"via\":\"tunnel\"}")));
    }

    private HttpResponse<String> send(TestProxy proxy) throws Exception {
        return http.send(HttpRequest.newBuilder(proxy.uri("/v1/messages")).header("x-api-key", "k")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anUpstreamCertificateThatDoesNotVerifyIsRefusedWith502() throws Exception {
        try (TestProxy proxy = TestProxy.start(Map.of("anthropic", "https://localhost:" + upstream.getHttpsPort()), "",
                "")) {
            HttpResponse<String> answer = send(proxy);
            assertThat(answer.statusCode()).isEqualTo(502);
            var error = JSON.readTree(answer.body()).path("error");
            assertThat(error.path("type").asText()).isEqualTo("api_error");
            assertThat(error.path("message").asText()).startsWith("TLS with upstream anthropic failed: ")
                    .containsIgnoringCase("certif");
            assertThat(upstream.getAllServeEvents()).isEmpty();
        }
    }

    @Test
    void anUpstreamThatNeverAcceptsTheConnectionIs504AfterTheConnectTimeout() throws Exception {
        // A listener that never accepts, its backlog filled: further SYNs are dropped and connect hangs.
        try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    Socket filler = new Socket();
                    try {
                        filler.connect(full.getLocalSocketAddress(), 200);
                        fillers.add(filler);
                    } catch (IOException e) {
                        filler.close();
                        break; // the backlog is full
                    }
                }
                try (TestProxy proxy = TestProxy.start(Map.of("anthropic", "http://127.0.0.1:" + full.getLocalPort()),
                        "", "")) {
                    long start = System.nanoTime();
                    HttpResponse<String> answer = send(proxy);
                    long tookMs = (System.nanoTime() - start) / 1_000_000;
                    assertThat(answer.statusCode()).isEqualTo(504);
                    assertThat(JSON.readTree(answer.body()).path("error").path("type").asText()).isEqualTo("timeout_error");
                    assertThat(JSON.readTree(answer.body()).path("error").path("message").asText())
                            .startsWith("cannot connect to upstream anthropic");
                    assertThat(tookMs).as("the test proxy's connect timeout is 2 s").isBetween(1900L, 10_000L);
                }
            } finally {
                for (Socket filler : fillers) {
                    filler.close();
                }
            }
        }
    }

    @Test
    void theUpstreamLegCanGoThroughAnHttpConnectProxy() throws Exception {
        try (ConnectProxy connectProxy = new ConnectProxy();
             TestProxy proxy = TestProxy.start(Map.of("anthropic", "http://127.0.0.1:" + upstream.getPort()), "", "",
                     64 * 1024, 1024 * 1024, Optional.of("http://127.0.0.1:" + connectProxy.port()))) {
            HttpResponse<String> answer = send(proxy);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("{\"via\":\"tunnel\"}");
            assertThat(connectProxy.requests).hasSize(1);
            assertThat(connectProxy.requests.get(0))
                    .startsWith("CONNECT 127.0.0.1:" + upstream.getPort() + " HTTP/1.1");
        }
    }
}
