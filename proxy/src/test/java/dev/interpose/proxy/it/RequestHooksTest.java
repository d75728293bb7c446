package dev.interpose.proxy.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Request-side hooks (bash and Python scripts) on real requests through the proxy to WireMock. */
@Timeout(60)
class RequestHooksTest {
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
    void start() {
        upstream.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody("{\"from\":\"upstream\"}")));
    }

    private void hook(String name, String... lines) {
        HookFiles.script(project, name, lines);
    }

    private TestProxy proxy() throws Exception {
        return TestProxy.withExtensions(Map.of("anthropic", upstream.baseUrl(), "openai", upstream.baseUrl()), project);
    }


    private JsonNode received(int i) throws Exception {
        return JSON.readTree(upstream.getAllServeEvents().get(i).getRequest().getBodyAsString()); // newest first
    }

    @Test
    void userPromptSubmitSeesTheTypedPromptAndItsContextReachesTheUpstream() throws Exception {
        hook("context.sh", "#!/usr/bin/env bash", "# interpose-event: UserPromptSubmit",
                "jq -r '\"The person typed: \" + .prompt + \" (\" + .interpose.client + \", \" + .hook_event_name + \")\"'");
        try (TestProxy proxy = proxy()) {
            assertThat(proxy.post("/v1/messages", CLAUDE_BODY, "x-api-key", "k", "user-agent", "claude-cli/2 (external)")
                    .body()).isEqualTo("{\"from\":\"upstream\"}");
            JsonNode messages = received(0).path("messages");
            JsonNode user = messages.get(messages.size() - 2);
            assertThat(user.path("role").asText()).isEqualTo("user");
            assertThat(user.path("content")).hasSize(3);
            assertThat(user.path("content").get(1).path("text").asText()).isEqualTo("say hi");
            assertThat(user.path("content").get(2).path("text").asText())
                    .isEqualTo("<system-reminder>\nUserPromptSubmit hook additional context: The person typed: say hi (claude,"
                            + " UserPromptSubmit)\n</system-reminder>");

            proxy.post("/v1/responses", CODEX_BODY, "authorization", "Bearer k", "user-agent", "codex_exec/0.1");
            JsonNode input = received(0).path("input");
            JsonNode last = input.get(input.size() - 1);
            assertThat(last.path("content").get(1).path("text").asText())
                    .isEqualTo("<system-reminder>\nUserPromptSubmit hook additional context: The person typed: say hi (codex,"
                            + " UserPromptSubmit)\n</system-reminder>");
        }
    }

    @Test
    void aBlockedPromptIsAnsweredAsAStreamedAssistantReplyAndNeverLeaves() throws Exception {
        hook("guard.py", "#!/usr/bin/env python3", "# interpose-event: UserPromptSubmit", "import json, sys",
                "if 'say hi' in json.load(sys.stdin)['prompt']:",
                "    print('greetings are not allowed here', file=sys.stderr)", "    sys.exit(2)");
        try (TestProxy proxy = proxy()) {
            HttpResponse<String> codex = proxy.post("/v1/responses", CODEX_BODY, "authorization", "Bearer k");
            assertThat(codex.statusCode()).isEqualTo(200);
            assertThat(codex.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t)
                    .startsWith("text/event-stream"));
            String expected = "Interpose blocked this request: hook guard.py said: greetings are not allowed here";
            assertThat(codex.body()).contains("event: response.output_item.done").contains("event: response.completed")
                    .contains(JSON.writeValueAsString(expected));
            HttpResponse<String> claude = proxy.post("/v1/messages", CLAUDE_BODY.replace("\"stream\":true",
                    "\"stream\":false"), "x-api-key", "k");
            JsonNode message = JSON.readTree(claude.body());
            assertThat(message.path("type").asText()).isEqualTo("message");
            assertThat(message.path("content").get(0).path("text").asText()).isEqualTo(expected);
            assertThat(upstream.getAllServeEvents()).isEmpty();
            assertThat(proxy.accessLog(2)).extracting(l -> l.get("outcome") + " " + l.get("status"))
                    .containsExactly("blocked 200", "blocked 200");
        }
    }

    @Test
    void preRequestReplacesTheWholeRequestAndSessionStartRunsOncePerSession() throws Exception {
        Path starts = project.resolve("starts.log");
        hook("model.py", "#!/usr/bin/env python3", "# interpose-event: PreRequest", "import json, sys",
                "request = json.load(sys.stdin)['request']", "request['model'] = 'claude-haiku-4-5'",
                "print(json.dumps({'interpose': {'request': request}}))");
        hook("start.sh", "#!/bin/sh", "# interpose-event: SessionStart",
                "jq -r .session_id >> " + starts, "echo 'Session context from the start hook.'");
        try (TestProxy proxy = proxy()) {
            for (int i = 0; i < 2; i++) {
                proxy.post("/v1/messages", CLAUDE_BODY, "x-api-key", "k", "x-claude-code-session-id", "sess-1");
            }
            proxy.post("/v1/messages", CLAUDE_BODY, "x-api-key", "k", "x-claude-code-session-id", "sess-2");
            assertThat(Files.readAllLines(starts)).containsExactly("sess-1", "sess-2");
            assertThat(received(0).path("model").asText()).isEqualTo("claude-haiku-4-5");
            assertThat(received(1).toString()).doesNotContain("Session context from the start hook.");
            assertThat(received(2).toString()).contains("Session context from the start hook.");
            assertThat(proxy.accessLog(3).get(0)).containsEntry("model", "claude-haiku-4-5")
                    .containsKey("client_model");
        }
    }

    @Test
    void postToolUseSeesEachToolCallAndItsOutput() throws Exception {
        hook("audit.sh", "#!/bin/sh", "# interpose-event: PostToolUse", "# interpose-matcher: shell",
                "jq -c '{hookSpecificOutput: {additionalContext: (\"audited \" + .tool_name + \" \" + .tool_input.command"
                        + " + \" (\" + .interpose.tool_call.name + \" \" + .interpose.tool_call.input.command[0] + \")\""
                        + " + \" -> \" + .tool_response.stdout)}}'");
        String body = "{\"model\":\"gpt-5\",\"input\":[{\"type\":\"message\",\"role\":\"user\",\"content\":"
                + "[{\"type\":\"input_text\",\"text\":\"list files\"}]},{\"type\":\"function_call\",\"name\":\"shell\","
                + "\"call_id\":\"c1\",\"arguments\":\"{\\\"command\\\":[\\\"ls\\\"]}\"},"
                + "{\"type\":\"function_call_output\",\"call_id\":\"c1\",\"output\":\"a.txt\"}]}";
        try (TestProxy proxy = proxy()) {
            proxy.post("/v1/responses", body, "authorization", "Bearer k");
            JsonNode input = received(0).path("input");
            assertThat(input).hasSize(4);
            assertThat(input.get(3).path("content").get(0).path("text").asText()).isEqualTo("<system-reminder>\nPostToolUse:Bash hook"
                    + " additional context: audited Bash ls (shell ls) -> a.txt\n</system-reminder>");
        }
    }

    /** A PostToolUse redaction: the model sees the hook's version of a tool result, never the original. */
    @Test
    void postToolUseUpdatedToolOutputRedactsTheResultTheUpstreamSees() throws Exception {
        hook("redact.py", "#!/usr/bin/env python3", "# interpose-event: PostToolUse", "# interpose-matcher: Bash",
                "import json, re, sys", "event = json.load(sys.stdin)", "out = event['tool_response']['stdout']",
                "if 'sk-' in out:",
                "    print(json.dumps({'systemMessage': 'redacted a key', 'hookSpecificOutput': {",
                "        'hookEventName': 'PostToolUse', 'updatedToolOutput': re.sub(r'sk-[A-Za-z0-9]+', '[REDACTED]', out),",
                "        'additionalContext': 'a key was redacted'}}))");
        String responses = "{\"model\":\"gpt-5\",\"input\":[{\"type\":\"message\",\"role\":\"user\",\"content\":"
                + "[{\"type\":\"input_text\",\"text\":\"show env\"}]},{\"type\":\"function_call\",\"name\":"
                + "\"exec_command\",\"call_id\":\"c1\",\"arguments\":\"{\\\"cmd\\\":\\\"env\\\"}\"},"
                + "{\"type\":\"function_call_output\",\"call_id\":\"c1\",\"output\":\"KEY=sk-abc123 HOME=/h\"}]}";
        String messages = "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"show env\"},{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"t1\","
                + "\"name\":\"Bash\",\"input\":{\"command\":\"env\"}}]},{\"role\":\"user\",\"content\":["
                + "{\"type\":\"tool_result\",\"tool_use_id\":\"t1\",\"content\":\"KEY=sk-def456\"}]}]}";
        try (TestProxy proxy = proxy()) {
            proxy.post("/v1/responses", responses, "authorization", "Bearer k");
            JsonNode input = received(0).path("input");
            assertThat(input.get(2).path("output").asText()).isEqualTo("KEY=[REDACTED] HOME=/h");
            assertThat(input.get(3).path("content").get(0).path("text").asText()).isEqualTo("<system-reminder>\n"
                    + "PostToolUse:Bash hook additional context: a key was redacted\n</system-reminder>");
            assertThat(received(0).toString()).doesNotContain("sk-abc123");

            proxy.post("/v1/messages", messages, "x-api-key", "k", "anthropic-version", "2023-06-01");
            JsonNode result = received(0).path("messages").get(2).path("content").get(0);
            assertThat(result.path("content").asText()).isEqualTo("KEY=[REDACTED]");
            assertThat(received(0).toString()).doesNotContain("sk-def456");
        }
    }

    @Test
    void aBrokenHookLetsTheRequestGoOnUnchanged() throws Exception {
        hook("crash.sh", "#!/bin/sh", "# interpose-event: UserPromptSubmit, PreRequest", "echo oops >&2", "exit 1");
        try (TestProxy proxy = proxy()) {
            assertThat(proxy.post("/v1/messages", CLAUDE_BODY, "x-api-key", "k").body())
                    .isEqualTo("{\"from\":\"upstream\"}");
            assertThat(upstream.getAllServeEvents().get(0).getRequest().getBodyAsString()).isEqualTo(CLAUDE_BODY);
            assertThat(proxy.registry().get("interpose.hook.runs").tag("hook", "crash.sh").tag("outcome", "error")
                    .counters()).extracting(c -> c.getId().getTag("event") + " " + c.count())
                    .containsExactlyInAnyOrder("UserPromptSubmit 1.0", "PreRequest 1.0");
        }
    }
}
