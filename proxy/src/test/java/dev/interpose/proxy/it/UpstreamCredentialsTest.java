package dev.interpose.proxy.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.interpose.proxy.Fixtures;
import dev.interpose.proxy.TestProxy;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Per-upstream credentials, vendor headers and the refusals of requests an upstream must not or cannot get, over
 * real sockets. Hosts that are not loopback (a third party, {@code api.anthropic.com}, {@code api.openai.com}) are
 * reached through a CONNECT proxy that sends every tunnel to one fake upstream, so the proxy judges the real host
 * names while the bytes stay on this machine.
 */
@Timeout(60)
class UpstreamCredentialsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLAUDE_BODY = new String(Fixtures.bytes("anthropic-messages-claude-code.json"),
            StandardCharsets.UTF_8);
    private static final String CODEX_BODY = new String(Fixtures.bytes("openai-responses-codex.json"),
            StandardCharsets.UTF_8);
    private static final String CLIENT_KEY = "sk-ant-client-0123456789";
    private static final String CLIENT_BEARER = "Bearer sk-proj-client-0123456789";
    private static final String OWN_KEY = "sk-upstream-own-9876543210";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<WireMockServer> servers = new ArrayList<>();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private Logger root;
    @TempDir
    Path dir;

    @BeforeEach
    void captureLogs() {
        logs.start();
        root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
    }

    @AfterEach
    void stop() {
        root.detachAppender(logs);
        servers.forEach(WireMockServer::stop);
    }

    private WireMockServer upstream(String name) {
        WireMockServer server = new WireMockServer(options().dynamicPort());
        server.start();
        servers.add(server);
        server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody("{\"served_by\":\"" + name + "\"}")));
        return server;
    }

    private Path config(String... lines) throws Exception {
        return Files.writeString(dir.resolve("config.yaml"), String.join("\n", lines) + "\n");
    }

    private HttpResponse<String> post(TestProxy proxy, String path, String body, String... headers) throws Exception {
        return http.send(HttpRequest.newBuilder(proxy.uri(path)).headers(headers)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(TestProxy proxy, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(proxy.uri(path)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static LoggedRequest only(WireMockServer server) {
        assertThat(server.getAllServeEvents()).hasSize(1);
        return server.getAllServeEvents().get(0).getRequest();
    }

    /** Every header the fake received, names lowercase, values joined. */
    private static Map<String, String> headers(LoggedRequest request) {
        Map<String, String> out = new java.util.TreeMap<>();
        request.getHeaders().all().forEach(h -> out.put(h.key().toLowerCase(java.util.Locale.ROOT),
                String.join(",", h.values())));
        return out;
    }

    private void assertNoOutputShows(TestProxy proxy, String... secrets) throws Exception {
        String health = get(proxy, "/health").body();
        String metrics = get(proxy, "/metrics").body();
        for (String secret : secrets) {
            assertThat(health).doesNotContain(secret);
            assertThat(metrics).doesNotContain(secret);
            assertThat(logs.list).noneMatch(e -> e.getFormattedMessage().contains(secret)
                    || String.valueOf(e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage())
                            .contains(secret));
        }
    }

    @Test
    void anUpstreamsOwnKeyReplacesTheClientsCredentialsInTheHeaderItsDialectExpects() throws Exception {
        WireMockServer anthropic = upstream("anthropic");
        WireMockServer haiku = upstream("haiku");
        WireMockServer chat = upstream("chat");
        WireMockServer azure = upstream("azure");
        Files.writeString(dir.resolve("haiku.key"), OWN_KEY + "\n");
        Path file = config(
                "upstreams:",
                "  haiku:", "    url: " + haiku.baseUrl(), "    dialect: anthropic", "    api-key-file: haiku.key",
                "  chat:", "    url: " + chat.baseUrl(), "    dialect: openai-chat", "    api-key-env: CHAT_KEY",
                "  azure:", "    url: " + azure.baseUrl(), "    dialect: openai-chat", "    api-key-env: CHAT_KEY",
                "    api-key-header: api-key",
                "routes:",
                "  - model: claude-haiku-*", "    upstream: haiku",
                "  - model: gpt-4o", "    upstream: chat",
                "  - model: gpt-azure", "    upstream: azure");
        try (TestProxy proxy = TestProxy.start(Map.of("anthropic", anthropic.baseUrl()), List.of(file),
                Map.of("CHAT_KEY", OWN_KEY))) {
            String haikuBody = CLAUDE_BODY.replaceFirst("\"model\"\\s*:\\s*\"[^\"]*\"", "\"model\":\"claude-haiku-4-5\"");
            HttpResponse<String> answer = post(proxy, "/v1/messages", haikuBody, "x-api-key", CLIENT_KEY,
                    "authorization", "Bearer oauth-client-token", "cookie", "session=client", "anthropic-version",
                    "2023-06-01", "anthropic-beta", "oauth-2025-04-20", "x-stainless-os", "Linux",
                    "x-claude-code-session-id", "s-1");
            assertThat(answer.body()).isEqualTo("{\"served_by\":\"haiku\"}");
            Map<String, String> got = headers(only(haiku));
            assertThat(got).containsEntry("x-api-key", OWN_KEY).doesNotContainKeys("authorization", "cookie")
                    // the same vendor's API: its headers stay
                    .containsEntry("anthropic-version", "2023-06-01").containsEntry("anthropic-beta", "oauth-2025-04-20")
                    .containsEntry("x-stainless-os", "Linux").containsEntry("x-claude-code-session-id", "s-1");
            assertThat(got.values()).noneMatch(v -> v.contains(CLIENT_KEY) || v.contains("oauth-client-token"));

            // The built-in upstream without a key of its own keeps getting the client's credential, as before.
            post(proxy, "/v1/messages", CLAUDE_BODY, "x-api-key", CLIENT_KEY, "anthropic-version", "2023-06-01");
            assertThat(headers(only(anthropic))).containsEntry("x-api-key", CLIENT_KEY);

            String chatBody = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            assertThat(post(proxy, "/v1/chat/completions", chatBody, "authorization", CLIENT_BEARER,
                    "openai-organization", "org-client", "openai-beta", "x").body())
                    .isEqualTo("{\"served_by\":\"chat\"}");
            assertThat(headers(only(chat))).containsEntry("authorization", "Bearer " + OWN_KEY)
                    .doesNotContainKey("openai-organization").containsEntry("openai-beta", "x");
            post(proxy, "/v1/chat/completions", chatBody.replace("gpt-4o", "gpt-azure"), "authorization",
                    CLIENT_BEARER);
            assertThat(headers(only(azure))).containsEntry("api-key", OWN_KEY).doesNotContainKey("authorization");

            assertThat(proxy.accessLog(4).toString()).doesNotContain(OWN_KEY).doesNotContain(CLIENT_KEY);
            assertNoOutputShows(proxy, OWN_KEY);
        }
    }

    @Test
    void aThirdPartyHostGetsNoClientCredentialWithoutAKeyOfItsOwnAndTheRefusalIsInTheClientsDialect()
            throws Exception {
        WireMockServer far = upstream("far");
        try (ConnectProxy tunnels = new ConnectProxy(far.port())) {
            String via = "    proxy: http://127.0.0.1:" + tunnels.port();
            Path file = config(
                    "upstreams:",
                    "  deepseek:", "    url: http://api.deepseek.example/anthropic", "    dialect: anthropic", via,
                    "  qwen:", "    url: http://dashscope.example/v1", "    dialect: openai-responses", via,
                    "routes:",
                    "  - model: claude-haiku-*", "    upstream: deepseek",
                    "  - model: gpt-5-mini", "    upstream: qwen");
            try (TestProxy proxy = TestProxy.start(Map.of(), List.of(file))) {
                String haiku = CLAUDE_BODY.replaceFirst("\"model\"\\s*:\\s*\"[^\"]*\"", "\"model\":\"claude-haiku-4-5\"");
                HttpResponse<String> refused = post(proxy, "/v1/messages", haiku, "x-api-key", CLIENT_KEY,
                        "anthropic-version", "2023-06-01");
                assertThat(refused.statusCode()).isEqualTo(403);
                JsonNode error = JSON.readTree(refused.body());
                assertThat(error.path("type").asText()).isEqualTo("error");
                assertThat(error.path("error").path("type").asText()).isEqualTo("permission_error");
                assertThat(error.path("error").path("message").asText()).contains("Anthropic credential")
                        .contains("upstream deepseek (api.deepseek.example)")
                        .contains("upstreams.deepseek.api-key-env").doesNotContain(CLIENT_KEY);

                String codex = CODEX_BODY.replaceFirst("\"model\"\\s*:\\s*\"[^\"]*\"", "\"model\":\"gpt-5-mini\"");
                HttpResponse<String> openai = post(proxy, "/v1/responses", codex, "authorization", CLIENT_BEARER,
                        "chatgpt-account-id", "acct-1");
                assertThat(openai.statusCode()).isEqualTo(403);
                JsonNode openaiError = JSON.readTree(openai.body()).path("error");
                assertThat(openaiError.path("code").asText()).isEqualTo("credential_not_forwarded");
                assertThat(openaiError.path("message").asText()).contains("OpenAI credential")
                        .contains("upstreams.qwen.api-key-env");
                assertThat(tunnels.requests).isEmpty();
                assertThat(far.getAllServeEvents()).isEmpty();
                assertThat(proxy.accessLog(2)).extracting(l -> l.get("error"))
                        .containsOnly("credential_not_forwarded");

                // A request that carries no credential has nothing to leak: it goes.
                assertThat(post(proxy, "/v1/messages", haiku, "anthropic-version", "2023-06-01").body())
                        .isEqualTo("{\"served_by\":\"far\"}");
                assertThat(tunnels.requests).singleElement().asString().startsWith("CONNECT api.deepseek.example:80 ");
                assertThat(only(far).getUrl()).isEqualTo("/anthropic/v1/messages");
            }
        }
    }

    @Test
    void aThirdPartyHostWithItsOwnKeyGetsThatKeyAndNeverTheClients() throws Exception {
        WireMockServer far = upstream("far");
        try (ConnectProxy tunnels = new ConnectProxy(far.port())) {
            Path file = config(
                    "upstreams:",
                    "  deepseek:", "    url: http://api.deepseek.example/anthropic", "    dialect: anthropic",
                    "    proxy: http://127.0.0.1:" + tunnels.port(), "    api-key-env: DEEPSEEK_API_KEY",
                    "routes:", "  - model: claude-haiku-*", "    upstream: deepseek");
            try (TestProxy proxy = TestProxy.start(Map.of(), List.of(file), Map.of("DEEPSEEK_API_KEY", OWN_KEY))) {
                String haiku = CLAUDE_BODY.replaceFirst("\"model\"\\s*:\\s*\"[^\"]*\"", "\"model\":\"claude-haiku-4-5\"");
                assertThat(post(proxy, "/v1/messages", haiku, "x-api-key", CLIENT_KEY, "anthropic-version",
                        "2023-06-01").body()).isEqualTo("{\"served_by\":\"far\"}");
                Map<String, String> got = headers(only(far));
                assertThat(got).containsEntry("x-api-key", OWN_KEY).containsEntry("host", "api.deepseek.example");
                assertThat(got.values()).noneMatch(v -> v.contains(CLIENT_KEY));
                assertNoOutputShows(proxy, OWN_KEY);
            }
        }
    }

    @Test
    void aVendorsOwnHostGetsItsVendorsCredentialAndNoOtherVendors() throws Exception {
        WireMockServer far = upstream("far");
        try (ConnectProxy tunnels = new ConnectProxy(far.port())) {
            String via = "    proxy: http://127.0.0.1:" + tunnels.port();
            Path file = config(
                    "upstreams:",
                    "  direct-anthropic:", "    url: http://api.anthropic.com", "    dialect: anthropic", via,
                    "  direct-openai:", "    url: http://api.openai.com", "    dialect: openai", via,
                    "routes:",
                    "  - model: claude-haiku-*", "    upstream: direct-anthropic",
                    "  - path: /v1/models", "    upstream: direct-openai");
            try (TestProxy proxy = TestProxy.start(Map.of(), List.of(file))) {
                String haiku = CLAUDE_BODY.replaceFirst("\"model\"\\s*:\\s*\"[^\"]*\"", "\"model\":\"claude-haiku-4-5\"");
                assertThat(post(proxy, "/v1/messages", haiku, "x-api-key", CLIENT_KEY, "anthropic-version",
                        "2023-06-01").body()).isEqualTo("{\"served_by\":\"far\"}");
                assertThat(headers(only(far))).containsEntry("x-api-key", CLIENT_KEY);

                // Claude Code's key (x-api-key) on a shared path is Anthropic's: not for OpenAI's host.
                HttpResponse<String> refused = get(proxy, "/v1/models", "x-api-key", CLIENT_KEY);
                assertThat(refused.statusCode()).isEqualTo(403);
                assertThat(JSON.readTree(refused.body()).path("error").path("type").asText())
                        .isEqualTo("permission_error");
                assertThat(far.getAllServeEvents()).hasSize(1);
                // An OpenAI key is.
                assertThat(get(proxy, "/v1/models", "authorization", CLIENT_BEARER).body())
                        .isEqualTo("{\"served_by\":\"far\"}");
                assertThat(headers(far.getAllServeEvents().get(0).getRequest()))
                        .containsEntry("authorization", CLIENT_BEARER);
            }
        }
    }

    @Test
    void aLocalUpstreamOfTheOtherVendorGetsNeitherTheCredentialNorTheClientsVendorHeaders() throws Exception {
        WireMockServer llama = upstream("llama");
        WireMockServer claude = upstream("claude");
        Path file = config(
                "upstreams:",
                "  llama:", "    url: " + llama.baseUrl(), "    dialect: openai-chat",
                "    headers:", "      add: [\"X-Team: infra\"]", "      remove: [x-drop-me]",
                "  claude:", "    url: " + claude.baseUrl(), "    dialect: anthropic", "    api-key-env: ANTHROPIC_OWN",
                "routes:",
                "  - path: /v1/models", "    dialect: anthropic", "    upstream: llama",
                "  - path: /v1/models", "    upstream: claude");
        try (TestProxy proxy = TestProxy.start(Map.of(), List.of(file), Map.of("ANTHROPIC_OWN", OWN_KEY))) {
            assertThat(get(proxy, "/v1/models", "x-api-key", CLIENT_KEY, "anthropic-version", "2023-06-01",
                    "anthropic-beta", "b", "x-stainless-lang", "js", "x-drop-me", "1", "user-agent", "claude-cli/2")
                    .body()).isEqualTo("{\"served_by\":\"llama\"}");
            Map<String, String> toLlama = headers(only(llama));
            assertThat(toLlama).doesNotContainKeys("x-api-key", "anthropic-version", "anthropic-beta",
                    "x-stainless-lang", "x-drop-me").containsEntry("x-team", "infra")
                    .containsEntry("user-agent", "claude-cli/2");

            // An OpenAI client's request to an Anthropic upstream with its own key.
            assertThat(get(proxy, "/v1/models", "authorization", CLIENT_BEARER, "openai-organization", "org-1",
                    "openai-beta", "responses=v1", "chatgpt-account-id", "acct", "x-stainless-os", "Linux").body())
                    .isEqualTo("{\"served_by\":\"claude\"}");
            Map<String, String> toClaude = headers(only(claude));
            assertThat(toClaude).containsEntry("x-api-key", OWN_KEY).containsEntry("anthropic-version", "2023-06-01")
                    .doesNotContainKeys("authorization", "openai-organization", "openai-beta", "chatgpt-account-id",
                            "x-stainless-os");
        }
    }

    @Test
    void eachRequestGoesToTheUpstreamOfItsRouteAndDialect() throws Exception {
        WireMockServer chat = upstream("chat");
        WireMockServer responses = upstream("responses");
        WireMockServer both = upstream("both");
        Path file = config(
                "upstreams:",
                "  chat:", "    url: " + chat.baseUrl(), "    dialect: openai-chat",
                "  responses:", "    url: " + responses.baseUrl(), "    dialect: openai-responses",
                "  both:", "    url: " + both.baseUrl(), "    dialect: openai",
                "routes:",
                "  - name: to-chat", "    model: to-chat", "    upstream: chat",
                "  - model: to-responses", "    upstream: responses",
                "  - name: chat-only", "    dialect: openai-chat", "    model: to-both", "    upstream: both",
                "  - model: to-both", "    upstream: responses");
        try (TestProxy proxy = TestProxy.start(Map.of(), List.of(file))) {
            // The same API goes through untouched; openai speaks whichever OpenAI API the client does.
            assertThat(post(proxy, "/v1/chat/completions", "{\"model\":\"to-chat\",\"messages\":[]}",
                    "authorization", CLIENT_BEARER).body()).isEqualTo("{\"served_by\":\"chat\"}");
            assertThat(post(proxy, "/v1/responses", "{\"model\":\"to-responses\",\"input\":\"hi\"}",
                    "authorization", CLIENT_BEARER).body()).isEqualTo("{\"served_by\":\"responses\"}");
            // A route's dialect openai-chat takes Chat requests only.
            assertThat(post(proxy, "/v1/chat/completions", "{\"model\":\"to-both\",\"messages\":[]}",
                    "authorization", CLIENT_BEARER).body()).isEqualTo("{\"served_by\":\"both\"}");
            assertThat(post(proxy, "/v1/responses", "{\"model\":\"to-both\",\"input\":\"hi\"}",
                    "authorization", CLIENT_BEARER).body()).isEqualTo("{\"served_by\":\"responses\"}");
        }
    }

    @Test
    void aFallbackTheCredentialMayNotGoToIsSkipped() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        WireMockServer far = upstream("far");
        WireMockServer backup = upstream("backup");
        try (ConnectProxy tunnels = new ConnectProxy(far.port())) {
            Path file = config(
                    "upstreams:",
                    "  primary:", "    url: http://127.0.0.1:" + closed, "    dialect: anthropic",
                    "    retry:", "      max-attempts: 1", "    fallback: deepseek, backup",
                    "  deepseek:", "    url: http://api.deepseek.example", "    dialect: anthropic",
                    "    proxy: http://127.0.0.1:" + tunnels.port(),
                    "  backup:", "    url: " + backup.baseUrl(), "    dialect: anthropic",
                    "routes:", "  - model: claude-haiku-*", "    upstream: primary");
            try (TestProxy proxy = TestProxy.start(Map.of(), List.of(file))) {
                String haiku = CLAUDE_BODY.replaceFirst("\"model\"\\s*:\\s*\"[^\"]*\"", "\"model\":\"claude-haiku-4-5\"");
                assertThat(post(proxy, "/v1/messages", haiku, "x-api-key", CLIENT_KEY, "anthropic-version",
                        "2023-06-01").body()).isEqualTo("{\"served_by\":\"backup\"}");
                assertThat(tunnels.requests).isEmpty();
                assertThat(headers(only(backup))).containsEntry("x-api-key", CLIENT_KEY);
            }
        }
    }
}
