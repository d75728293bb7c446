package dev.interpose.proxy.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.interpose.proxy.Fixtures;
import dev.interpose.proxy.HookFiles;
import dev.interpose.proxy.TestProxy;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Slash commands from command files, expanded by the proxy on the real CLIs' request bodies. */
@Timeout(60)
class SlashCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLAUDE_BODY = new String(Fixtures.bytes("anthropic-messages-claude-code.json"),
            StandardCharsets.UTF_8);
    private static final String CODEX_BODY = new String(Fixtures.bytes("openai-responses-codex.json"),
            StandardCharsets.UTF_8);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    @RegisterExtension
    final WireMockExtension upstream = WireMockExtension.newInstance().options(options().dynamicPort()).build();
    @TempDir
    Path project;

    @BeforeEach
    void start() throws Exception {
        upstream.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody("{\"from\":\"upstream\"}")));
        command(".interpose/commands/review.md", "---", "description: Review a file", "argument-hint: <file> [focus]",
                "model: claude-review-model", "unknown-key: kept and ignored", "---",
                "Review @$0 with a focus on $1.", "Everything typed: $ARGUMENTS");
        command(".claude/commands/git/pr.md", "Open a pull request titled: $ARGUMENTS");
        // Broken YAML loads (read line by line, as Claude Code loads it); only front matter past 64 KB fails.
        command(".codexplus/commands/broken.md", "---", "description: " + "x".repeat(70_000), "---", "x");
        Files.createDirectories(project.resolve("src"));
        Files.writeString(project.resolve("src/Main.java"), "class Main {}\n");
    }

    private void command(String file, String... lines) throws Exception {
        Path path = project.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, String.join("\n", lines) + "\n");
    }

    private TestProxy proxy() throws Exception {
        return TestProxy.withExtensions(Map.of("anthropic", upstream.baseUrl(), "openai", upstream.baseUrl()), project);
    }


    private String received() {
        return upstream.getAllServeEvents().get(0).getRequest().getBodyAsString(); // newest first
    }

    @Test
    void aCommandTypedInClaudeCodeAndCodexExpandsBeforeTheRequestLeaves() throws Exception {
        try (TestProxy proxy = proxy()) {
            proxy.post("/v1/messages", CLAUDE_BODY.replace("\"say hi\"", "\"/review src/Main.java security\""),
                    "x-api-key", "k");
            JsonNode claude = JSON.readTree(received());
            JsonNode messages = claude.path("messages");
            JsonNode user = messages.get(messages.size() - 2).path("content");
            assertThat(user.get(0).path("text").asText()).startsWith("<system-reminder>");
            assertThat(user.get(1).path("text").asText()).isEqualTo("Review @src/Main.java with a focus on security.\n"
                    + "Everything typed: src/Main.java security\n");
            assertThat(user.get(2).path("text").asText()).isEqualTo("<file path=\"src/Main.java\">\nclass Main {}\n</file>");
            assertThat(claude.path("model").asText()).isEqualTo("claude-review-model");

            proxy.post("/v1/responses", CODEX_BODY.replace("\"say hi\"", "\"/pr Fix the \\\"retry\\\" loop\""),
                    "authorization", "Bearer k");
            JsonNode input = JSON.readTree(received()).path("input");
            assertThat(input.get(input.size() - 1).path("content").get(0).path("text").asText())
                    .isEqualTo("Open a pull request titled: Fix the \"retry\" loop\n");
            assertThat(proxy.accessLog(2).get(0)).containsEntry("model", "claude-review-model")
                    .containsEntry("client_model", "claude-opus-5-5");
            assertThat(proxy.registry().get("interpose.command.expansions").tag("command", "git:pr")
                    .tag("outcome", "expanded").counter().count()).isEqualTo(1.0);
        }
    }

    @Test
    void notACommandNeverChangesAByte() throws Exception {
        try (TestProxy proxy = proxy()) {
            for (String typed : List.of("/tmp/x is a path", "/nope do things", "/broken x", "say /review later")) {
                String body = CLAUDE_BODY.replace("\"say hi\"", JSON.writeValueAsString(typed));
                proxy.post("/v1/messages", body, "x-api-key", "k");
                assertThat(received()).as(typed).isEqualTo(body);
            }
            String earlier = CODEX_BODY.replace("\"say hi\"", "\"/review src/Main.java\"")
                    .replaceFirst("\\]\\s*,\\s*\"tools\"", ",{\"type\":\"message\",\"role\":\"user\",\"content\":"
                            + "[{\"type\":\"input_text\",\"text\":\"and now something else\"}]}],\"tools\"");
            assertThat(earlier).contains("and now something else");
            proxy.post("/v1/responses", earlier, "authorization", "Bearer k");
            assertThat(received()).isEqualTo(earlier);
        }
    }

    @Test
    void slashCommandsListsEveryCommandWithoutCallingTheUpstream() throws Exception {
        try (TestProxy proxy = proxy()) {
            HttpResponse<String> claude = proxy.post("/v1/messages", CLAUDE_BODY.replace("\"say hi\"", "\"/commands\""),
                    "x-api-key", "k");
            assertThat(claude.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t)
                    .startsWith("text/event-stream"));
            List<JsonNode> events = HookFiles.events(claude.body());
            String text = events.stream().filter(e -> e.path("delta").has("text"))
                    .map(e -> e.path("delta").path("text").asText()).findFirst().orElseThrow();
            assertThat(text).isEqualTo("Slash commands available through Interpose:\n\n"
                    + "/review <file> [focus] - Review a file\n/git:pr (or /pr)\n\n/commands - this list\n\n"
                    + "1 command file failed to load; `interpose list` says why.");

            HttpResponse<String> codex = proxy.post("/v1/responses", CODEX_BODY.replace("\"say hi\"", "\"/commands\"")
                    .replace("\"stream\":true", "\"stream\":false"), "authorization", "Bearer k");
            JsonNode response = JSON.readTree(codex.body());
            assertThat(response.path("output").get(0).path("content").get(0).path("text").asText()).isEqualTo(text);
            assertThat(upstream.getAllServeEvents()).isEmpty();
            assertThat(proxy.accessLog(2)).extracting(l -> l.get("outcome") + " " + l.get("status"))
                    .containsExactly("local 200", "local 200");
        }
    }

    @Test
    void aCommandsModelIsRoutedAsIfTheClientHadAskedForIt() throws Exception {
        WireMockServer local = new WireMockServer(options().dynamicPort());
        local.start();
        try {
            local.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200)
                    .withHeader("content-type", "application/json").withBody("{\"from\":\"local\"}")));
            command(".interpose/commands/cheap.md", "---", "model: local-small", "---", "Summarise: $ARGUMENTS");
            Path config = Files.writeString(project.resolve("interpose.yaml"), String.join("\n",
                    "upstreams:", "  local:", "    url: " + local.baseUrl(), "    dialect: anthropic",
                    "routes:", "  - name: small-models", "    model: local-*", "    upstream: local",
                    "    rewrite-model: qwen3-small", ""));
            try (TestProxy proxy = TestProxy.withExtensions(Map.of("anthropic", upstream.baseUrl()), project,
                    List.of(config))) {
                HttpResponse<String> answer = proxy.post("/v1/messages",
                        CLAUDE_BODY.replace("\"say hi\"", "\"/cheap the diff\""), "x-api-key", "k");
                assertThat(answer.body()).isEqualTo("{\"from\":\"local\"}");
                JsonNode sent = JSON.readTree(local.getAllServeEvents().get(0).getRequest().getBodyAsString());
                assertThat(sent.path("model").asText()).isEqualTo("qwen3-small");
                assertThat(sent.toString()).contains("Summarise: the diff");
                assertThat(upstream.getAllServeEvents()).isEmpty();
                assertThat(proxy.accessLog(1).get(0)).containsEntry("route", "small-models")
                        .containsEntry("upstream", "local").containsEntry("model", "qwen3-small")
                        .containsEntry("client_model", "claude-opus-5-5");
            }
        } finally {
            local.stop();
        }
    }
}
