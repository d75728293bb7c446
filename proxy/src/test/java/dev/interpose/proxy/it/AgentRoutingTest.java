package dev.interpose.proxy.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
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
 * Subagents go where their model lives, over real sockets: a Claude-model agent triggered from Codex reaches the
 * Anthropic upstream as a Messages call with that upstream's own key, a GPT-model agent triggered from Claude Code
 * the OpenAI upstream as a Responses call; {@code inherit} and short names resolve; the agent's {@code tools} and
 * {@code disallowedTools} decide which of the trigger's tool definitions it is sent. Each fake speaks only its
 * own API and answers any other path with its API's error, so a call in the wrong API fails the test.
 */
@Timeout(60)
class AgentRoutingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ANTHROPIC_OWN = "sk-ant-own-of-the-upstream";
    private static final String OPENAI_OWN = "sk-openai-own-of-the-upstream";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<WireMockServer> servers = new ArrayList<>();
    private WireMockServer anthropic;
    private WireMockServer openai;
    @TempDir
    Path project;

    @BeforeEach
    void fakes() {
        anthropic = fake("/v1/messages", "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\","
                + "\"message\":\"not a Messages path\"}}", message("main answer from Claude"));
        openai = fake("/v1/responses", "{\"error\":{\"type\":\"invalid_request_error\",\"message\":"
                + "\"not a Responses path\"}}", response("main answer from GPT", null));
    }

    @AfterEach
    void stop() {
        servers.forEach(WireMockServer::stop);
    }

    private WireMockServer fake(String path, String wrongPath, String mainAnswer) {
        WireMockServer server = new WireMockServer(options().dynamicPort());
        server.start();
        servers.add(server);
        server.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().withStatus(404)
                .withHeader("content-type", "application/json").withBody(wrongPath)));
        server.stubFor(post(urlEqualTo(path)).atPriority(5).willReturn(json(mainAnswer)));
        return server;
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("content-type", "application/json").withBody(body);
    }

    private static String message(String text) {
        return "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"" + text + "\"}],\"stop_reason\":\"end_turn\","
                + "\"usage\":{\"input_tokens\":3,\"output_tokens\":2}}";
    }

    /** A Responses answer with {@code text}, and a call of {@code tool} after it when not null. */
    private static String response(String text, String tool) {
        String call = tool == null ? "" : ",{\"type\":\"function_call\",\"id\":\"fc_1\",\"call_id\":\"call_1\","
                + "\"name\":\"" + tool + "\",\"arguments\":\"{\\\"file_path\\\":\\\"/src/a.txt\\\"}\","
                + "\"status\":\"completed\"}";
        return "{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"completed\",\"model\":\"gpt-5\",\"output\":["
                + "{\"type\":\"message\",\"id\":\"msg_1\",\"role\":\"assistant\",\"status\":\"completed\",\"content\":"
                + "[{\"type\":\"output_text\",\"text\":\"" + text + "\",\"annotations\":[]}]}" + call + "],"
                + "\"usage\":{\"input_tokens\":5,\"output_tokens\":3,\"total_tokens\":8}}";
    }

    /** An agent file; the fake given answers a call carrying its system prompt with {@code answer}. */
    private void agent(String name, String frontMatter, WireMockServer answering, String answer) throws Exception {
        Path file = project.resolve(".claude/agents").resolve(name + ".md");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "---\nname: " + name + "\n" + frontMatter + "---\nYou are the " + name + " agent.\n");
        answering.stubFor(post(anyUrl()).atPriority(1).withRequestBody(containing("You are the " + name + " agent."))
                .willReturn(json(answer)));
    }

    private TestProxy proxy(String... lines) throws Exception {
        Path file = Files.writeString(project.resolve("config.yaml"), String.join("\n", lines) + "\n");
        return TestProxy.withExtensions(Map.of("anthropic", anthropic.baseUrl(), "openai", openai.baseUrl()),
                project, List.of(file), Map.of("ANTHROPIC_OWN", ANTHROPIC_OWN, "OPENAI_OWN", OPENAI_OWN));
    }

    private HttpResponse<String> send(TestProxy proxy, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(proxy.uri(path)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The one request {@code server} received whose body holds {@code marker}. */
    private static LoggedRequest received(WireMockServer server, String marker) {
        List<LoggedRequest> found = server.getAllServeEvents().stream().map(e -> e.getRequest())
                .filter(r -> r.getBodyAsString().contains(marker)).toList();
        assertThat(found).as("requests holding " + marker).hasSize(1);
        return found.get(0);
    }

    private static List<String> toolNames(JsonNode tools) {
        List<String> names = new ArrayList<>();
        tools.forEach(t -> names.add(t.path("name").asText(t.path("function").path("name").asText())));
        return names;
    }

    @Test
    void codexRunsAClaudeAgentOnTheAnthropicUpstreamAndAGptOneOnItsOwn() throws Exception {
        agent("claude-reviewer", "model: claude-sonnet-4-5\ntools: Bash, Read\n", anthropic,
                message("findings from Claude"));
        agent("inheriting", "model: inherit\ndisallowedTools: [Write]\n", openai, response("findings of gpt-5", null));
        agent("short", "model: opus\n", openai, response("findings of the short name", null));
        try (TestProxy proxy = proxy("upstreams:", "  anthropic:", "    api-key-env: ANTHROPIC_OWN")) {
            String codex = "{\"model\":\"gpt-5\",\"stream\":false,\"instructions\":\"You are Codex.\",\"input\":[{"
                    + "\"type\":\"message\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":"
                    + "\"/agents claude-reviewer,inheriting,short -- check the diff\"}]}],\"tools\":["
                    + "{\"type\":\"function\",\"name\":\"exec_command\",\"description\":\"Runs a command\","
                    + "\"parameters\":{\"type\":\"object\",\"properties\":{\"cmd\":{\"type\":\"string\"}}}},"
                    + "{\"type\":\"custom\",\"name\":\"apply_patch\",\"description\":\"Edits files\"},"
                    + "{\"type\":\"function\",\"name\":\"view_image\",\"description\":\"Shows an image\","
                    + "\"parameters\":{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}}}}]}";
            HttpResponse<String> answer = send(proxy, "/v1/responses", codex, "authorization", "Bearer sk-openai-client");
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body()).contains("main answer from GPT");

            // the Claude model's agent: a Messages call to the Anthropic upstream, with its own key only
            LoggedRequest claude = received(anthropic, "You are the claude-reviewer agent.");
            assertThat(claude.getUrl()).isEqualTo("/v1/messages");
            assertThat(claude.getHeader("x-api-key")).isEqualTo(ANTHROPIC_OWN);
            assertThat(claude.containsHeader("authorization")).isFalse();
            JsonNode sent = JSON.readTree(claude.getBodyAsString());
            assertThat(sent.path("model").asText()).isEqualTo("claude-sonnet-4-5");
            assertThat(sent.path("max_tokens").asInt()).as("agents.max-tokens").isEqualTo(8192);
            assertThat(sent.path("messages").get(0).toString()).contains("check the diff");
            assertThat(toolNames(sent.path("tools"))).as("tools: Bash, Read").containsExactly("exec_command");

            // inherit: the trigger's model, at its own upstream, with the client's credential; Write takes apply_patch
            LoggedRequest inheriting = received(openai, "You are the inheriting agent.");
            assertThat(inheriting.getUrl()).isEqualTo("/v1/responses");
            assertThat(inheriting.getHeader("authorization")).isEqualTo("Bearer sk-openai-client");
            JsonNode asked = JSON.readTree(inheriting.getBodyAsString());
            assertThat(asked.path("model").asText()).isEqualTo("gpt-5");
            assertThat(toolNames(asked.path("tools"))).containsExactly("exec_command", "view_image");
            // a short name becomes the OpenAI family's model
            assertThat(JSON.readTree(received(openai, "You are the short agent.").getBodyAsString()).path("model")
                    .asText()).isEqualTo("gpt-5");

            String main = received(openai, "You are Codex.").getBodyAsString();
            assertThat(main).contains("<agent name=\\\"claude-reviewer\\\" status=\\\"ok\\\">\\nfindings from Claude")
                    .contains("findings of gpt-5").contains("findings of the short name");
            assertThat(proxy.accessLog(4)).anySatisfy(line -> assertThat(line).containsEntry("route", "agents.anthropic")
                    .containsEntry("upstream", "anthropic").containsEntry("translated", true));
        }
    }

    @Test
    void claudeCodeRunsAGptAgentOnTheOpenAiUpstreamAndItsToolCallIsToldNotRun() throws Exception {
        agent("gpt-reviewer", "model: gpt-5\ntools: [Read]\nmaxTurns: 3\n", openai,
                response("I would read a file first.", "Read"));
        try (TestProxy proxy = proxy("upstreams:", "  openai:", "    api-key-env: OPENAI_OWN")) {
            String claude = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100,\"system\":\"You are Claude Code.\","
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"/agents gpt-reviewer -- look at src\"}],"
                    + "\"tools\":[{\"name\":\"Bash\",\"input_schema\":{\"type\":\"object\"}},{\"name\":\"Read\","
                    + "\"input_schema\":{\"type\":\"object\",\"properties\":{\"file_path\":{\"type\":\"string\"}}}}]}";
            HttpResponse<String> answer = send(proxy, "/v1/messages", claude, "x-api-key", "sk-ant-client",
                    "anthropic-version", "2023-06-01");
            assertThat(answer.body()).contains("main answer from Claude");

            LoggedRequest gpt = received(openai, "You are the gpt-reviewer agent.");
            assertThat(gpt.getUrl()).isEqualTo("/v1/responses");
            assertThat(gpt.getHeader("authorization")).isEqualTo("Bearer " + OPENAI_OWN);
            assertThat(gpt.containsHeader("x-api-key")).isFalse();
            assertThat(gpt.containsHeader("anthropic-version")).isFalse();
            JsonNode sent = JSON.readTree(gpt.getBodyAsString());
            assertThat(sent.path("model").asText()).isEqualTo("gpt-5");
            assertThat(toolNames(sent.path("tools"))).containsExactly("Read");

            String main = received(anthropic, "You are Claude Code.").getBodyAsString();
            assertThat(main).contains("I would read a file first.").contains("[the agent asked to call Read "
                    + "{\\\"file_path\\\":\\\"/src/a.txt\\\"}; not run: an agent's call is one model turn]");
        }
    }

    @Test
    void withoutAKeyOfItsOwnTheOtherVendorsUpstreamIsNotGivenTheClientsCredential() throws Exception {
        agent("claude-reviewer", "model: claude-opus-4-5\n", anthropic, message("never"));
        try (TestProxy proxy = proxy("agents:", "  timeout: 10s")) {
            HttpResponse<String> answer = send(proxy, "/interpose/agents/run", "{\"agents\":[\"claude-reviewer\"],"
                    + "\"prompt\":\"check\",\"dialect\":\"openai\",\"model\":\"gpt-5\"}", "authorization",
                    "Bearer sk-openai-client");
            JsonNode result = JSON.readTree(answer.body()).path("results").get(0);
            assertThat(result.path("status").asText()).isEqualTo("error");
            assertThat(result.path("answer").asText()).contains("403").contains("upstreams.anthropic.api-key-env");
            assertThat(anthropic.getAllServeEvents()).isEmpty();
        }
    }
}
