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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model names over real sockets: a {@code model-aliases} entry sends a Claude model to its upstream (of another
 * API) under the alias's model, the short names resolve, and {@code GET /v1/models} is answered in each client's
 * shape with the configured models (and forwarded as before without them).
 */
@Timeout(60)
class ModelAliasesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT_ANSWER = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\","
            + "\"model\":\"qwen3-coder\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"Hello from Qwen.\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,"
            + "\"completion_tokens\":4,\"total_tokens\":16}}";
    private static final String MESSAGE_ANSWER = "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
            + "\"model\":\"claude\",\"content\":[{\"type\":\"text\",\"text\":\"Hello from Claude.\"}],"
            + "\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":3,\"output_tokens\":2}}";

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
        server.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().withStatus(400)
                .withHeader("content-type", "application/json").withBody("{\"error\":{\"message\":\"wrong path\"}}")));
        server.stubFor(post(urlEqualTo(path)).atPriority(1).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody(answer)));
        return server;
    }

    private TestProxy proxy(WireMockServer anthropic, String... lines) throws Exception {
        Path file = Files.writeString(dir.resolve("config.yaml"), String.join("\n", lines) + "\n");
        return TestProxy.start(Map.of("anthropic", anthropic.baseUrl()), List.of(file));
    }

    private HttpResponse<String> messages(TestProxy proxy, String model) throws Exception {
        String body = "{\"model\":\"" + model + "\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"say hi\"}]}";
        return http.send(HttpRequest.newBuilder(proxy.uri("/v1/messages")).header("content-type", "application/json")
                .header("anthropic-version", "2023-06-01").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> models(TestProxy proxy, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(proxy.uri("/v1/models")).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The body of the newest request the fake received (WireMock lists the newest first). */
    private static JsonNode sent(WireMockServer server, int i) throws Exception {
        return JSON.readTree(server.getAllServeEvents().get(i).getRequest().getBodyAsString());
    }

    private static Map<String, Object> lastLine(TestProxy proxy, int lines) {
        return Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> proxy.accessLog(lines),
                l -> l.size() >= lines).get(lines - 1);
    }

    private String[] aliasConfig(WireMockServer local) {
        return new String[] {"upstreams:", "  local:", "    url: " + local.baseUrl(), "    dialect: openai-chat",
                "model-aliases:", "  - match: \"claude-sonnet-*\"", "    model: qwen3-coder", "    upstream: local",
                "  - match: fast", "    model: claude-haiku-4-5"};
    }

    @Test
    void aClaudeSonnetRequestReachesTheAliasesUpstreamWithTheAliasesModel() throws Exception {
        WireMockServer anthropic = fake("/v1/messages", MESSAGE_ANSWER);
        WireMockServer local = fake("/v1/chat/completions", CHAT_ANSWER);
        try (TestProxy proxy = proxy(anthropic, aliasConfig(local))) {
            HttpResponse<String> answer = messages(proxy, "claude-sonnet-4-5-20250929");
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(JSON.readTree(answer.body()).path("content").get(0).path("text").asText())
                    .isEqualTo("Hello from Qwen.");
            assertThat(sent(local, 0).path("model").asText()).isEqualTo("qwen3-coder");
            assertThat(anthropic.getAllServeEvents()).isEmpty();
            assertThat(lastLine(proxy, 1)).containsEntry("route", "model-aliases[0]").containsEntry("upstream", "local")
                    .containsEntry("model", "qwen3-coder").containsEntry("client_model", "claude-sonnet-4-5-20250929")
                    .containsEntry("translated", true);

            // the short name matches the alias as the full id it stands for
            assertThat(messages(proxy, "sonnet").statusCode()).isEqualTo(200);
            assertThat(local.getAllServeEvents()).hasSize(2);
            assertThat(sent(local, 0).path("model").asText()).isEqualTo("qwen3-coder");
            assertThat(lastLine(proxy, 2)).containsEntry("client_model", "sonnet");

            // the alias's own model (picked from /v1/models) goes where it lives, unchanged
            assertThat(messages(proxy, "qwen3-coder").statusCode()).isEqualTo(200);
            assertThat(local.getAllServeEvents()).hasSize(3);
            assertThat(lastLine(proxy, 3)).containsEntry("upstream", "local").containsEntry("model", "qwen3-coder")
                    .doesNotContainKey("client_model");

            // an alias without an upstream only renames: the built-in table sends it to Anthropic
            assertThat(messages(proxy, "fast").statusCode()).isEqualTo(200);
            assertThat(sent(anthropic, 0).path("model").asText()).isEqualTo("claude-haiku-4-5");
            assertThat(lastLine(proxy, 4)).containsEntry("upstream", "anthropic")
                    .containsEntry("model", "claude-haiku-4-5").containsEntry("client_model", "fast");

            // no alias matches: as before
            assertThat(messages(proxy, "claude-opus-4-1").statusCode()).isEqualTo(200);
            assertThat(sent(anthropic, 0).path("model").asText()).isEqualTo("claude-opus-4-1");
            assertThat(lastLine(proxy, 5)).containsEntry("route", "anthropic.messages")
                    .doesNotContainKey("client_model");
        }
    }

    @Test
    void shortNamesResolveToTheFullIdsOfTheUpstreamsFamily() throws Exception {
        WireMockServer anthropic = fake("/v1/messages", MESSAGE_ANSWER);
        try (TestProxy proxy = proxy(anthropic, "model-names:", "  anthropic: [sonnet=claude-sonnet-4-6]")) {
            assertThat(messages(proxy, "sonnet").statusCode()).isEqualTo(200);
            assertThat(sent(anthropic, 0).path("model").asText()).isEqualTo("claude-sonnet-4-6");
            assertThat(lastLine(proxy, 1)).containsEntry("model", "claude-sonnet-4-6")
                    .containsEntry("client_model", "sonnet");
            assertThat(messages(proxy, "haiku").statusCode()).isEqualTo(200);
            assertThat(sent(anthropic, 0).path("model").asText()).as("the list was replaced whole").isEqualTo("haiku");
        }
        WireMockServer again = fake("/v1/messages", MESSAGE_ANSWER);
        try (TestProxy proxy = proxy(again, "drain-timeout: 2s")) {
            assertThat(messages(proxy, "opus").statusCode()).isEqualTo(200);
            assertThat(sent(again, 0).path("model").asText()).isEqualTo("claude-opus-4-5");
        }
    }

    @Test
    void modelsIsAnsweredInEachClientsShapeWithTheConfiguredModels() throws Exception {
        WireMockServer anthropic = fake("/v1/messages", MESSAGE_ANSWER);
        WireMockServer local = fake("/v1/chat/completions", CHAT_ANSWER);
        String[] config = aliasConfig(local);
        String[] withRoute = java.util.stream.Stream.concat(java.util.Arrays.stream(config), java.util.stream.Stream.of(
                "routes:", "  - model: gpt-*-mini", "    upstream: local", "    rewrite-model: qwen3-small"))
                .toArray(String[]::new);
        try (TestProxy proxy = proxy(anthropic, withRoute)) {
            HttpResponse<String> claude = models(proxy, "x-api-key", "sk-ant-test", "anthropic-version", "2023-06-01");
            assertThat(claude.statusCode()).as(claude.body()).isEqualTo(200);
            JsonNode list = JSON.readTree(claude.body());
            List<String> ids = new ArrayList<>();
            for (JsonNode m : list.path("data")) {
                assertThat(m.path("type").asText()).isEqualTo("model");
                assertThat(m.path("display_name").isTextual()).isTrue();
                assertThat(m.path("created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
                ids.add(m.path("id").asText());
            }
            assertThat(ids).containsExactly("qwen3-coder", "fast", "claude-haiku-4-5", "qwen3-small",
                    "claude-sonnet-4-5", "claude-opus-4-5");
            assertThat(list.path("has_more").asBoolean(true)).isFalse();
            assertThat(list.path("first_id").asText()).isEqualTo("qwen3-coder");
            assertThat(list.path("last_id").asText()).isEqualTo("claude-opus-4-5");

            HttpResponse<String> codex = models(proxy, "authorization", "Bearer sk-test");
            assertThat(codex.statusCode()).isEqualTo(200);
            JsonNode openai = JSON.readTree(codex.body());
            assertThat(openai.path("object").asText()).isEqualTo("list");
            JsonNode first = openai.path("data").get(0);
            assertThat(first.path("id").asText()).isEqualTo("qwen3-coder");
            assertThat(first.path("object").asText()).isEqualTo("model");
            assertThat(first.path("owned_by").asText()).isEqualTo("local");
            assertThat(first.path("created").isIntegralNumber()).isTrue();
            List<String> openaiIds = new ArrayList<>();
            openai.path("data").forEach(m -> openaiIds.add(m.path("id").asText()));
            assertThat(openaiIds).containsExactly("qwen3-coder", "fast", "claude-haiku-4-5", "qwen3-small", "gpt-5",
                    "gpt-5-mini");

            assertThat(anthropic.getAllServeEvents()).as("answered by the proxy").isEmpty();
            assertThat(local.getAllServeEvents()).isEmpty();
            assertThat(lastLine(proxy, 1)).containsEntry("path", "/v1/models").containsEntry("method", "GET")
                    .containsEntry("status", 200).containsEntry("upstream", "none");
        }
    }

    @Test
    void withoutAliasesOrRenamingRoutesModelsIsForwardedAsBefore() throws Exception {
        WireMockServer anthropic = fake("/v1/messages", MESSAGE_ANSWER);
        anthropic.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlEqualTo("/v1/models")).atPriority(1)
                .willReturn(aResponse().withStatus(200).withHeader("content-type", "application/json")
                        .withBody("{\"data\":[{\"type\":\"model\",\"id\":\"claude-real\"}],\"has_more\":false}")));
        try (TestProxy proxy = proxy(anthropic, "routes:", "  - model: claude-haiku-*", "    upstream: anthropic")) {
            HttpResponse<String> claude = models(proxy, "x-api-key", "sk-ant-test", "anthropic-version", "2023-06-01");
            assertThat(claude.body()).contains("claude-real");
            assertThat(anthropic.getAllServeEvents()).hasSize(1);
        }
    }

    @Test
    void agentAndCommandFilesShortNamesAndInheritReachTheUpstreamResolved() throws Exception {
        WireMockServer anthropic = fake("/v1/messages", MESSAGE_ANSWER);
        WireMockServer local = fake("/v1/chat/completions", CHAT_ANSWER);
        Files.createDirectories(dir.resolve(".interpose/agents"));
        Files.createDirectories(dir.resolve(".interpose/commands"));
        Files.writeString(dir.resolve(".interpose/agents/inheritor.md"), "---\nmodel: inherit\n---\nYou inherit.\n");
        Files.writeString(dir.resolve(".interpose/agents/picky.md"), "---\nmodel: haiku\n---\nYou are picky.\n");
        Files.writeString(dir.resolve(".interpose/commands/quick.md"), "---\nmodel: sonnet\n---\nQuick: $ARGUMENTS\n");
        Files.writeString(dir.resolve(".interpose/commands/same.md"), "---\nmodel: inherit\n---\nSame: $ARGUMENTS\n");
        Path config = Files.writeString(dir.resolve("interpose.yaml"), String.join("\n", aliasConfig(local)) + "\n");
        try (TestProxy proxy = TestProxy.withExtensions(Map.of("anthropic", anthropic.baseUrl()), dir,
                List.of(config))) {
            HttpResponse<String> run = http.send(HttpRequest.newBuilder(proxy.uri("/interpose/agents/run"))
                    .header("anthropic-version", "2023-06-01").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"agents\":[\"inheritor\",\"picky\"],\"prompt\":\"review\",\"model\":\"claude-x\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(run.statusCode()).as(run.body()).isEqualTo(200);
            Map<String, String> models = new java.util.HashMap<>();
            for (var event : anthropic.getAllServeEvents()) {
                JsonNode body = JSON.readTree(event.getRequest().getBodyAsString());
                models.put(body.path("system").asText(), body.path("model").asText());
            }
            assertThat(models).containsEntry("You inherit.", "claude-x").containsEntry("You are picky.",
                    "claude-haiku-4-5");

            // a command's short name goes through the aliases: sonnet is a claude-sonnet-* model, served by local
            String prompt = "{\"model\":\"claude-opus-4-1\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"/quick the diff\"}]}";
            HttpResponse<String> quick = http.send(HttpRequest.newBuilder(proxy.uri("/v1/messages"))
                    .header("content-type", "application/json").header("anthropic-version", "2023-06-01")
                    .POST(HttpRequest.BodyPublishers.ofString(prompt)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(quick.statusCode()).as(quick.body()).isEqualTo(200);
            JsonNode sent = sent(local, 0);
            assertThat(sent.path("model").asText()).isEqualTo("qwen3-coder");
            assertThat(sent.toString()).contains("Quick: the diff");

            // inherit keeps the request's model
            int before = anthropic.getAllServeEvents().size();
            HttpResponse<String> same = http.send(HttpRequest.newBuilder(proxy.uri("/v1/messages"))
                    .header("content-type", "application/json").header("anthropic-version", "2023-06-01")
                    .POST(HttpRequest.BodyPublishers.ofString(prompt.replace("/quick", "/same")))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(same.statusCode()).as(same.body()).isEqualTo(200);
            assertThat(anthropic.getAllServeEvents()).hasSize(before + 1);
            assertThat(sent(anthropic, 0).path("model").asText()).isEqualTo("claude-opus-4-1");
            assertThat(sent(anthropic, 0).toString()).contains("Same: the diff");
        }
    }
}
