package dev.interpose.proxy.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Codex's own hook files ({@code .codex/hooks.json}, {@code [hooks]} in {@code .codex/config.toml}) guard the other
 * clients' traffic, with Codex's input shape and tool names, in real streams through the proxy from WireMock; and
 * they are not run for Codex's own traffic, which Codex judges itself.
 */
@Timeout(60)
class CodexHookFilesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ANTHROPIC_TOOL = text("sample-anthropic-tool-sse.txt");
    private static final String RESPONSES_TOOL = text("sample-responses-tool-sse.txt");
    private static final String MESSAGES = "{\"model\":\"claude-opus-5-5\",\"stream\":true,\"max_tokens\":1000,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"push it\"}]}";
    private static final String RESPONSES = "{\"model\":\"gpt-5.5\",\"stream\":true,\"input\":[{\"type\":\"message\","
            + "\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"list\"}]}]}";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    @RegisterExtension
    final WireMockExtension upstream = WireMockExtension.newInstance().options(options().dynamicPort()).build();
    @TempDir
    Path project;

    private static String text(String fixture) {
        return new String(Fixtures.bytes(fixture), StandardCharsets.UTF_8);
    }

    /** The fixture's Anthropic stream, its one tool call being {@code name} with {@code input}. */
    private static String anthropicCall(String name, String input) throws Exception {
        String partial = JSON.writeValueAsString(input);
        return ANTHROPIC_TOOL.replace("\"name\": \"Read\"", "\"name\": \"" + name + "\"")
                .replace("\"partial_json\": \"{\\\"file_path\\\": \\\"/x\\\"}\"", "\"partial_json\": " + partial);
    }

    private void answer(String path, String body) {
        upstream.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "text/event-stream").withBody(body)));
    }

    private TestProxy proxy() throws Exception {
        return TestProxy.withExtensions(Map.of("anthropic", upstream.baseUrl(), "openai", upstream.baseUrl()), project);
    }


    private HttpResponse<String> fromClaudeCode(TestProxy proxy) throws Exception {
        return proxy.post("/v1/messages", MESSAGES, "x-api-key", "k", "user-agent", "claude-cli/2.1.328 (external, cli)",
                "x-claude-code-session-id", "s-1");
    }

    /** A bash guard in Codex's hooks.json: logs its input, and denies a Bash command running git push (exit 2). */
    private Path bashGuardInHooksJson() throws Exception {
        Path seen = project.resolve("seen.jsonl");
        Path guard = Files.createDirectories(project.resolve(".codex/hooks")).resolve("no-push.sh");
        Files.writeString(guard, String.join("\n", "#!/usr/bin/env bash", "input=$(cat)", "echo \"$input\" >> " + seen,
                "echo \"$input\" | jq -e '.tool_name == \"Bash\" and (.tool_input.command | test(\"git push\"))' "
                        + "> /dev/null || exit 0",
                "echo \"pushing is not allowed: $(echo \"$input\" | jq -r .tool_input.command)\" >&2", "exit 2", ""));
        assertThat(guard.toFile().setExecutable(true)).isTrue();
        Files.writeString(project.resolve(".codex/hooks.json"), "{\"hooks\":{\"PreToolUse\":[{\"matcher\":\"Bash\","
                + "\"hooks\":[{\"type\":\"command\",\"command\":\"" + guard + "\",\"statusMessage\":\"Checking\"}]}]}}");
        return seen;
    }

    @Test
    void aCodexBashGuardInHooksJsonDeniesGitPushFromClaudeCodeAndSeesCodexsInput() throws Exception {
        Path seen = bashGuardInHooksJson();
        answer("/v1/messages", anthropicCall("Bash", "{\"command\": \"git push origin main\", \"description\": \"Push\"}"));
        try (TestProxy proxy = proxy()) {
            HttpResponse<String> response = fromClaudeCode(proxy);

            assertThat(response.statusCode()).isEqualTo(200);
            List<JsonNode> events = HookFiles.events(response.body());
            assertThat(events.get(6).path("delta").path("text").asText()).isEqualTo("Interpose denied the Bash tool"
                    + " call: hook codex:PreToolUse[Bash]#1 said: pushing is not allowed: git push origin main");
            assertThat(response.body()).doesNotContain("tool_use");

            JsonNode input = JSON.readTree(Files.readAllLines(seen).get(0));
            assertThat(input.path("hook_event_name").asText()).isEqualTo("PreToolUse");
            assertThat(input.path("tool_name").asText()).isEqualTo("Bash");
            assertThat(input.path("tool_input")).as("Codex gives a shell call's command alone")
                    .isEqualTo(JSON.readTree("{\"command\":\"git push origin main\"}"));
            assertThat(input.path("tool_use_id").asText()).isEqualTo("toolu_fake_16445adea4914924a3e8");
            assertThat(input.path("session_id").asText()).isEqualTo("s-1");
            assertThat(input.path("model").asText()).isEqualTo("claude-opus-5-5");
            assertThat(input.path("permission_mode").asText()).isEqualTo("default");
            assertThat(input.path("turn_id").asText()).isNotEmpty();
        }
    }

    @Test
    void aCodexApplyPatchGuardInConfigTomlSeesClaudeCodesWriteAsAPatchAndDeniesItWithCodexsJsonAnswer()
            throws Exception {
        Path seen = project.resolve("seen.json");
        Path guard = Files.createDirectories(project.resolve(".codex/hooks")).resolve("no_env.py");
        Files.writeString(guard, String.join("\n", "import json, sys", "event = json.load(sys.stdin)",
                "open('" + seen + "', 'w').write(json.dumps(event))",
                "if event['tool_name'] == 'apply_patch' and '.env' in event['tool_input']['command']:",
                "    print(json.dumps({'hookSpecificOutput': {'hookEventName': 'PreToolUse',",
                "        'permissionDecision': 'deny', 'permissionDecisionReason': 'the .env file is off limits'}}))", ""));
        Files.writeString(project.resolve(".codex/config.toml"), String.join("\n", "model = \"gpt-5.5\"", "",
                "[[hooks.PreToolUse]]", "matcher = \"^apply_patch$\"", "", "[[hooks.PreToolUse.hooks]]",
                "type = \"command\"", "command = \"python3 " + guard + "\"", "timeout = 30", ""));
        String envFile = project.resolve(".env").toString();
        answer("/v1/messages", anthropicCall("Write", "{\"file_path\": \"" + envFile + "\", \"content\": \"KEY=1\\n\"}"));
        try (TestProxy proxy = proxy()) {
            HttpResponse<String> response = fromClaudeCode(proxy);

            assertThat(HookFiles.events(response.body()).get(6).path("delta").path("text").asText()).isEqualTo(
                    "Interpose denied the Write tool call: hook codex-toml:PreToolUse[^apply_patch$]#1 said: the .env"
                            + " file is off limits");
            JsonNode input = JSON.readTree(Files.readString(seen));
            assertThat(input.path("tool_name").asText()).isEqualTo("apply_patch");
            assertThat(input.path("tool_input").path("command").asText()).isEqualTo("*** Begin Patch\n*** Add File: "
                    + envFile + "\n+KEY=1\n*** End Patch\n");
        }
    }

    @Test
    void codexsOwnTrafficIsNotJudgedByItsOwnHooksAgainButAnotherResponsesClientIs() throws Exception {
        Path seen = project.resolve("seen.jsonl");
        Path guard = Files.createDirectories(project.resolve(".codex/hooks")).resolve("deny-all.sh");
        Files.writeString(guard, String.join("\n", "#!/usr/bin/env bash", "cat >> " + seen, "echo >> " + seen,
                "echo 'no shell today' >&2", "exit 2", ""));
        assertThat(guard.toFile().setExecutable(true)).isTrue();
        Files.writeString(project.resolve(".codex/hooks.json"), "{\"hooks\":{\"PreToolUse\":[{\"matcher\":\"Bash\","
                + "\"hooks\":[{\"type\":\"command\",\"command\":\"" + guard + "\"}]}]}}");
        answer("/v1/responses", RESPONSES_TOOL);
        try (TestProxy proxy = proxy()) {
            HttpResponse<String> fromCodex = proxy.post("/v1/responses", RESPONSES, "authorization", "Bearer k",
                    "originator", "codex_exec", "user-agent", "codex_exec/0.169.0 (Debian; x86_64)");

            assertThat(fromCodex.body()).as("Codex runs its hooks itself: the proxy passes the call on")
                    .isEqualTo(RESPONSES_TOOL);
            assertThat(seen).doesNotExist();

            HttpResponse<String> fromAnother = proxy.post("/v1/responses", RESPONSES, "authorization", "Bearer k",
                    "user-agent", "my-agent/1.0");

            assertThat(fromAnother.body()).doesNotContain("function_call")
                    .contains("Interpose denied the exec_command tool call: hook codex:PreToolUse[Bash]#1 said: no shell today");
            JsonNode input = JSON.readTree(Files.readAllLines(seen).get(0));
            assertThat(input.path("tool_name").asText()).isEqualTo("Bash");
            assertThat(input.path("tool_input")).isEqualTo(JSON.readTree("{\"command\":\"ls\"}"));
        }
    }
}
