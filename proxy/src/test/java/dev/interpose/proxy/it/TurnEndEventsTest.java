package dev.interpose.proxy.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.interpose.proxy.Fixtures;
import dev.interpose.proxy.HookFiles;
import dev.interpose.proxy.TestProxy;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a turn ends, as the hooks see it: {@code StopFailure} (an error answer, an error event, the output limit, an
 * upstream the proxy cannot reach) instead of {@code Stop}, and {@code SubagentStop} instead of {@code Stop} for a
 * subagent. Real bash + jq hooks over real sockets; the after-hooks run off the event loop, so the test waits for
 * their lines.
 */
@Timeout(60)
class TurnEndEventsTest {
    private static final String TEXT = new String(Fixtures.bytes("sample-anthropic-sse.txt"), StandardCharsets.UTF_8);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    @RegisterExtension
    final WireMockExtension upstream = WireMockExtension.newInstance().options(options().dynamicPort()).build();
    @TempDir
    Path project;

    /** A bash hook for {@code event} (and {@code matcher}) that appends {@code jq}'s view of its input to a log. */
    private Path hook(String name, String event, String matcher, String jq) {
        Path log = project.resolve(name + ".log");
        HookFiles.script(project, name, "#!/usr/bin/env bash", "# interpose-event: " + event,
                "# interpose-matcher: " + matcher, "jq -c '" + jq + "' >> " + log);
        return log;
    }

