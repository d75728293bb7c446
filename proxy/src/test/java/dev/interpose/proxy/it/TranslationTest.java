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
import dev.interpose.proxy.Fixtures;
import dev.interpose.proxy.TestProxy;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client on an upstream of another API, over real sockets: the request reaches the upstream in the upstream's
 * own API (a fake that speaks only OpenAI Chat and answers anything else with Chat's error), and the answer
 * (whole, streamed or an error) reaches the client in its own.
 */
@Timeout(60)
class TranslationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT_ANSWER = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"qwen3\","
            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello from Qwen.\"},"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":4,\"total_tokens\":16}}";
    private static final String CHAT_STREAM = chunk("{\"role\":\"assistant\",\"content\":\"\"}", null)
            + chunk("{\"content\":\"Hello \"}", null) + chunk("{\"content\":\"from Qwen.\"}", null)
            + chunk("{}", "\"stop\"")
            + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,"
            + "\"completion_tokens\":4,\"total_tokens\":16}}\n\n" + "data: [DONE]\n\n";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<WireMockServer> servers = new ArrayList<>();
    @TempDir
    Path dir;

    private static String chunk(String delta, String finish) {
        return "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"qwen3\",\"choices\":[{\"index\":0,"
                + "\"delta\":" + delta + ",\"finish_reason\":" + finish + "}]}\n\n";
    }

    @AfterEach
    void stop() {
        servers.forEach(WireMockServer::stop);
    }

    /** A fake that speaks Chat only: the path and the shape of the body are Chat's, or it answers Chat's 400. */
    private WireMockServer chatUpstream(String answer, String contentType, int status) {
        WireMockServer server = new WireMockServer(options().dynamicPort());
        server.start();
        servers.add(server);
        server.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().withStatus(400)
                .withHeader("content-type", "application/json")
                .withBody("{\"error\":{\"message\":\"not a Chat request\",\"type\":\"invalid_request_error\"}}")));
        server.stubFor(post(urlEqualTo("/v1/chat/completions")).atPriority(1).willReturn(aResponse()
                .withStatus(status).withHeader("content-type", contentType).withBody(answer)));
        return server;
    }

    /** What a Chat server reads: a model, messages of Chat's roles with string or part-list content, no Anthropic fields. */
    private static JsonNode assertChatShaped(WireMockServer server) throws Exception {
        assertThat(server.getAllServeEvents()).hasSize(1);
        var request = server.getAllServeEvents().get(0).getRequest();
        assertThat(request.getUrl()).isEqualTo("/v1/chat/completions");
        JsonNode body = JSON.readTree(request.getBodyAsString());
        assertThat(body.path("model").isTextual()).isTrue();
        assertThat(body.has("system")).as("Anthropic's system field").isFalse();
        assertThat(body.path("messages").isArray()).isTrue();
        for (JsonNode m : body.path("messages")) {
            assertThat(Set.of("system", "user", "assistant", "tool")).contains(m.path("role").asText());
            JsonNode content = m.path("content");
            if (content.isArray()) {
                content.forEach(p -> assertThat(Set.of("text", "image_url")).contains(p.path("type").asText()));
            }
        }
        return body;
    }

    private TestProxy proxy(WireMockServer chat) throws Exception {
        Path file = Files.writeString(dir.resolve("config.yaml"), String.join("\n", "upstreams:",
                "  local:", "    url: " + chat.baseUrl(), "    dialect: openai-chat",
                "routes:", "  - path: /v1/messages", "    upstream: local", "  - path: /v1/messages/count_tokens",
                "    upstream: local", "  - path: /v1/responses",
                "    upstream: local", ""));
        return TestProxy.start(Map.of(), List.of(file));
    }

    private HttpResponse<String> send(TestProxy proxy, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(proxy.uri(path)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static final String MESSAGES = "{\"model\":\"qwen3\",\"max_tokens\":256,\"system\":\"Be brief.\","
            + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"say hi\"}]}]";

    @Test
    void claudeCodesRequestReachesAChatUpstreamAsChatAndItsAnswerComesBackAsAMessage() throws Exception {
        WireMockServer chat = chatUpstream(CHAT_ANSWER, "application/json", 200);
        try (TestProxy proxy = proxy(chat)) {
            HttpResponse<String> response = send(proxy, "/v1/messages", MESSAGES + "}", "anthropic-version",
                    "2023-06-01");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode message = JSON.readTree(response.body());
            assertThat(message.path("type").asText()).isEqualTo("message");
            assertThat(message.path("role").asText()).isEqualTo("assistant");
            assertThat(message.path("content").get(0).path("text").asText()).isEqualTo("Hello from Qwen.");
            assertThat(message.path("stop_reason").asText()).isEqualTo("end_turn");
            assertThat(message.path("usage").path("input_tokens").asInt()).isEqualTo(12);
            assertThat(message.path("usage").path("output_tokens").asInt()).isEqualTo(4);
            JsonNode sent = assertChatShaped(chat);
            assertThat(sent.path("messages").get(0).path("role").asText()).isEqualTo("system");
            assertThat(sent.toString()).contains("Be brief.").contains("say hi");
            assertThat(chat.getAllServeEvents().get(0).getRequest().getHeader("anthropic-version")).isNull();
            Map<String, Object> line = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                    .until(proxy::accessLog, l -> !l.isEmpty()).get(0);
            assertThat(line).containsEntry("dialect", "anthropic").containsEntry("upstream_dialect", "openai-chat")
                    .containsEntry("translated", true).containsEntry("model", "qwen3").containsEntry("status", 200);
            assertThat(proxy.registry().get("interpose.translations").tag("upstream_dialect", "openai-chat")
                    .counter().count()).isEqualTo(1.0);
        }
    }

    @Test
    void aStreamIsTranslatedEventByEventIntoTheWholeMessagesGrammar() throws Exception {
        WireMockServer chat = chatUpstream(CHAT_STREAM, "text/event-stream", 200);
        try (TestProxy proxy = proxy(chat)) {
            HttpResponse<String> response = send(proxy, "/v1/messages", MESSAGES + ",\"stream\":true}");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
            List<JsonNode> events = new ArrayList<>();
            for (String line : response.body().split("\n")) {
                if (line.startsWith("data: ")) {
                    events.add(JSON.readTree(line.substring(6)));
                }
            }
            List<String> types = events.stream().map(e -> e.path("type").asText()).toList();
            assertThat(types.get(0)).isEqualTo("message_start");
            assertThat(types.get(types.size() - 1)).isEqualTo("message_stop");
            assertThat(types).contains("content_block_start", "content_block_delta", "content_block_stop",
                    "message_delta");
            StringBuilder text = new StringBuilder();
            events.stream().filter(e -> e.path("type").asText().equals("content_block_delta"))
                    .forEach(e -> text.append(e.path("delta").path("text").asText()));
            assertThat(text.toString()).isEqualTo("Hello from Qwen.");
            JsonNode delta = events.stream().filter(e -> e.path("type").asText().equals("message_delta")).findFirst()
                    .orElseThrow();
            assertThat(delta.path("delta").path("stop_reason").asText()).isEqualTo("end_turn");
            assertThat(delta.path("usage").path("output_tokens").asInt()).isEqualTo(4);
            JsonNode sent = assertChatShaped(chat);
            assertThat(sent.path("stream").asBoolean()).isTrue();
        }
    }

    @Test
    void anUpstreamErrorBecomesTheClientsErrorAndARateLimitStaysARateLimit() throws Exception {
        WireMockServer chat = chatUpstream("{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit_exceeded\"}}",
                "application/json", 429);
        try (TestProxy proxy = proxy(chat)) {
            HttpResponse<String> response = send(proxy, "/v1/messages", MESSAGES + "}");
            assertThat(response.statusCode()).isEqualTo(429);
            JsonNode error = JSON.readTree(response.body());
            assertThat(error.path("type").asText()).isEqualTo("error");
            assertThat(error.path("error").path("type").asText()).isEqualTo("rate_limit_error");
            assertThat(error.path("error").path("message").asText()).contains("slow down");
        }
    }

    @Test
    void codexsRequestReachesAChatUpstreamAsChatAndItsStreamComesBackAsResponsesEvents() throws Exception {
        WireMockServer chat = chatUpstream(CHAT_STREAM, "text/event-stream", 200);
        try (TestProxy proxy = proxy(chat)) {
            String codex = new String(Fixtures.bytes("openai-responses-codex.json"), StandardCharsets.UTF_8);
            HttpResponse<String> response = send(proxy, "/v1/responses", codex, "authorization", "Bearer sk-x");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            List<String> types = new ArrayList<>();
            String text = null;
            for (String line : response.body().split("\n")) {
                if (line.startsWith("data: ")) {
                    JsonNode event = JSON.readTree(line.substring(6));
                    types.add(event.path("type").asText());
                    if (event.path("type").asText().equals("response.output_text.done")) {
                        text = event.path("text").asText();
                    }
                }
            }
            assertThat(types.get(0)).isEqualTo("response.created");
            assertThat(types.get(types.size() - 1)).isEqualTo("response.completed");
            assertThat(types).contains("response.output_item.added", "response.output_text.delta",
                    "response.output_item.done");
            assertThat(text).isEqualTo("Hello from Qwen.");
            assertChatShaped(chat);
        }
    }

    @Test
    void countTokensForAnUpstreamWithoutItIsAnsweredWithAnEstimateMarkedAsOne() throws Exception {
        WireMockServer chat = chatUpstream(CHAT_ANSWER, "application/json", 200);
        try (TestProxy proxy = proxy(chat)) {
            HttpResponse<String> response = send(proxy, "/v1/messages/count_tokens", MESSAGES + "}");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("x-interpose-token-estimate")).hasValue("true");
            assertThat(JSON.readTree(response.body()).path("input_tokens").asLong()).isPositive();
            assertThat(chat.getAllServeEvents()).as("nothing sent to an upstream that cannot count").isEmpty();
        }
    }

    @Test
    void countTokensOfABodyTooLargeToReadOnTheEventLoopIsEstimatedOffItAlike() throws Exception {
        WireMockServer chat = chatUpstream(CHAT_ANSWER, "application/json", 200);
        String words = "word ".repeat(dev.interpose.proxy.body.Limits.TRANSLATE_ON_LOOP_BYTES / 5 + 1024);
        try (TestProxy proxy = proxy(chat)) {
            long small = JSON.readTree(send(proxy, "/v1/messages/count_tokens", MESSAGES + "}").body())
                    .path("input_tokens").asLong();
            for (int i = 0; i < 3; i++) { // one connection, one after another: each answered, none left pending
                HttpResponse<String> response = send(proxy, "/v1/messages/count_tokens",
                        MESSAGES.replace("Be brief.", words) + "}");
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                assertThat(response.headers().firstValue("x-interpose-token-estimate")).hasValue("true");
                assertThat(JSON.readTree(response.body()).path("input_tokens").asLong())
                        .as("the padding counted").isGreaterThan(small + 10_000);
            }
            HttpResponse<String> broken = send(proxy, "/v1/messages/count_tokens", "[" + words.replace(' ', ','));
            assertThat(broken.statusCode()).isEqualTo(400);
            assertThat(broken.body()).contains("invalid_request_error").contains("estimate its tokens");
            assertThat(chat.getAllServeEvents()).isEmpty();
        }
    }

    @Test
    void aBodyTooLargeToTranslateOnTheEventLoopIsTranslatedOffItAlike() throws Exception {
        WireMockServer chat = chatUpstream(CHAT_ANSWER, "application/json", 200);
        String padding = "x".repeat(dev.interpose.proxy.body.Limits.TRANSLATE_ON_LOOP_BYTES + 1024);
        try (TestProxy proxy = proxy(chat)) {
            HttpResponse<String> response = send(proxy, "/v1/messages", MESSAGES.replace("Be brief.", padding) + "}");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(JSON.readTree(response.body()).path("content").get(0).path("text").asText())
                    .isEqualTo("Hello from Qwen.");
            assertThat(assertChatShaped(chat).toString()).contains(padding).contains("say hi");
        }
    }
}
