package dev.interpose.proxy.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.interpose.proxy.HookFiles;
import dev.interpose.proxy.TestProxy;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The request-side events Claude Code documents beyond the prompt, each with a real bash + jq hook over real
 * sockets: {@code SessionStart} by its source, {@code SubagentStart}, {@code PreCompact}, {@code PostToolUseFailure},
 * {@code PostToolBatch}, and {@code PostToolUse}'s {@code tool_response} in the tool's own shape.
 */
@Timeout(60)
class RequestEventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

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

    /** A bash hook for {@code event} that appends {@code jq}'s view of its input to {@code log}, then prints {@code out}. */
    private Path hook(String name, String event, String matcher, String jq, String out) {
        Path log = project.resolve(name + ".log");
        List<String> lines = new ArrayList<>(List.of("#!/usr/bin/env bash", "# interpose-event: " + event));
        if (matcher != null) {
            lines.add("# interpose-matcher: " + matcher);
        }
        lines.add("input=$(cat)");
        lines.add("printf '%s' \"$input\" | jq -c '" + jq + "' >> " + log);
        if (out != null) {
            lines.add("printf '%s' '" + out + "'");
        }
        HookFiles.script(project, name, lines.toArray(String[]::new));
        return log;
    }

    private static List<String> lines(Path log) throws IOException {
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private static String context(String event, String text) {
        return JSON.createObjectNode().set("hookSpecificOutput", JSON.createObjectNode().put("hookEventName", event)
                .put("additionalContext", text)).toString();
    }

    private TestProxy proxy() throws Exception {
        return TestProxy.withExtensions(Map.of("anthropic", upstream.baseUrl(), "openai", upstream.baseUrl()), project);
    }

    private void send(TestProxy proxy, String path, String body, String... headers) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(proxy.uri(path)).headers(headers)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.body()).isEqualTo("{\"from\":\"upstream\"}");
    }

    private String received() {
        return upstream.getAllServeEvents().get(0).getRequest().getBodyAsString(); // the newest
    }

    /** A Messages body of these messages, each {@code role} then its {@code content} (a string or JSON). */
    private static String messages(Object... roleAndContent) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("model", "claude-haiku-4-5").put("max_tokens", 10);
        ArrayNode messages = body.putArray("messages");
        for (int i = 0; i < roleAndContent.length; i += 2) {
            ObjectNode m = messages.addObject().put("role", (String) roleAndContent[i]);
            Object content = roleAndContent[i + 1];
            if (content instanceof String text && !text.startsWith("[")) {
                m.put("content", text);
            } else {
                m.set("content", JSON.readTree((String) content));
            }
        }
        return body.toString();
    }

    @Test
    void sessionStartHonoursItsSourceMatcherToldFromTheTraffic() throws Exception {
        Path any = hook("any.sh", "SessionStart", null, ".source", null);
        Path startup = hook("startup.sh", "SessionStart", "startup", ".session_id", context("SessionStart", "Startup context."));
        Path compact = hook("compact.sh", "SessionStart", "compact", ".session_id", context("SessionStart", "Compacted context."));
        Path resume = hook("resume.sh", "SessionStart", "resume|clear", ".session_id", null);
        String continued = "This session is being continued from a previous conversation that ran out of context. "
                + "The summary below covers the earlier portion of the conversation. Summary: we fixed the build.";
        try (TestProxy proxy = proxy()) {
            send(proxy, "/v1/messages", messages("user", "hi"), "x-api-key", "k", "x-claude-code-session-id", "s-1");
            assertThat(received()).contains("Startup context.").doesNotContain("Compacted context.");
            send(proxy, "/v1/messages", messages("user", "hi again"), "x-api-key", "k", "x-claude-code-session-id", "s-1");
            assertThat(received()).doesNotContain("context.");
            send(proxy, "/v1/messages", messages("user", continued), "x-api-key", "k", "x-claude-code-session-id", "s-1");
            assertThat(received()).contains("Compacted context.").doesNotContain("Startup context.");
            send(proxy, "/v1/messages", messages("user", continued, "assistant", "ok", "user", "go on"), "x-api-key", "k",
                    "x-claude-code-session-id", "s-1");
            send(proxy, "/v1/messages", messages("user", "hi", "assistant", "hello", "user", "where were we?"),
                    "x-api-key", "k", "x-claude-code-session-id", "s-2");
        }
        assertThat(lines(any)).containsExactly("\"startup\"", "\"compact\"", "\"resume\"");
        assertThat(lines(startup)).containsExactly("\"s-1\"");
        assertThat(lines(compact)).as("not on every new session").containsExactly("\"s-1\"");
        assertThat(lines(resume)).containsExactly("\"s-2\"");
    }

    @Test
    void subagentStartRunsOnceForANewAgentIdAndItsTaskIsNoTypedPrompt() throws Exception {
        Path explore = hook("explore.sh", "SubagentStart", "Explore",
                "{hook_event_name, session_id, agent_id, agent_type}", context("SubagentStart", "Stay inside src/."));
        Path plan = hook("plan.sh", "SubagentStart", "Plan", ".agent_id", null);
        Path prompts = hook("prompt.sh", "UserPromptSubmit", null, "[.prompt, .permission_mode, .agent_id]", null);
        String planMode = "[{\"type\":\"text\",\"text\":\"<system-reminder>Plan mode is active. The user indicated that"
                + " they do not want you to execute yet.</system-reminder>\"},{\"type\":\"text\",\"text\":\"make a plan\"}]";
        try (TestProxy proxy = proxy()) {
            send(proxy, "/v1/messages", messages("user", "say hi"), "x-api-key", "k", "x-claude-code-session-id", "s");
            send(proxy, "/v1/messages", messages("user", planMode), "x-api-key", "k", "x-claude-code-session-id", "s");
            for (int i = 0; i < 2; i++) {
                send(proxy, "/v1/messages", messages("user", "Find the config loader"), "x-api-key", "k",
                        "x-claude-code-session-id", "s", "x-claude-code-agent-id", "agent-7",
                        "x-claude-code-agent-type", "Explore");
                assertThat(received().contains("SubagentStart hook additional context: Stay inside src/."))
                        .as("request %d", i).isEqualTo(i == 0);
            }
        }
        assertThat(lines(explore)).containsExactly("{\"hook_event_name\":\"SubagentStart\",\"session_id\":\"s\","
                + "\"agent_id\":\"agent-7\",\"agent_type\":\"Explore\"}");
        assertThat(lines(plan)).as("matched on the agent type").isEmpty();
        assertThat(lines(prompts)).as("the subagent's task is not a prompt the person typed")
                .containsExactly("[\"say hi\",\"default\",null]", "[\"make a plan\",\"plan\",null]");
    }

    @Test
    void preCompactFiresOnClaudeCodesCompactionPromptWithItsTrigger() throws Exception {
        Path manual = hook("manual.sh", "PreCompact", "manual", "{hook_event_name, trigger, custom_instructions}", null);
        Path auto = hook("auto.sh", "PreCompact", "auto", "{trigger, custom_instructions}", null);
        Path prompts = hook("prompt.sh", "UserPromptSubmit", null, ".prompt", null);
        String summary = "Your task is to create a detailed summary of the conversation so far, paying close attention"
                + " to the user's explicit requests and your previous actions.";
        try (TestProxy proxy = proxy()) {
            send(proxy, "/v1/messages", messages("user", "fix the build", "assistant", "done", "user", summary
                    + "\n\nAdditional Instructions:\nfocus on the tests\n\nREMINDER: Do NOT call any tools."),
                    "x-api-key", "k");
            send(proxy, "/v1/messages", messages("user", "fix the build", "assistant", "done", "user", summary
                    + "\n\nREMINDER: Do NOT call any tools."), "x-api-key", "k");
        }
        assertThat(lines(manual)).containsExactly("{\"hook_event_name\":\"PreCompact\",\"trigger\":\"manual\","
                + "\"custom_instructions\":\"focus on the tests\"}");
        assertThat(lines(auto)).containsExactly("{\"trigger\":\"auto\",\"custom_instructions\":null}");
        assertThat(lines(prompts)).as("a compaction's prompt is not one the person typed").isEmpty();
    }

    @Test
    void failedResultsFirePostToolUseFailureAndSeveralResultsOnePostToolBatch() throws Exception {
        Path ok = hook("ok.sh", "PostToolUse", null, "{tool_name, tool_use_id, tool_response}", null);
        Path failed = hook("failed.sh", "PostToolUseFailure", "Bash",
                "{hook_event_name, tool_name, tool_use_id, command: .tool_input.command, error, is_interrupt}",
                context("PostToolUseFailure", "the command failed; try ls -a"));
        Path batch = hook("batch.sh", "PostToolBatch", null,
                "[.hook_event_name, (.tool_calls[] | [.tool_name, .tool_use_id, .tool_response])]",
                context("PostToolBatch", "two tools ran"));
        String claude = messages("user", "look around", "assistant", "[{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":"
                + "\"Bash\",\"input\":{\"command\":\"ls x\"}},{\"type\":\"tool_use\",\"id\":\"t2\",\"name\":\"Read\","
                + "\"input\":{\"file_path\":\"/p/a.txt\"}}]", "user", "[{\"type\":\"tool_result\",\"tool_use_id\":\"t1\","
                + "\"is_error\":true,\"content\":\"ls: cannot access 'x'\"},{\"type\":\"tool_result\",\"tool_use_id\":"
                + "\"t2\",\"content\":[{\"type\":\"text\",\"text\":\"     1\\thello\"}]}]");
        String failedRun = "Chunk ID: 1\nWall time: 0.01 seconds\nProcess exited with code 2\nOriginal token count: 3\n"
                + "Output:\nno such file\n";
        String goodRun = "Chunk ID: 2\nWall time: 0.01 seconds\nProcess exited with code 0\nOriginal token count: 2\n"
                + "Output:\na.txt\n";
        ObjectNode codex = JSON.createObjectNode().put("model", "gpt-5");
        ArrayNode input = codex.putArray("input");
        input.addObject().put("type", "message").put("role", "user").putArray("content").addObject()
                .put("type", "input_text").put("text", "list");
        input.addObject().put("type", "function_call").put("name", "exec_command").put("call_id", "c1")
                .put("arguments", "{\"cmd\":\"cat nope\"}");
        input.addObject().put("type", "function_call").put("name", "exec_command").put("call_id", "c2")
                .put("arguments", "{\"cmd\":\"ls\"}");
        input.addObject().put("type", "function_call_output").put("call_id", "c1").put("output", failedRun);
        input.addObject().put("type", "function_call_output").put("call_id", "c2").put("output", goodRun);
        try (TestProxy proxy = proxy()) {
            send(proxy, "/v1/messages", claude, "x-api-key", "k");
            JsonNode sent = JSON.readTree(received()).path("messages");
            String added = sent.get(sent.size() - 1).toString();
            assertThat(added).contains("PostToolUseFailure:Bash hook additional context: the command failed; try ls -a")
                    .contains("PostToolBatch hook additional context: two tools ran");

            send(proxy, "/v1/responses", codex.toString(), "authorization", "Bearer k");
        }
        assertThat(lines(ok)).containsExactly(
                "{\"tool_name\":\"Read\",\"tool_use_id\":\"t2\",\"tool_response\":{\"type\":\"text\",\"file\":"
                        + "{\"filePath\":\"/p/a.txt\",\"content\":\"     1\\thello\",\"numLines\":1,\"startLine\":1,"
                        + "\"totalLines\":1}}}",
                "{\"tool_name\":\"Bash\",\"tool_use_id\":\"c2\",\"tool_response\":{\"stdout\":\"a.txt\\n\","
                        + "\"stderr\":\"\",\"interrupted\":false,\"isImage\":false}}");
        assertThat(lines(failed)).containsExactly(
                "{\"hook_event_name\":\"PostToolUseFailure\",\"tool_name\":\"Bash\",\"tool_use_id\":\"t1\","
                        + "\"command\":\"ls x\",\"error\":\"ls: cannot access 'x'\",\"is_interrupt\":false}",
                "{\"hook_event_name\":\"PostToolUseFailure\",\"tool_name\":\"Bash\",\"tool_use_id\":\"c1\","
                        + "\"command\":\"cat nope\",\"error\":\"Command exited with non-zero status code 2\\nno such"
                        + " file\\n\",\"is_interrupt\":false}");
        assertThat(lines(batch)).containsExactly(
                "[\"PostToolBatch\",[\"Bash\",\"t1\",\"ls: cannot access 'x'\"],[\"Read\",\"t2\",\"     1\\thello\"]]",
                "[\"PostToolBatch\",[\"Bash\",\"c1\",\"" + failedRun.replace("\n", "\\n") + "\"],[\"Bash\",\"c2\",\""
                        + goodRun.replace("\n", "\\n") + "\"]]");
    }
}
