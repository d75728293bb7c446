package dev.interpose.proxy.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.interpose.proxy.Fixtures;
import dev.interpose.proxy.HookFiles;
import dev.interpose.proxy.LogCapture;
import dev.interpose.proxy.TestProxy;
import dev.interpose.proxy.hook.ResponseHooks;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Response-side hooks (bash and Python scripts) on real streams through the proxy from WireMock. */
@Timeout(60)
class ResponseHooksTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ANTHROPIC_TOOL = text("sample-anthropic-tool-sse.txt");
    private static final String ANTHROPIC_TEXT = text("sample-anthropic-sse.txt");
    private static final String RESPONSES_TOOL = text("sample-responses-tool-sse.txt");
    private static final String BODY = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    @RegisterExtension
    final WireMockExtension upstream = WireMockExtension.newInstance().options(options().dynamicPort()).build();
    @TempDir
    Path project;

    private static String text(String fixture) {
        return new String(Fixtures.bytes(fixture), StandardCharsets.UTF_8);
    }

    private void answer(String path, String contentType, String body) {
        upstream.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", contentType).withBody(body)));
    }

    private void hook(String name, String... lines) {
        HookFiles.script(project, name, lines);
    }

    private TestProxy proxy() throws Exception {
        return TestProxy.withExtensions(Map.of("anthropic", upstream.baseUrl(), "openai", upstream.baseUrl()), project);
    }

    private HttpResponse<String> send(TestProxy proxy, String path, String... headers) throws Exception {
        return http.send(HttpRequest.newBuilder(proxy.uri(path)).headers(headers)
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<JsonNode> events(String sse) {
        return HookFiles.events(sse);
    }

    @Test
    void aBashPreToolUseHookDeniesAnAnthropicToolCallInsideTheStream() throws Exception {
        Path seen = project.resolve("seen.json");
        answer("/v1/messages", "text/event-stream", ANTHROPIC_TOOL);
        hook("guard.sh", "#!/usr/bin/env bash", "# interpose-event: PreToolUse", "# interpose-matcher: Read|Write",
                "tee " + seen + " | jq -e '.tool_input.file_path == \"/x\"' > /dev/null || exit 0",
                "echo 'reading /x is not allowed' >&2", "exit 2");
        try (TestProxy proxy = proxy()) {
            HttpResponse<String> response = send(proxy, "/v1/messages", "x-api-key", "k",
                    "accept-encoding", "gzip, br", "x-claude-code-session-id", "s-1");

            assertThat(response.statusCode()).isEqualTo(200);
            List<JsonNode> events = events(response.body());
            assertThat(events).extracting(e -> e.path("type").asText()).containsExactly("message_start",
                    "content_block_start", "ping", "content_block_delta", "content_block_stop", "content_block_start",
                    "content_block_delta", "content_block_stop", "message_delta", "message_stop");
            assertThat(events.get(6).path("delta").path("text").asText())
                    .isEqualTo("Interpose denied the Read tool call: hook guard.sh said: reading /x is not allowed");
            assertThat(events.get(8).path("delta").path("stop_reason").asText()).isEqualTo("end_turn");
            assertThat(response.body()).doesNotContain("tool_use");
            assertThat(response.headers().firstValue("content-length")).isEmpty();

            JsonNode input = JSON.readTree(Files.readString(seen));
            assertThat(input.path("hook_event_name").asText()).isEqualTo("PreToolUse");
            assertThat(input.path("tool_name").asText()).isEqualTo("Read");
            assertThat(input.path("tool_use_id").asText()).isEqualTo("toolu_fake_16445adea4914924a3e8");
            assertThat(input.path("session_id").asText()).isEqualTo("s-1");
            assertThat(input.path("interpose").path("dialect").asText()).isEqualTo("anthropic");
            assertThat(upstream.getAllServeEvents().get(0).getRequest().getHeader("accept-encoding"))
                    .as("the gate reads the stream, so it asks for it uncompressed").isEqualTo("identity");
            assertThat(proxy.accessLog(1).get(0)).containsEntry("outcome", "ok").containsEntry("status", 200);
            assertThat(proxy.registry().get("interpose.hook.runs").tag("hook", "guard.sh").tag("event", "PreToolUse")
                    .tag("outcome", "block").counter().count()).isEqualTo(1.0);
        }
    }

    @Test
    void aPythonPreToolUseHookDeniesAResponsesApiCallWithClaudeCodesJsonAnswer() throws Exception {
        answer("/v1/responses", "text/event-stream; charset=utf-8", RESPONSES_TOOL);
        hook("guard.py", "#!/usr/bin/env python3", "# interpose-event: PreToolUse", "# interpose-matcher: exec_command",
                "import json, sys", "event = json.load(sys.stdin)",
                "print(json.dumps({'hookSpecificOutput': {'hookEventName': 'PreToolUse', 'permissionDecision': 'deny',",
                "    'permissionDecisionReason': 'no ' + event['tool_input']['cmd'] + ' today'}}))");
        try (TestProxy proxy = proxy()) {
            HttpResponse<String> response = send(proxy, "/v1/responses", "authorization", "Bearer k");

            List<JsonNode> events = events(response.body());
            assertThat(events).extracting(e -> e.path("type").asText()).containsExactly("response.created",
                    "response.in_progress", "response.output_item.added", "response.content_part.added",
                    "response.output_text.delta", "response.output_text.done", "response.content_part.done",
                    "response.output_item.done", "response.completed");
            assertThat(events).extracting(e -> e.path("sequence_number").asInt())
                    .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
            assertThat(events.get(7).path("item").path("content").get(0).path("text").asText())
                    .isEqualTo("Interpose denied the exec_command tool call: hook guard.py said: no ls today");
            assertThat(response.body()).doesNotContain("function_call");
        }
    }

    @Test
    void withoutAMatchingHookTheToolCallStreamsByteForByte() throws Exception {
        Path ran = project.resolve("ran");
        answer("/v1/messages", "text/event-stream", ANTHROPIC_TOOL);
        hook("guard.sh", "#!/bin/sh", "# interpose-event: PreToolUse", "# interpose-matcher: Bash", "touch " + ran,
                "exit 2");
        try (TestProxy proxy = proxy()) {
            assertThat(send(proxy, "/v1/messages", "x-api-key", "k").body()).isEqualTo(ANTHROPIC_TOOL);
            assertThat(ran).doesNotExist();
        }
    }

    @Test
    void postResponseAndStopSeeTheAssembledAnswerStopOnlyWhenTheTurnEnds() throws Exception {
        Path post = project.resolve("post.jsonl");
        Path stop = project.resolve("stop.jsonl");
        hook("post.sh", "#!/bin/sh", "# interpose-event: PostResponse", "jq -c .response >> " + post);
        hook("stop.py", "#!/usr/bin/env python3", "# interpose-event: Stop", "import json, sys",
                "event = json.load(sys.stdin)",
                "open('" + stop + "', 'a').write(json.dumps([event['hook_event_name'], event['last_assistant_message'],"
                        + " event['stop_hook_active']]) + '\\n')");
        answer("/v1/messages", "text/event-stream", ANTHROPIC_TEXT);
        answer("/v1/responses", "text/event-stream", RESPONSES_TOOL);
        try (TestProxy proxy = proxy();
                LogCapture decisions = new LogCapture(ResponseHooks.class.getName(), Level.DEBUG)) {
            send(proxy, "/v1/messages", "x-api-key", "k");
            await().atMost(Duration.ofSeconds(10)).until(() -> lines(stop) == 1 && lines(post) == 1);
            send(proxy, "/v1/responses", "authorization", "Bearer k");
            await().atMost(Duration.ofSeconds(10)).until(() -> lines(post) == 2);

            List<String> posts = Files.readAllLines(post);
            JsonNode text = JSON.readTree(posts.get(0));
            assertThat(text.path("text").asText()).isEqualTo("ECHO: say hi");
            assertThat(text.path("stop_reason").asText()).isEqualTo("end_turn");
            assertThat(text.path("tool_calls")).isEmpty();
            assertThat(text.path("usage").path("output_tokens").asInt()).isPositive();
            assertThat(text.path("model").asText()).isNotBlank();
            JsonNode tool = JSON.readTree(posts.get(1));
            assertThat(tool.path("tool_calls")).hasSize(1);
            assertThat(tool.path("tool_calls").get(0).path("name").asText()).isEqualTo("exec_command");
            assertThat(tool.path("tool_calls").get(0).path("input").path("cmd").asText()).isEqualTo("ls");
            assertThat(tool.path("usage").path("total_tokens").asInt()).isEqualTo(80);
            assertThat(tool.path("stop_reason").asText()).isEqualTo("completed");
            // The proxy says when it has passed a turn that goes on without running Stop; a Stop it ran by
            // mistake shows as a second line. Wait for either, so that a slow hook cannot pass for no hook.
            String toolCall = proxy.accessLog(2).stream().filter(line -> "/v1/responses".equals(line.get("path")))
                    .map(line -> (String) line.get("request_id")).findFirst().orElseThrow();
            await().atMost(Duration.ofSeconds(10)).until(() -> lines(stop) > 1 || skippedStop(decisions, toolCall));
            assertThat(Files.readAllLines(stop)).containsExactly("[\"Stop\", \"ECHO: say hi\", false]");
            assertThat(skippedStop(decisions, toolCall)).isTrue();
        }
    }

    /** The complete lines a hook has written to {@code file} so far (0 while it does not exist). */
    private static long lines(Path file) throws java.io.IOException {
        return Files.exists(file) ? Files.readString(file).chars().filter(c -> c == '\n').count() : 0;
    }

    /** Whether the proxy logged that request {@code id}'s turn went on, so that it ran no Stop hook. */
    private static boolean skippedStop(LogCapture decisions, String id) {
        return decisions.lines().stream().map(line -> String.valueOf(line.get("message")))
                .anyMatch(m -> m.equals("request " + id + ": the turn goes on (completed), so no Stop hook runs"));
    }

    @Test
    void postResponseAssemblesANonStreamingAnswerToo() throws Exception {
        Path post = project.resolve("post.jsonl");
        hook("post.sh", "#!/bin/sh", "# interpose-event: PostResponse", "jq -c .response >> " + post);
        answer("/v1/messages", "application/json", "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":\"claude-x\",\"content\":[{\"type\":\"text\",\"text\":\"Let me look.\"},{\"type\":\"tool_use\","
                + "\"id\":\"tu_1\",\"name\":\"Grep\",\"input\":{\"pattern\":\"TODO\"}}],\"stop_reason\":\"tool_use\","
                + "\"usage\":{\"input_tokens\":5,\"output_tokens\":7}}");
        try (TestProxy proxy = proxy()) {
            send(proxy, "/v1/messages", "x-api-key", "k");
            await().atMost(Duration.ofSeconds(10)).until(() -> lines(post) == 1); // the file exists before jq writes
            JsonNode seen = JSON.readTree(Files.readAllLines(post).get(0));
            assertThat(seen.path("text").asText()).isEqualTo("Let me look.");
            assertThat(seen.path("tool_calls").get(0).path("input").path("pattern").asText()).isEqualTo("TODO");
            assertThat(seen.path("stop_reason").asText()).isEqualTo("tool_use");
            assertThat(seen.path("model").asText()).isEqualTo("claude-x");
        }
    }

    @Test
    void aNonStreamingAnswerIsHeldWholeAndItsDeniedCallsReplacedInEachApi() throws Exception {
        hook("guard.sh", "#!/bin/sh", "# interpose-event: PreToolUse", "# interpose-matcher: Bash|shell",
                "echo \"no $(jq -r .tool_name)\" >&2", "exit 2");
        String anthropic = "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"c\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"Running it.\"},{\"type\":\"tool_use\",\"id\":\"tu_1\","
                + "\"name\":\"Bash\",\"input\":{\"command\":\"rm -rf /\"}}],\"stop_reason\":\"tool_use\","
                + "\"usage\":{\"input_tokens\":5,\"output_tokens\":7}}";
        String responses = "{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"completed\",\"output\":["
                + "{\"type\":\"function_call\",\"id\":\"fc_1\",\"call_id\":\"call_1\",\"name\":\"shell\","
                + "\"arguments\":\"{\\\"command\\\":[\\\"ls\\\"]}\"}],\"usage\":{\"total_tokens\":3}}";
        String chat = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"model\":\"g\",\"choices\":[{\"index\":0,"
                + "\"message\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"t1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"Bash\",\"arguments\":\"{}\"}},{\"id\":\"t2\",\"type\":\"function\","
                + "\"function\":{\"name\":\"Read\",\"arguments\":\"{}\"}}]},\"finish_reason\":\"tool_calls\"}]}";
        answer("/v1/messages", "application/json", anthropic);
        answer("/v1/responses", "application/json", responses);
        answer("/v1/chat/completions", "application/json", chat);
        try (TestProxy proxy = proxy()) {
            JsonNode message = JSON.readTree(send(proxy, "/v1/messages", "x-api-key", "k").body());
            assertThat(message.path("content")).hasSize(2);
            assertThat(message.path("content").get(1).path("type").asText()).isEqualTo("text");
            assertThat(message.path("content").get(1).path("text").asText())
                    .isEqualTo("Interpose denied the Bash tool call: hook guard.sh said: no Bash");
            assertThat(message.path("stop_reason").asText()).isEqualTo("end_turn");
            assertThat(message.path("usage").path("output_tokens").asInt()).isEqualTo(7);

            JsonNode response = JSON.readTree(send(proxy, "/v1/responses", "authorization", "Bearer k").body());
            assertThat(response.path("output").get(0).path("type").asText()).isEqualTo("message");
            assertThat(response.path("output").get(0).path("content").get(0).path("text").asText())
                    .as("the hook sees Codex's shell call under Claude Code's name")
                    .isEqualTo("Interpose denied the shell tool call: hook guard.sh said: no Bash");

            JsonNode completion = JSON.readTree(send(proxy, "/v1/chat/completions", "authorization", "Bearer k").body());
            JsonNode choice = completion.path("choices").get(0);
            assertThat(choice.path("message").path("tool_calls")).hasSize(1);
            assertThat(choice.path("message").path("tool_calls").get(0).path("id").asText()).isEqualTo("t2");
            assertThat(choice.path("message").path("content").asText())
                    .isEqualTo("Interpose denied the Bash tool call: hook guard.sh said: no Bash");
            assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
        }
    }

    @Test
    void anAllowedNonStreamingAnswerGoesOutByteForByte() throws Exception {
        hook("guard.sh", "#!/bin/sh", "# interpose-event: PreToolUse", "exit 0");
        String anthropic = "{\"id\":\"msg_1\",  \"content\":[{\"type\":\"tool_use\",\"id\":\"tu_1\",\"name\":\"Bash\","
                + "\"input\":{}}],\"stop_reason\":\"tool_use\"}";
        answer("/v1/messages", "application/json", anthropic);
        try (TestProxy proxy = proxy()) {
            assertThat(send(proxy, "/v1/messages", "x-api-key", "k").body()).isEqualTo(anthropic);
        }
    }

    @Test
    void aBashAndAPythonHookEachSeeEveryEventOfAToolRoundTrip() throws Exception {
        Path seen = project.resolve("seen.log");
        String events = "# interpose-event: SessionStart, UserPromptSubmit, PostToolUse, PreRequest, PreToolUse, "
                + "PostResponse, Stop";
        hook("record.sh", "#!/usr/bin/env bash", events,
                "jq -r '\"bash \" + .hook_event_name + \" \" + (.prompt // .tool_name // .response.stop_reason // \"-\")' >> "
                        + seen);
        hook("record.py", "#!/usr/bin/env python3", events, "import json, sys", "e = json.load(sys.stdin)",
                "detail = e.get('prompt') or e.get('tool_name') or (e.get('response') or {}).get('stop_reason') or '-'",
                "open('" + seen + "', 'a').write('python ' + e['hook_event_name'] + ' ' + detail + '\\n')");
        upstream.stubFor(post(urlPathEqualTo("/v1/messages")).atPriority(5).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "text/event-stream").withBody(ANTHROPIC_TOOL)));
        upstream.stubFor(post(urlPathEqualTo("/v1/messages")).atPriority(1)
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("tool_result"))
                .willReturn(aResponse().withStatus(200).withHeader("content-type", "text/event-stream")
                        .withBody(ANTHROPIC_TEXT)));
        String typed = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"read x\"}]}";
        String results = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"read x\"},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"tu_1\",\"name\":\"Read\","
                + "\"input\":{\"file_path\":\"/x\"}}]},{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\","
                + "\"tool_use_id\":\"tu_1\",\"content\":\"hello\"}]}]}";
        try (TestProxy proxy = proxy()) {
            for (String body : List.of(typed, results)) {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(proxy.uri("/v1/messages"))
                        .header("x-api-key", "k").header("x-claude-code-session-id", "s-9")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.body()).contains("message_stop");
            }
            List<String> expected = new ArrayList<>();
            for (String lang : List.of("bash", "python")) {
                expected.addAll(List.of(lang + " SessionStart -", lang + " UserPromptSubmit read x",
                        lang + " PreRequest -", lang + " PreToolUse Read", lang + " PostResponse tool_use",
                        lang + " PostToolUse Read", lang + " PreRequest -", lang + " PostResponse end_turn",
                        lang + " Stop end_turn"));
            }
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(Files.readAllLines(seen))
                    .containsExactlyInAnyOrderElementsOf(expected));
        }
    }

    @Test
    void anUpstreamThatCompressesAnywayIsDecodedAndStillChecked() throws Exception {
        hook("guard.sh", "#!/bin/sh", "# interpose-event: PreToolUse", "echo nope >&2", "exit 2");
        upstream.stubFor(post(urlPathEqualTo("/v1/messages")).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "text/event-stream").withHeader("content-encoding", "gzip")
                .withBody(gzip(ANTHROPIC_TOOL))));
        upstream.stubFor(post(urlPathEqualTo("/v1/responses")).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withHeader("content-encoding", "gzip")
                .withBody(gzip("{\"id\":\"r\",\"status\":\"completed\",\"output\":[{\"type\":\"function_call\","
                        + "\"id\":\"fc\",\"call_id\":\"c\",\"name\":\"shell\",\"arguments\":\"{}\"}]}"))));
        try (TestProxy proxy = proxy()) {
            HttpResponse<String> stream = send(proxy, "/v1/messages", "x-api-key", "k");
            assertThat(stream.headers().firstValue("content-encoding")).isEmpty();
            assertThat(stream.body()).contains("Interpose denied the Read tool call: hook guard.sh said: nope")
                    .doesNotContain("tool_use").contains("message_stop");
            HttpResponse<String> json = send(proxy, "/v1/responses", "authorization", "Bearer k");
            assertThat(json.headers().firstValue("content-encoding")).isEmpty();
            assertThat(JSON.readTree(json.body()).path("output").get(0).path("type").asText()).isEqualTo("message");
        }
    }

    @Test
    void behindAGateTheAfterHooksSeeACompressedAnswerAsTheClientGetsItDecoded() throws Exception {
        Path post = project.resolve("post.jsonl");
        Path stop = project.resolve("stop.jsonl");
        hook("guard.sh", "#!/bin/sh", "# interpose-event: PreToolUse", "# interpose-matcher: Bash",
                "echo nope >&2", "exit 2");
        hook("post.sh", "#!/bin/sh", "# interpose-event: PostResponse", "jq -c .response >> " + post);
        hook("stop.sh", "#!/bin/sh", "# interpose-event: Stop", "jq -c '[.last_assistant_message]' >> " + stop);
        upstream.stubFor(post(urlPathEqualTo("/v1/messages")).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withHeader("content-encoding", "gzip")
                .withBody(gzip("{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"c\","
                        + "\"content\":[{\"type\":\"text\",\"text\":\"Running it.\"},{\"type\":\"tool_use\","
                        + "\"id\":\"tu_1\",\"name\":\"Bash\",\"input\":{\"command\":\"rm -rf /\"}}],"
                        + "\"stop_reason\":\"tool_use\",\"usage\":{\"input_tokens\":5,\"output_tokens\":7}}"))));
        upstream.stubFor(post(urlPathEqualTo("/v1/responses")).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "text/event-stream").withHeader("content-encoding", "gzip")
                .withBody(gzip(RESPONSES_TOOL))));
        try (TestProxy proxy = proxy()) {
            HttpResponse<String> json = send(proxy, "/v1/messages", "x-api-key", "k");
            assertThat(json.headers().firstValue("content-encoding")).isEmpty();
            assertThat(JSON.readTree(json.body()).path("stop_reason").asText()).isEqualTo("end_turn");
            await().atMost(Duration.ofSeconds(10)).until(() -> lines(post) == 1 && lines(stop) == 1);
            JsonNode seen = JSON.readTree(Files.readAllLines(post).get(0));
            assertThat(seen.path("text").asText()).startsWith("Running it.")
                    .contains("Interpose denied the Bash tool call: hook guard.sh said: nope");
            assertThat(seen.path("tool_calls")).as("the hooks see what the client got: the call denied").isEmpty();
            assertThat(seen.path("stop_reason").asText()).isEqualTo("end_turn");
            assertThat(seen.path("usage").path("output_tokens").asInt()).isEqualTo(7);
            assertThat(Files.readAllLines(stop).get(0)).startsWith("[\"Running it.");

            HttpResponse<String> stream = send(proxy, "/v1/responses", "authorization", "Bearer k");
            assertThat(stream.headers().firstValue("content-encoding")).isEmpty();
            assertThat(stream.body()).contains("response.completed");
            await().atMost(Duration.ofSeconds(10)).until(() -> lines(post) == 2);
            JsonNode streamed = JSON.readTree(Files.readAllLines(post).get(1));
            assertThat(streamed.path("tool_calls")).as("a Bash guard judges Codex's exec_command too").isEmpty();
            assertThat(streamed.path("text").asText())
                    .isEqualTo("Interpose denied the exec_command tool call: hook guard.sh said: nope");
            assertThat(streamed.path("usage").path("total_tokens").asInt()).isEqualTo(80);
        }
    }

    private static byte[] gzip(String text) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream zip = new java.util.zip.GZIPOutputStream(out)) {
            zip.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
