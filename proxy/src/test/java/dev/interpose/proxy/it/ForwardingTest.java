package dev.interpose.proxy.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.Zstd;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.interpose.proxy.Fixtures;
import dev.interpose.proxy.TestProxy;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/** The proxy in front of WireMock upstreams, driven by a real HTTP client over real sockets. */
@Timeout(60)
class ForwardingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] CLAUDE_BODY = Fixtures.bytes("anthropic-messages-claude-code.json");
    private static final byte[] CODEX_BODY = Fixtures.bytes("openai-responses-codex.json");
    private static final byte[] ANTHROPIC_SSE = Fixtures.bytes("sample-anthropic-sse.txt");
    private static final byte[] RESPONSES_SSE = Fixtures.bytes("sample-responses-sse.txt");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private WireMockServer anthropic;
    private WireMockServer openai;
    private TestProxy proxy;

    @BeforeEach
    void start() throws Exception {
        anthropic = new WireMockServer(options().dynamicPort());
        openai = new WireMockServer(options().dynamicPort());
        anthropic.start();
        openai.start();
        proxy = TestProxy.start(Map.of("anthropic", anthropic.baseUrl(), "openai", openai.baseUrl() + "/prefix"),
                "700ms", "");
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        anthropic.stop();
        openai.stop();
    }

    private HttpRequest.Builder claudeRequest(String pathAndQuery, byte[] body) {
        return HttpRequest.newBuilder(proxy.uri(pathAndQuery))
                .header("content-type", "application/json")
                .header("accept", "application/json")
                .header("anthropic-version", "2023-06-01")
                .header("anthropic-beta", "claude-code-20250219,oauth-2025-04-20,interleaved-thinking-2025-05-14")
                .header("x-api-key", "sk-ant-test-secret")
                .header("x-app", "cli")
                .header("x-claude-code-session-id", "0f5e8c1e-1a2b-4c3d-9e8f-001122334455")
                .header("x-stainless-os", "Linux")
                .header("x-stainless-retry-count", "0")
                .header("user-agent", "claude-cli/2.1.328 (external, sdk-cli)")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    private HttpRequest.Builder codexRequest(String pathAndQuery, byte[] body) {
        return HttpRequest.newBuilder(proxy.uri(pathAndQuery))
                .header("content-type", "application/json")
                .header("accept", "text/event-stream")
                .header("authorization", "Bearer sk-openai-test-secret")
                .header("originator", "codex_exec")
                .header("user-agent", "codex_exec/0.169.0 (Debian 12; x86_64) dumb (codex_exec; 0.169.0)")
                .header("session-id", "11111111-2222-3333-4444-555555555555")
                .header("x-codex-window-id", "w-1")
                .header("x-codex-turn-metadata", "{\"turn\":1,\"cwd\":\"/work\",\"sandbox\":\"read-only\"}")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    private Map<String, Object> awaitLogLine(String requestId) {
        return await().atMost(Duration.ofSeconds(5)).until(
                () -> proxy.accessLog().stream().filter(l -> requestId.equals(l.get("request_id"))).findFirst(),
                java.util.Optional::isPresent).get();
    }

    @Test
    void claudeStreamIsRelayedByteForByteWithEveryEndToEndHeader() throws Exception {
        anthropic.stubFor(post(urlEqualTo("/v1/messages?beta=true")).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "text/event-stream").withHeader("request-id", "req_up_1")
                .withBody(ANTHROPIC_SSE)));

        HttpResponse<byte[]> response = http.send(claudeRequest("/v1/messages?beta=true", CLAUDE_BODY).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(ANTHROPIC_SSE);
        assertThat(response.headers().firstValue("request-id")).contains("req_up_1");
        String requestId = response.headers().firstValue("x-request-id").orElseThrow();
        assertThat(requestId).matches("[0-9a-f]{16}");

        LoggedRequest sent = anthropic.getAllServeEvents().get(0).getRequest();
        assertThat(sent.getBody()).isEqualTo(CLAUDE_BODY);
        assertThat(sent.getUrl()).isEqualTo("/v1/messages?beta=true");
        assertThat(sent.getHeader("host")).isEqualTo("localhost:" + anthropic.port());
        assertThat(sent.getHeader("x-api-key")).isEqualTo("sk-ant-test-secret");
        assertThat(sent.getHeader("anthropic-beta"))
                .isEqualTo("claude-code-20250219,oauth-2025-04-20,interleaved-thinking-2025-05-14");
        assertThat(sent.getHeader("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(sent.getHeader("x-claude-code-session-id")).isEqualTo("0f5e8c1e-1a2b-4c3d-9e8f-001122334455");
        assertThat(sent.getHeader("x-stainless-os")).isEqualTo("Linux");
        assertThat(sent.getHeader("x-stainless-retry-count")).isEqualTo("0");
        assertThat(sent.getHeader("user-agent")).isEqualTo("claude-cli/2.1.328 (external, sdk-cli)");
        assertThat(sent.getHeader("content-length")).isEqualTo(String.valueOf(CLAUDE_BODY.length));
        assertThat(sent.containsHeader("upgrade")).isFalse();

        Map<String, Object> line = awaitLogLine(requestId);
        assertThat(line).containsEntry("client", "claude").containsEntry("route", "anthropic.messages")
                .containsEntry("upstream", "anthropic").containsEntry("model", "claude-opus-5-5")
                .containsEntry("stream", true).containsEntry("status", 200).containsEntry("outcome", "ok")
                .containsEntry("bytes_in", CLAUDE_BODY.length).containsEntry("bytes_out", ANTHROPIC_SSE.length)
                .containsEntry("input_tokens", 10).containsEntry("output_tokens", 10)
                .containsEntry("path", "/v1/messages");
        assertThat(line.toString()).doesNotContain("sk-ant-test-secret");
    }

    @Test
    void codexStreamGoesToTheOpenAiUpstreamUnderItsBasePath() throws Exception {
        openai.stubFor(post(urlEqualTo("/prefix/v1/responses")).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "text/event-stream").withHeader("x-request-id", "req_openai_9")
                .withBody(RESPONSES_SSE)));

        HttpResponse<byte[]> response = http.send(codexRequest("/v1/responses", CODEX_BODY).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(RESPONSES_SSE);
        assertThat(response.headers().firstValue("x-upstream-request-id")).contains("req_openai_9");
        LoggedRequest sent = openai.getAllServeEvents().get(0).getRequest();
        assertThat(sent.getBody()).isEqualTo(CODEX_BODY);
        assertThat(sent.getHeader("authorization")).isEqualTo("Bearer sk-openai-test-secret");
        assertThat(sent.getHeader("x-codex-turn-metadata")).isEqualTo("{\"turn\":1,\"cwd\":\"/work\",\"sandbox\":\"read-only\"}");
        assertThat(sent.getHeader("session-id")).isEqualTo("11111111-2222-3333-4444-555555555555");
        assertThat(sent.getHeader("originator")).isEqualTo("codex_exec");

        Map<String, Object> line = awaitLogLine(response.headers().firstValue("x-request-id").orElseThrow());
        assertThat(line).containsEntry("client", "codex").containsEntry("route", "openai.responses")
                .containsEntry("model", "gpt-5-codex").containsEntry("input_tokens", 24)
                .containsEntry("upstream_request_id", "req_openai_9");
        assertThat(line.toString()).doesNotContain("sk-openai-test-secret");
    }

    @Test
    void nonStreamingJsonWorksInBothDialectsAndUsageIsRead() throws Exception {
        String message = "{\"id\":\"msg_1\",\"type\":\"message\",\"model\":\"claude-opus-5-5\",\"content\":[{\"type\":\"text\","
                + "\"text\":\"hi\"}],\"usage\":{\"input_tokens\":12,\"output_tokens\":3}}";
        anthropic.stubFor(post(urlEqualTo("/v1/messages")).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody(message)));
        String chat = "{\"id\":\"c1\",\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,"
                + "\"completion_tokens\":2}}";
        openai.stubFor(post(urlEqualTo("/prefix/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody(chat)));

        HttpResponse<String> a = http.send(claudeRequest("/v1/messages", "{\"model\":\"claude-opus-5-5\",\"stream\":false}"
                .getBytes()).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> o = http.send(codexRequest("/v1/chat/completions", "{\"model\":\"gpt-4o-mini\"}".getBytes())
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(a.statusCode()).isEqualTo(200);
        assertThat(a.body()).isEqualTo(message);
        assertThat(o.body()).isEqualTo(chat);
        assertThat(awaitLogLine(a.headers().firstValue("x-request-id").orElseThrow()))
                .containsEntry("stream", false).containsEntry("input_tokens", 12).containsEntry("output_tokens", 3);
        assertThat(awaitLogLine(o.headers().firstValue("x-request-id").orElseThrow()))
                .containsEntry("route", "openai.chat").containsEntry("input_tokens", 5).containsEntry("output_tokens", 2);
    }

    @Test
    void upstreamErrorsAreRelayedVerbatim() throws Exception {
        String overloaded = "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}";
        anthropic.stubFor(post(urlEqualTo("/v1/messages")).willReturn(aResponse().withStatus(529)
                .withHeader("content-type", "application/json").withHeader("retry-after", "7").withBody(overloaded)));
        String unauthorized = "{\"error\":{\"message\":\"Incorrect API key\",\"type\":\"invalid_request_error\"}}";
        openai.stubFor(post(urlEqualTo("/prefix/v1/responses")).willReturn(aResponse().withStatus(401)
                .withHeader("content-type", "application/json").withBody(unauthorized)));

        HttpResponse<String> a = http.send(claudeRequest("/v1/messages", CLAUDE_BODY).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> o = http.send(codexRequest("/v1/responses", CODEX_BODY).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(a.statusCode()).isEqualTo(529);
        assertThat(a.body()).isEqualTo(overloaded);
        assertThat(a.headers().firstValue("retry-after")).contains("7");
        assertThat(o.statusCode()).isEqualTo(401);
        assertThat(o.body()).isEqualTo(unauthorized);
        assertThat(awaitLogLine(a.headers().firstValue("x-request-id").orElseThrow()))
                .containsEntry("status", 529).containsEntry("outcome", "ok");
    }

    @Test
    void upstreamTooSlowForItsHeadIs504InTheClientsDialect() throws Exception {
        anthropic.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200).withFixedDelay(3000).withBody("late")));
        openai.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200).withFixedDelay(3000).withBody("late")));

        long start = System.nanoTime();
        HttpResponse<String> a = http.send(claudeRequest("/v1/messages", CLAUDE_BODY).build(),
                HttpResponse.BodyHandlers.ofString());
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        HttpResponse<String> o = http.send(codexRequest("/v1/responses", CODEX_BODY).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(a.statusCode()).isEqualTo(504);
        // It waited for the 700 ms head timeout; that it did not wait for the upstream's answer at 3 s shows in
        // the 504 itself (the answer would have been relayed as a 200), so no upper bound to flake on a busy box.
        assertThat(tookMs).isGreaterThanOrEqualTo(600L);
        JsonNode anthropicError = JSON.readTree(a.body());
        assertThat(anthropicError.path("type").asText()).isEqualTo("error");
        assertThat(anthropicError.path("error").path("type").asText()).isEqualTo("timeout_error");
        assertThat(anthropicError.path("error").path("message").asText()).contains("anthropic").contains("700 ms");
        assertThat(a.headers().firstValue("content-type")).contains("application/json");
        assertThat(o.statusCode()).isEqualTo(504);
        JsonNode openaiError = JSON.readTree(o.body());
        assertThat(openaiError.path("error").path("code").asText()).isEqualTo("upstream_timeout");
        assertThat(openaiError.path("error").path("type").asText()).isEqualTo("server_error");
        assertThat(openaiError.path("error").has("message")).isTrue();
        assertThat(awaitLogLine(a.headers().firstValue("x-request-id").orElseThrow()))
                .containsEntry("outcome", "failed").containsEntry("error", "upstream_timeout").containsEntry("status", 504);
    }

    @Test
    void upstreamResetBeforeTheHeadIs502InTheClientsDialect() throws Exception {
        anthropic.stubFor(post(anyUrl()).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
        openai.stubFor(post(anyUrl()).willReturn(aResponse().withFault(Fault.EMPTY_RESPONSE)));

        HttpResponse<String> a = http.send(claudeRequest("/v1/messages", CLAUDE_BODY).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> o = http.send(codexRequest("/v1/responses", CODEX_BODY).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(a.statusCode()).isEqualTo(502);
        assertThat(JSON.readTree(a.body()).path("error").path("type").asText()).isEqualTo("api_error");
        assertThat(o.statusCode()).isEqualTo(502);
        assertThat(JSON.readTree(o.body()).path("error").path("code").asText()).isEqualTo("upstream_reset");
    }

    @Test
    void unreachableUpstreamIs502() throws Exception {
        int deadPort = anthropic.port();
        anthropic.stop();
        HttpResponse<String> a = http.send(claudeRequest("/v1/messages", CLAUDE_BODY).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(a.statusCode()).isEqualTo(502);
        assertThat(JSON.readTree(a.body()).path("error").path("message").asText())
                .contains("cannot connect to upstream anthropic").contains(String.valueOf(deadPort));
    }

    @Test
    void zstdAndGzipBodiesAreForwardedAsSentAndStillRead() throws Exception {
        openai.stubFor(post(urlEqualTo("/prefix/v1/responses")).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "text/event-stream").withBody(RESPONSES_SSE)));
        byte[] zstd = Zstd.compress(CODEX_BODY);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(CODEX_BODY);
        }

        HttpResponse<byte[]> z = http.send(codexRequest("/v1/responses", zstd).header("content-encoding", "zstd").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> g = http.send(codexRequest("/v1/responses", gz.toByteArray())
                .header("content-encoding", "gzip").build(), HttpResponse.BodyHandlers.ofByteArray());

        assertThat(z.body()).isEqualTo(RESPONSES_SSE);
        assertThat(g.body()).isEqualTo(RESPONSES_SSE);
        List<LoggedRequest> sent = openai.findAll(com.github.tomakehurst.wiremock.client.WireMock
                .postRequestedFor(urlEqualTo("/prefix/v1/responses")));
        assertThat(sent).hasSize(2);
        assertThat(sent.get(0).getHeader("content-encoding")).isEqualTo("zstd");
        assertThat(sent.get(0).getHeader("content-length")).isEqualTo(String.valueOf(zstd.length));
        assertThat(Zstd.decompress(sent.get(0).getBody(), CODEX_BODY.length)).isEqualTo(CODEX_BODY);
        assertThat(sent.get(1).getHeader("content-encoding")).isEqualTo("gzip");
        assertThat(sent.get(1).getHeader("content-length")).isEqualTo(String.valueOf(gz.size()));
        assertThat(awaitLogLine(z.headers().firstValue("x-request-id").orElseThrow()))
                .containsEntry("model", "gpt-5-codex").containsEntry("bytes_in", zstd.length);
        assertThat(awaitLogLine(g.headers().firstValue("x-request-id").orElseThrow()))
                .containsEntry("model", "gpt-5-codex");
    }

    @Test
    void corruptCompressedBodyIs400InDialect() throws Exception {
        HttpResponse<String> r = http.send(codexRequest("/v1/responses", "not zstd at all".getBytes())
                .header("content-encoding", "zstd").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("error").path("message").asText()).contains("not valid zstd");
        assertThat(openai.getAllServeEvents()).isEmpty();
    }

    @Test
    void sharedPathsAreToldApartByHeaders() throws Exception {
        anthropic.stubFor(any(urlEqualTo("/v1/models")).willReturn(aResponse().withStatus(200).withBody("anthropic models")));
        openai.stubFor(any(urlEqualTo("/prefix/v1/models")).willReturn(aResponse().withStatus(200).withBody("openai models")));

        HttpResponse<String> a = http.send(HttpRequest.newBuilder(proxy.uri("/v1/models"))
                .header("anthropic-version", "2023-06-01").header("x-api-key", "k").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> o = http.send(HttpRequest.newBuilder(proxy.uri("/v1/models"))
                .header("authorization", "Bearer k").GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(a.body()).isEqualTo("anthropic models");
        assertThat(o.body()).isEqualTo("openai models");
    }

    @Test
    void anOversizedRequestIsLoggedWithoutItsQuery() throws Exception {
        try (TestProxy small = TestProxy.start(Map.of("anthropic", anthropic.baseUrl()), "", "", 64 * 1024, 1000)) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(small.uri("/v1/messages?key=never-logged"))
                    .header("x-api-key", "k").POST(HttpRequest.BodyPublishers.ofByteArray(CLAUDE_BODY)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(413);
            Map<String, Object> line = await().atMost(Duration.ofSeconds(5))
                    .until(small::accessLog, l -> !l.isEmpty()).get(0);
            assertThat(line).containsEntry("path", "/v1/messages").containsEntry("error", "request_too_large");
            assertThat(line.toString()).doesNotContain("never-logged");
        }
    }

    @Test
    void expectContinueIsHonoured() throws Exception {
        anthropic.stubFor(post(urlEqualTo("/v1/messages")).withHeader("content-length", equalTo(String.valueOf(CLAUDE_BODY.length)))
                .willReturn(aResponse().withStatus(200).withHeader("content-type", "text/event-stream").withBody(ANTHROPIC_SSE)));
        HttpResponse<byte[]> r = http.send(claudeRequest("/v1/messages", CLAUDE_BODY).expectContinue(true).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(ANTHROPIC_SSE);
        assertThat(anthropic.getAllServeEvents().get(0).getRequest().containsHeader("expect")).isFalse();
    }
}