    /** The complete lines written to {@code log} so far. */
    private static List<String> lines(Path log) throws IOException {
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private static void awaitLines(Path log, int n) {
        await().atMost(Duration.ofSeconds(20)).until(() -> lines(log).size() >= n);
    }

    /** The upstream answers a Messages request whose body contains {@code marker} with this status and body. */
    private void answer(String marker, int status, String contentType, String body) {
        upstream.stubFor(post(urlPathEqualTo("/v1/messages")).withRequestBody(containing(marker))
                .willReturn(aResponse().withStatus(status).withHeader("content-type", contentType).withBody(body)));
    }

    private static String body(String marker) {
        return "{\"model\":\"claude-haiku-4-5\",\"max_tokens\":10,\"stream\":true,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"" + marker + "\"}]}";
    }

    private HttpResponse<String> send(TestProxy proxy, String marker, String... headers) throws Exception {
        return http.send(HttpRequest.newBuilder(proxy.uri("/v1/messages")).headers(headers)
                .POST(HttpRequest.BodyPublishers.ofString(body(marker))).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void stopFailureRunsInsteadOfStopWhenTheTurnEndsOnAnError() throws Exception {
        Path limit = hook("limit.sh", "StopFailure", "rate_limit", "{hook_event_name, error, error_details, session_id}");
        Path server = hook("server.sh", "StopFailure", "server_error", "[.error, .error_details, .last_assistant_message]");
        Path tokens = hook("tokens.sh", "StopFailure", "max_output_tokens", "[.error, .last_assistant_message]");
        Path stop = hook("stop.sh", "Stop", "", ".last_assistant_message");
        answer("limited", 429, "application/json", "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\","
                + "\"message\":\"Number of request tokens has exceeded your per-minute rate limit\"}}");
        answer("overloaded", 200, "text/event-stream", TEXT.substring(0, TEXT.indexOf("event: content_block_stop"))
                + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":"
                + "\"Overloaded\"}}\n\n");
        answer("long", 200, "text/event-stream", TEXT.replace("\"end_turn\"", "\"max_tokens\""));
        answer("fine", 200, "text/event-stream", TEXT);
        try (TestProxy proxy = TestProxy.withExtensions(Map.of("anthropic", upstream.baseUrl()), project)) {
            assertThat(send(proxy, "limited", "x-api-key", "k", "x-claude-code-session-id", "s-1").statusCode())
                    .as("relayed as it is, after the proxy's own retries").isEqualTo(429);
            awaitLines(limit, 1);
            assertThat(send(proxy, "overloaded", "x-api-key", "k").statusCode()).isEqualTo(200);
            awaitLines(server, 1);
            send(proxy, "long", "x-api-key", "k");
            awaitLines(tokens, 1);
            send(proxy, "fine", "x-api-key", "k");
            awaitLines(stop, 1);
        }
        try (TestProxy unreachable = TestProxy.withExtensions(Map.of("anthropic", "http://127.0.0.1:1"), project)) {
            assertThat(send(unreachable, "fine", "x-api-key", "k").statusCode()).isEqualTo(502);
            awaitLines(server, 2);
        }
        assertThat(lines(limit)).containsExactly("{\"hook_event_name\":\"StopFailure\",\"error\":\"rate_limit\","
                + "\"error_details\":\"429 Number of request tokens has exceeded your per-minute rate limit\","
                + "\"session_id\":\"s-1\"}");
        assertThat(lines(server)).hasSize(2);
        assertThat(lines(server).get(0)).isEqualTo("[\"server_error\",\"Overloaded\",\"ECHO: say hi\"]");
        assertThat(lines(server).get(1)).startsWith("[\"server_error\",\"502 upstream_unreachable: ").endsWith(",null]");
        assertThat(lines(tokens)).containsExactly("[\"max_output_tokens\",\"ECHO: say hi\"]");
        assertThat(lines(stop)).as("only the turn that ended well").containsExactly("\"ECHO: say hi\"");
    }

    @Test
    void aSubagentsTurnEndsWithSubagentStopNotStop() throws Exception {
        Path sub = hook("sub.sh", "SubagentStop", "Explore", "{hook_event_name, agent_id, agent_type, stop_hook_active,"
                + " agent_transcript_path, last_assistant_message}");
        Path other = hook("other.sh", "SubagentStop", "Plan", ".agent_id");
        Path stop = hook("stop.sh", "Stop", "", "[.hook_event_name, .agent_id]");
        answer("task", 200, "text/event-stream", TEXT);
        try (TestProxy proxy = TestProxy.withExtensions(Map.of("anthropic", upstream.baseUrl()), project)) {
            send(proxy, "task", "x-api-key", "k", "x-claude-code-agent-id", "agent-9", "x-claude-code-agent-type",
                    "Explore");
            awaitLines(sub, 1);
            send(proxy, "task", "x-api-key", "k");
            awaitLines(stop, 1);
        }
        assertThat(lines(sub)).containsExactly("{\"hook_event_name\":\"SubagentStop\",\"agent_id\":\"agent-9\","
                + "\"agent_type\":\"Explore\",\"stop_hook_active\":false,\"agent_transcript_path\":null,"
                + "\"last_assistant_message\":\"ECHO: say hi\"}");
        assertThat(lines(other)).as("matched on the agent type").isEmpty();
        assertThat(lines(stop)).containsExactly("[\"Stop\",null]");
    }

    /** Claude Code sends a subagent's type only to gateways: the type is the one the model's Agent call asked for. */
    @Test
    void aSubagentsTypeIsTheOneItsAgentCallAskedFor() throws Exception {
        Path sub = hook("sub.sh", "SubagentStart, SubagentStop", "general-purpose", "[.hook_event_name, .agent_type]");
        Path post = hook("post.sh", "PostResponse", "", ".response.tool_calls[0].name");
        String agentCall = new String(Fixtures.bytes("sample-anthropic-tool-sse.txt"), StandardCharsets.UTF_8)
                .replace("\"name\": \"Read\"", "\"name\": \"Agent\"").replace("{\\\"file_path\\\": \\\"/x\\\"}",
                        "{\\\"description\\\": \\\"look\\\", \\\"prompt\\\": \\\"Find the loader\\\","
                                + " \\\"subagent_type\\\": \\\"general-purpose\\\"}");
        answer("delegate", 200, "text/event-stream", agentCall);
        answer("Find the loader", 200, "text/event-stream", TEXT);
        try (TestProxy proxy = TestProxy.withExtensions(Map.of("anthropic", upstream.baseUrl()), project)) {
            send(proxy, "delegate", "x-api-key", "k");
            awaitLines(post, 1);
            send(proxy, "Find the loader", "x-api-key", "k", "x-claude-code-agent-id", "agent-3");
            awaitLines(sub, 2);
        }
        assertThat(lines(post)).containsExactly("\"Agent\"", "null"); // the parent's answer, then the subagent's
        assertThat(lines(sub)).containsExactly("[\"SubagentStart\",\"general-purpose\"]",
                "[\"SubagentStop\",\"general-purpose\"]");
    }

    /** A settings-file hook runs for a client other than Claude Code, which runs its own settings itself. */
    @Test
    void aSettingsFileStopFailureHookRunsForCodexAndNotForClaudeCode() throws Exception {
        Path log = project.resolve("settings.log");
        Files.createDirectories(project.resolve(".claude"));
        Files.writeString(project.resolve(".claude/settings.json"), "{\"hooks\":{\"StopFailure\":[{\"matcher\":"
                + "\"server_error\",\"hooks\":[{\"type\":\"command\",\"command\":\"jq -c \\\"[.error, .interpose.client,"
                + " .permission_mode]\\\" >> " + log + "\"}]}]}}");
        upstream.stubFor(post(urlPathEqualTo("/v1/responses")).willReturn(aResponse().withStatus(500)
                .withHeader("content-type", "application/json")
                .withBody("{\"error\":{\"type\":\"server_error\",\"message\":\"boom\"}}")));
        try (TestProxy proxy = TestProxy.withExtensions(Map.of("openai", upstream.baseUrl(), "anthropic",
                upstream.baseUrl()), project)) {
            for (String agent : List.of("claude-cli/2.1.328 (external, sdk-cli)", "codex_exec/0.169.0")) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(proxy.uri("/v1/responses"))
                        .headers("authorization", "Bearer k", "user-agent", agent).POST(HttpRequest.BodyPublishers
                                .ofString("{\"model\":\"gpt-5\",\"stream\":true,\"input\":\"hi\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(500);
            }
            awaitLines(log, 1);
        }
        assertThat(lines(log)).containsExactly("[\"server_error\",\"codex\",\"default\"]");
    }
}
