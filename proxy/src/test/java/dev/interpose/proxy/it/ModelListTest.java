package dev.interpose.proxy.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy's own {@code GET /v1/models} over real sockets: Anthropic's pages ({@code limit}, {@code after_id},
 * {@code before_id}, {@code has_more}, {@code first_id}, {@code last_id}), OpenAI's unpaged list, and
 * {@code GET /v1/models/{id}} in each shape, with a 404 (or a 400 for a bad page) in the client's own error shape.
 */
@Timeout(60)
class ModelListTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] CLAUDE = {"x-api-key", "sk-ant-test", "anthropic-version", "2023-06-01"};
    private static final String[] CODEX = {"authorization", "Bearer sk-test"};

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private TestProxy proxy;
    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        // Listed for Claude: qwen3-coder, fast, claude-haiku-4-5, claude-sonnet-4-5, claude-opus-4-5.
        Path file = Files.writeString(dir.resolve("config.yaml"), String.join("\n", "upstreams:", "  local:",
                "    url: http://127.0.0.1:9", "    dialect: openai-chat", "model-aliases:",
                "  - match: \"claude-sonnet-*\"", "    model: qwen3-coder", "    upstream: local",
                "  - match: fast", "    model: claude-haiku-4-5", ""));
        proxy = TestProxy.start(Map.of("anthropic", "http://127.0.0.1:9", "openai", "http://127.0.0.1:9"),
                List.of(file));
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
    }

    private HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(proxy.uri(pathAndQuery)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The page's ids, has_more, first_id and last_id, as one line. */
    private String page(String query) throws Exception {
        HttpResponse<String> response = get("/v1/models" + query, CLAUDE);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode list = JSON.readTree(response.body());
        List<String> ids = new ArrayList<>();
        list.path("data").forEach(m -> ids.add(m.path("id").asText()));
        return ids + " more=" + list.path("has_more").asBoolean() + " " + list.path("first_id").asText("null") + ".."
                + list.path("last_id").asText("null");
    }

    @Test
    void anAnthropicClientPagesForwardAndBack() throws Exception {
        assertThat(page("?limit=2")).isEqualTo("[qwen3-coder, fast] more=true qwen3-coder..fast");
        assertThat(page("?limit=2&after_id=fast"))
                .isEqualTo("[claude-haiku-4-5, claude-sonnet-4-5] more=true claude-haiku-4-5..claude-sonnet-4-5");
        assertThat(page("?after_id=claude-sonnet-4-5")).isEqualTo("[claude-opus-4-5] more=false "
                + "claude-opus-4-5..claude-opus-4-5");
        assertThat(page("?after_id=claude-opus-4-5")).isEqualTo("[] more=false null..null");
        assertThat(page("?limit=2&before_id=claude-sonnet-4-5"))
                .isEqualTo("[fast, claude-haiku-4-5] more=true fast..claude-haiku-4-5");
        assertThat(page("?limit=5&before_id=fast")).isEqualTo("[qwen3-coder] more=false qwen3-coder..qwen3-coder");
        assertThat(page("")).startsWith("[qwen3-coder, fast, claude-haiku-4-5, claude-sonnet-4-5, claude-opus-4-5] "
                + "more=false");
    }

    @Test
    void aBadPageIsAnAnthropicInvalidRequest() throws Exception {
        for (String query : List.of("?limit=0", "?limit=1001", "?limit=ten", "?after_id=nope",
                "?after_id=fast&before_id=claude-opus-4-5")) {
            HttpResponse<String> response = get("/v1/models" + query, CLAUDE);
            assertThat(response.statusCode()).as(query).isEqualTo(400);
            JsonNode error = JSON.readTree(response.body());
            assertThat(error.path("type").asText()).isEqualTo("error");
            assertThat(error.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        }
        assertThat(get("/v1/models?limit=0", CLAUDE).body()).contains("limit: \\\"0\\\" (expected: a number from 1 to"
                + " 1000)");
    }

    @Test
    void anOpenAiListIsNotPaged() throws Exception {
        JsonNode list = JSON.readTree(get("/v1/models?limit=1&after=fast", CODEX).body());
        assertThat(list.path("object").asText()).isEqualTo("list");
        assertThat(list.path("data")).hasSize(5);
        assertThat(list.has("has_more")).isFalse();
    }

    @Test
    void oneModelIsAnsweredInEachShapeAndAnUnknownOneIsA404InTheClientsDialect() throws Exception {
        JsonNode claude = JSON.readTree(get("/v1/models/claude-haiku-4-5", CLAUDE).body());
        assertThat(claude.path("type").asText()).isEqualTo("model");
        assertThat(claude.path("id").asText()).isEqualTo("claude-haiku-4-5");
        assertThat(claude.path("display_name").asText()).isEqualTo("claude-haiku-4-5");
        assertThat(claude.path("created_at").asText()).endsWith("Z");

        HttpResponse<String> gpt = get("/v1/models/qwen3-coder", CODEX);
        assertThat(gpt.statusCode()).isEqualTo(200);
        JsonNode model = JSON.readTree(gpt.body());
        assertThat(model.path("id").asText()).isEqualTo("qwen3-coder");
        assertThat(model.path("object").asText()).isEqualTo("model");
        assertThat(model.path("owned_by").asText()).isEqualTo("local");
        assertThat(JSON.readTree(get("/v1/models/gpt-5-mini", CODEX).body()).path("owned_by").asText())
                .isEqualTo("openai");

        HttpResponse<String> unknownToClaude = get("/v1/models/claude-nope", CLAUDE);
        assertThat(unknownToClaude.statusCode()).isEqualTo(404);
        JsonNode anthropicError = JSON.readTree(unknownToClaude.body());
        assertThat(anthropicError.path("type").asText()).isEqualTo("error");
        assertThat(anthropicError.path("error").path("type").asText()).isEqualTo("not_found_error");
        assertThat(anthropicError.path("error").path("message").asText()).contains("claude-nope");

        HttpResponse<String> unknownToCodex = get("/v1/models/gpt-nope", CODEX);
        assertThat(unknownToCodex.statusCode()).isEqualTo(404);
        JsonNode openaiError = JSON.readTree(unknownToCodex.body()).path("error");
        assertThat(openaiError.path("message").asText()).contains("gpt-nope");
        assertThat(JSON.readTree(unknownToCodex.body()).has("type")).as("OpenAI's shape").isFalse();
    }
}
