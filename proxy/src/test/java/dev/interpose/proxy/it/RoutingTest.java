package dev.interpose.proxy.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.interpose.proxy.Fixtures;
import dev.interpose.proxy.TestProxy;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Routes and upstreams from a config file, model rewriting, and per-upstream TLS options, over real sockets. */
@Timeout(60)
class RoutingTest {
    private static final String CLAUDE_BODY = new String(Fixtures.bytes("anthropic-messages-claude-code.json"),
            StandardCharsets.UTF_8);
    private static final String CODEX_BODY = new String(Fixtures.bytes("openai-responses-codex.json"),
            StandardCharsets.UTF_8);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<WireMockServer> servers = new java.util.ArrayList<>();
    @TempDir
    Path dir;

    private WireMockServer upstream(String name) {
        WireMockServer server = new WireMockServer(options().dynamicPort());
        server.start();
        server.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody("{\"served_by\":\"" + name + "\"}")));
        servers.add(server);
        return server;
    }

    @BeforeEach
    void quiet() {
        servers.clear();
    }

    @AfterEach
    void stop() {
        servers.forEach(WireMockServer::stop);
    }

    private Path config(String... lines) throws Exception {
        return Files.writeString(dir.resolve("config.yaml"), String.join("\n", lines) + "\n");
    }


    private static String withModel(String body, String model) {
        return body.replaceFirst("\"model\"\\s*:\\s*\"[^\"]*\"", "\"model\":\"" + model + "\"");
    }

    @Test
    void routesByModelAndPathToDefinedUpstreamsRewritingTheModelOnly() throws Exception {
        WireMockServer anthropic = upstream("anthropic");
        WireMockServer openai = upstream("openai");
        WireMockServer haikuBox = upstream("haiku-box");
        WireMockServer local = upstream("local");
        Path file = config(
                "upstreams:",
                "  haiku-box:",
                "    url: " + haikuBox.baseUrl() + "/anthropic",
                "    dialect: anthropic",
                "  local:",
                "    url: " + local.baseUrl(),
                "    dialect: openai",
                "routes:",
                "  - name: cheap",
                "    dialect: anthropic",
                "    model: claude-haiku-*",
                "    upstream: haiku-box",
                "    rewrite-model: claude-3-5-haiku-latest",
                "  - path: /v1/responses",
                "    model: gpt-*-mini",
                "    upstream: local");
        try (TestProxy proxy = TestProxy.start(Map.of("anthropic", anthropic.baseUrl(), "openai", openai.baseUrl()),
                List.of(file))) {
            String haiku = withModel(CLAUDE_BODY, "claude-haiku-4-5");
            assertThat(proxy.post("/v1/messages?beta=true", haiku, "x-api-key", "k", "anthropic-version",
                    "2023-06-01").body()).isEqualTo("{\"served_by\":\"haiku-box\"}");
            LoggedRequest received = haikuBox.getAllServeEvents().get(0).getRequest();
            assertThat(received.getUrl()).isEqualTo("/anthropic/v1/messages?beta=true");
            assertThat(received.getBodyAsString()).isEqualTo(withModel(CLAUDE_BODY, "claude-3-5-haiku-latest"));
            assertThat(received.getHeader("content-length"))
                    .isEqualTo(String.valueOf(withModel(CLAUDE_BODY, "claude-3-5-haiku-latest")
                            .getBytes(StandardCharsets.UTF_8).length));

            assertThat(proxy.post("/v1/messages", withModel(CLAUDE_BODY, "claude-sonnet-4-5"), "x-api-key", "k")
                    .body()).isEqualTo("{\"served_by\":\"anthropic\"}");
            assertThat(proxy.post("/v1/responses", withModel(CODEX_BODY, "gpt-5-mini"), "authorization", "Bearer k")
                    .body()).isEqualTo("{\"served_by\":\"local\"}");
            assertThat(local.getAllServeEvents().get(0).getRequest().getBodyAsString())
                    .isEqualTo(withModel(CODEX_BODY, "gpt-5-mini"));
            assertThat(proxy.post("/v1/responses", CODEX_BODY, "authorization", "Bearer k").body())
                    .isEqualTo("{\"served_by\":\"openai\"}");

            List<Map<String, Object>> log = proxy.accessLog(4);
            assertThat(log).extracting(l -> l.get("route") + " " + l.get("upstream") + " " + l.get("model") + " "
                    + l.get("client_model")).containsExactly(
                    "cheap haiku-box claude-3-5-haiku-latest claude-haiku-4-5",
                    "anthropic.messages anthropic claude-sonnet-4-5 null",
                    "routes[1] local gpt-5-mini null",
                    "openai.responses openai gpt-5-codex null");
        }
    }

    @Test
    void aCompressedBodyIsRewrittenAndSentDecompressed() throws Exception {
        WireMockServer haikuBox = upstream("haiku-box");
        Path file = config(
                "upstreams:",
                "  haiku-box:",
                "    url: " + haikuBox.baseUrl(),
                "    dialect: anthropic",
                "routes:",
                "  - model: claude-*",
                "    upstream: haiku-box",
                "    rewrite-model: small");
        try (TestProxy proxy = TestProxy.start(Map.of(), List.of(file))) {
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
                out.write(CLAUDE_BODY.getBytes(StandardCharsets.UTF_8));
            }
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(proxy.uri("/v1/messages"))
                    .header("x-api-key", "k").header("content-encoding", "gzip")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(gz.toByteArray())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.body()).isEqualTo("{\"served_by\":\"haiku-box\"}");
            LoggedRequest received = haikuBox.getAllServeEvents().get(0).getRequest();
            assertThat(received.containsHeader("content-encoding")).isFalse();
            assertThat(received.getBodyAsString()).isEqualTo(withModel(CLAUDE_BODY, "small"));
        }
    }

    @Test
    void anHttpsUpstreamIsTrustedThroughItsCaFileOrWithVerificationOff() throws Exception {
        WireMockServer tls = new WireMockServer(options().dynamicPort().dynamicHttpsPort()
                .keystorePath(Path.of("src/test/resources/tls/localhost.p12").toAbsolutePath().toString())
                .keystoreType("PKCS12").keystorePassword("password").keyManagerPassword("password"));
        tls.start();
        servers.add(tls);
        tls.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200).withBody("{\"over\":\"tls\"}")));
        Files.copy(Path.of("src/test/resources/tls/localhost-cert.pem"), dir.resolve("local-ca.pem"));
        String url = "https://localhost:" + tls.httpsPort();

        Path trusted = config("upstreams:", "  anthropic:", "    url: " + url, "    tls:", "      ca-file: local-ca.pem");
        try (TestProxy proxy = TestProxy.start(Map.of(), List.of(trusted))) {
            assertThat(proxy.post("/v1/messages", "{\"model\":\"m\"}", "x-api-key", "k").body())
                    .isEqualTo("{\"over\":\"tls\"}");
            // The same upstream without the CA file: the JVM's trust store does not know this certificate.
            proxy.reconfigure(Map.of("anthropic", url));
            HttpResponse<String> refused = proxy.post("/v1/messages", "{\"model\":\"m\"}", "x-api-key", "k");
            assertThat(refused.statusCode()).isEqualTo(502);
            assertThat(refused.body()).contains("TLS with upstream anthropic failed");
        }
        Path unchecked = config("upstreams:", "  anthropic:", "    url: https://127.0.0.1:" + tls.httpsPort(),
                "    tls:", "      verify: false");
        try (TestProxy proxy = TestProxy.start(Map.of(), List.of(unchecked))) {
            assertThat(proxy.post("/v1/messages", "{\"model\":\"m\"}", "x-api-key", "k").body())
                    .isEqualTo("{\"over\":\"tls\"}");
        }
        assertThat(tls.getAllServeEvents()).hasSize(2);
    }
}
