package dev.interpose.proxy.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.interpose.proxy.Fixtures;
import dev.interpose.proxy.HookFiles;
import dev.interpose.proxy.LogCapture;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What hooks say for the person rather than the model, through the proxy with real scripts and a WireMock upstream:
 * {@code systemMessage} shown before the answer in each API, {@code continue: false} answered with its
 * {@code stopReason}, {@code sessionTitle} in the access log, {@code UserPromptExpansion} on the proxy's own
 * commands, and a settings file's {@code once} and {@code statusMessage}.
 */
@Timeout(60)
class HookOutputsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLAUDE_BODY = new String(Fixtures.bytes("anthropic-messages-claude-code.json"),
            StandardCharsets.UTF_8);
    private static final String CODEX_BODY = new String(Fixtures.bytes("openai-responses-codex.json"),
            StandardCharsets.UTF_8);
    private static final String CHAT_BODY = "{\"model\":\"gpt-5.5\",\"stream\":true,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"say hi\"}]}";
    private static final String CHAT_SSE = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-5.5\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hello\"},\"finish_reason\":null}]}\n\n"
            + "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-5.5\",\"choices\":[{\"index\":0,"
            + "\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
    private static final String NOTICE = "[hook] Checked by the policy hook.";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    @RegisterExtension
    final WireMockExtension upstream = WireMockExtension.newInstance().options(options().dynamicPort()).build();
    @TempDir
    Path project;

    private void sse(String path, String body) {
        upstream.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "text/event-stream").withBody(body)));
    }

    private TestProxy proxy() throws Exception {
        return TestProxy.withExtensions(Map.of("anthropic", upstream.baseUrl(), "openai", upstream.baseUrl()), project);
    }


    /** The text of each content block of a Messages stream, by index. */
    private static List<String> messagesText(String sse) {
        List<String> blocks = new ArrayList<>();
        for (JsonNode event : HookFiles.events(sse)) {
            int index = event.path("index").asInt(-1);
            if (event.path("type").asText().equals("content_block_start")) {
                assertThat(index).isEqualTo(blocks.size()); // the indices stay in order, none skipped or twice
                blocks.add(event.path("content_block").path("text").asText(""));
            } else if (event.path("type").asText().equals("content_block_delta")) {
                blocks.set(index, blocks.get(index) + event.path("delta").path("text").asText(""));
            }
        }
        return blocks;
    }

    @Test
    void aSystemMessageIsShownBeforeTheAnswerInEachClientsApi() throws Exception {
        HookFiles.script(project, "notice.sh", "#!/bin/sh", "# interpose-event: UserPromptSubmit",
                "echo '{\"systemMessage\": \"Checked by the policy hook.\"}'");
        sse("/v1/messages", new String(Fixtures.bytes("sample-anthropic-sse.txt"), StandardCharsets.UTF_8));
        sse("/v1/responses", new String(Fixtures.bytes("sample-responses-sse.txt"), StandardCharsets.UTF_8));
        sse("/v1/chat/completions", CHAT_SSE);
        try (TestProxy proxy = proxy()) {
            String upstreamText = messagesText(new String(Fixtures.bytes("sample-anthropic-sse.txt"),
                    StandardCharsets.UTF_8)).get(0);
            HttpResponse<String> claude = proxy.post("/v1/messages", CLAUDE_BODY, "x-api-key", "k");
            assertThat(claude.statusCode()).isEqualTo(200);
            // the notice opens the model's first text block (Claude Code's -p prints the answer's last text block)
            assertThat(messagesText(claude.body())).containsExactly(NOTICE + "\n\n" + upstreamText);
            assertThat(HookFiles.events(claude.body()).get(0).path("type").asText()).isEqualTo("message_start");

            HttpResponse<String> codex = proxy.post("/v1/responses", CODEX_BODY, "authorization", "Bearer k");
            List<JsonNode> events = HookFiles.events(codex.body());
            JsonNode added = events.stream().filter(e -> e.path("type").asText().equals("response.output_item.added"))
                    .findFirst().orElseThrow();
            assertThat(added.path("output_index").asInt()).isZero();
            JsonNode completed = events.get(events.size() - 1);
            assertThat(completed.path("type").asText()).isEqualTo("response.completed");
            JsonNode output = completed.path("response").path("output");
            assertThat(output.get(0).path("content").get(0).path("text").asText()).isEqualTo(NOTICE);
            assertThat(output.size()).isGreaterThan(1);
            for (int i = 0; i < events.size(); i++) {
                assertThat(events.get(i).path("sequence_number").asInt()).isEqualTo(i);
            }
            assertThat(events.stream().filter(e -> e.path("type").asText().equals("response.output_text.delta"))
                    .filter(e -> e.path("output_index").asInt() == 0).map(e -> e.path("delta").asText()))
                    .containsExactly(NOTICE);

            HttpResponse<String> chat = proxy.post("/v1/chat/completions", CHAT_BODY, "authorization", "Bearer k");
            StringBuilder text = new StringBuilder();
            HookFiles.events(chat.body()).forEach(e -> text.append(e.path("choices").path(0).path("delta")
                    .path("content").asText("")));
            assertThat(text.toString()).isEqualTo(NOTICE + "\n\nHello");
            assertThat(chat.body()).endsWith("data: [DONE]\n\n");
        }
    }

    @Test
    void aSystemMessageGoesIntoATranslatedAnswerInTheClientsApi() throws Exception {
        HookFiles.script(project, "notice.sh", "#!/bin/sh", "# interpose-event: UserPromptSubmit",
                "echo '{\"systemMessage\": \"Checked by the policy hook.\"}'");
        sse("/v1/chat/completions", CHAT_SSE);
        Path config = Files.writeString(project.resolve("config.yaml"), String.join("\n", "upstreams:", "  local:",
                "    url: " + upstream.baseUrl(), "    dialect: openai-chat", "routes:", "  - path: /v1/messages",
                "    upstream: local", ""));
        try (TestProxy proxy = TestProxy.withExtensions(Map.of(), project, List.of(config))) {
            HttpResponse<String> claude = proxy.post("/v1/messages", CLAUDE_BODY, "x-api-key", "k");
            assertThat(messagesText(claude.body())).containsExactly(NOTICE + "\n\nHello");
            List<JsonNode> events = HookFiles.events(claude.body());
            assertThat(events.get(events.size() - 1).path("type").asText()).isEqualTo("message_stop");
            assertThat(proxy.accessLog(1).get(0)).containsEntry("translated", true);
        }
    }

    @Test
    void aSystemMessageComesFirstInAWholeAnswerToo() throws Exception {
        HookFiles.script(project, "notice.sh", "#!/bin/sh", "# interpose-event: UserPromptSubmit",
                "echo '{\"systemMessage\": \"Checked by the policy hook.\"}'");
        upstream.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200).withHeader("content-type",
                "application/json").withBody("{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":\"claude-opus-5-5\",\"content\":[{\"type\":\"text\",\"text\":\"Hello\"}],"
                + "\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}")));
        try (TestProxy proxy = proxy()) {
            HttpResponse<String> claude = proxy.post("/v1/messages", CLAUDE_BODY.replace("\"stream\":true",
                    "\"stream\":false"), "x-api-key", "k");
            JsonNode content = JSON.readTree(claude.body()).path("content");
            assertThat(content).hasSize(1);
            assertThat(content.get(0).path("text").asText()).isEqualTo(NOTICE + "\n\nHello");
            assertThat(claude.headers().firstValueAsLong("content-length")).hasValue(claude.body().getBytes(
                    StandardCharsets.UTF_8).length);

            upstream.stubFor(post(urlPathEqualTo("/v1/responses")).willReturn(aResponse().withStatus(200)
                    .withHeader("content-type", "application/json").withBody("{\"id\":\"resp_1\",\"object\":"
                    + "\"response\",\"status\":\"completed\",\"output\":[{\"id\":\"msg_1\",\"type\":\"message\","
                    + "\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"Hello\"}]}]}")));
            JsonNode output = JSON.readTree(proxy.post("/v1/responses", CODEX_BODY.replace("\"stream\":true",
                    "\"stream\":false"), "authorization", "Bearer k").body()).path("output");
            assertThat(output).hasSize(2);
            assertThat(output.get(0).path("content").get(0).path("text").asText()).isEqualTo(NOTICE);
            assertThat(output.get(1).path("content").get(0).path("text").asText()).isEqualTo("Hello");

            upstream.stubFor(post(urlPathEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                    .withHeader("content-type", "application/json").withBody("{\"id\":\"c1\",\"object\":"
                    + "\"chat.completion\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                    + "\"content\":\"Hello\"},\"finish_reason\":\"stop\"}]}")));
            JsonNode chat = JSON.readTree(proxy.post("/v1/chat/completions", CHAT_BODY.replace("\"stream\":true",
                    "\"stream\":false"), "authorization", "Bearer k").body());
            assertThat(chat.path("choices").get(0).path("message").path("content").asText())
                    .isEqualTo(NOTICE + "\n\nHello");
        }
    }

    @Test
    void continueFalseAnswersWithTheStopReasonAsANormalAnswerAndNothingLeaves() throws Exception {
        HookFiles.script(project, "stop.sh", "#!/bin/sh", "# interpose-event: UserPromptSubmit",
                "echo '{\"continue\": false, \"stopReason\": \"The build is frozen today.\"}'");
        HookFiles.script(project, "deny.sh", "#!/bin/sh", "# interpose-event: UserPromptSubmit",
                "echo 'a plain block loses to continue: false' >&2", "exit 2");
        try (TestProxy proxy = proxy()) {
            HttpResponse<String> codex = proxy.post("/v1/responses", CODEX_BODY, "authorization", "Bearer k");
            assertThat(codex.statusCode()).isEqualTo(200);
            assertThat(codex.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t)
                    .startsWith("text/event-stream"));
            StringBuilder text = new StringBuilder();
            HookFiles.events(codex.body()).stream().filter(e -> e.path("type").asText()
                    .equals("response.output_text.delta")).forEach(e -> text.append(e.path("delta").asText()));
            assertThat(text.toString()).isEqualTo("The build is frozen today.");

            HttpResponse<String> claude = proxy.post("/v1/messages", CLAUDE_BODY.replace("\"stream\":true",
                    "\"stream\":false"), "x-api-key", "k");
            JsonNode message = JSON.readTree(claude.body());
            assertThat(message.path("type").asText()).isEqualTo("message");
            assertThat(message.path("content").get(0).path("text").asText()).isEqualTo("The build is frozen today.");
            assertThat(upstream.getAllServeEvents()).isEmpty();
            assertThat(proxy.accessLog(2)).extracting(l -> l.get("outcome") + " " + l.get("status") + " "
                    + l.get("error_message")).containsOnly("blocked 200 null");
        }
    }

    @Test
    void aBlockedRequestShowsTheSystemMessageBeforeTheBlockNotice() throws Exception {
        HookFiles.script(project, "block.sh", "#!/bin/sh", "# interpose-event: UserPromptSubmit",
                "echo '{\"decision\": \"block\", \"reason\": \"no greetings\", \"systemMessage\": \"Checked by the policy hook.\"}'");
        try (TestProxy proxy = proxy()) {
            HttpResponse<String> claude = proxy.post("/v1/messages", CLAUDE_BODY.replace("\"stream\":true",
                    "\"stream\":false"), "x-api-key", "k");
            assertThat(JSON.readTree(claude.body()).path("content").get(0).path("text").asText()).isEqualTo(NOTICE
                    + "\n\nInterpose blocked this request: hook block.sh said: no greetings");
        }
    }

    @Test
    void aPreToolUseSystemMessageComesWithTheDeniedCallsText() throws Exception {
        HookFiles.script(project, "guard.sh", "#!/bin/sh", "# interpose-event: PreToolUse", "# interpose-matcher: Read",
                "echo '{\"systemMessage\": \"Checked by the policy hook.\", \"hookSpecificOutput\": {\"hookEventName\":"
                        + " \"PreToolUse\", \"permissionDecision\": \"deny\", \"permissionDecisionReason\": \"no reading\"}}'");
        sse("/v1/messages", new String(Fixtures.bytes("sample-anthropic-tool-sse.txt"), StandardCharsets.UTF_8));
        try (TestProxy proxy = proxy()) {
            HttpResponse<String> claude = proxy.post("/v1/messages", CLAUDE_BODY, "x-api-key", "k");
            assertThat(String.join("|", messagesText(claude.body()))).contains(NOTICE
                    + "\n\nInterpose denied the Read tool call: hook guard.sh said: no reading");
        }
    }

    @Test
    void theSessionTitleOfAUserPromptSubmitHookIsInTheAccessLogLine() throws Exception {
        HookFiles.script(project, "title.sh", "#!/bin/sh", "# interpose-event: UserPromptSubmit",
                "echo '{\"hookSpecificOutput\": {\"hookEventName\": \"UserPromptSubmit\", \"sessionTitle\": \"Greeting the user\"}}'");
        upstream.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody("{\"from\":\"upstream\"}")));
        try (TestProxy proxy = proxy()) {
            assertThat(proxy.post("/v1/responses", CODEX_BODY, "authorization", "Bearer k").body())
                    .isEqualTo("{\"from\":\"upstream\"}");
            assertThat(proxy.accessLog(1).get(0)).containsEntry("session_title", "Greeting the user")
                    .containsEntry("outcome", "ok");
        }
    }

    @Test
    void userPromptExpansionSeesTheProxysOwnExpansionAddsContextAndBlocksByCommandName() throws Exception {
        Path seen = project.resolve("expansion.json");
        Files.createDirectories(project.resolve(".interpose/commands"));
        Files.writeString(project.resolve(".interpose/commands/greet.md"), "Say hello to $ARGUMENTS warmly.\n");
        Files.writeString(project.resolve(".interpose/commands/deploy.md"), "Deploy $ARGUMENTS now.\n");
        HookFiles.script(project, "expansion.sh", "#!/bin/sh", "# interpose-event: UserPromptExpansion",
                "# interpose-matcher: greet", "cat > " + seen,
                "echo '{\"hookSpecificOutput\": {\"hookEventName\": \"UserPromptExpansion\", \"additionalContext\": \"Be brief.\"}}'");
        HookFiles.script(project, "nodeploy.sh", "#!/bin/sh", "# interpose-event: UserPromptExpansion",
                "# interpose-matcher: deploy", "echo 'no deploys on Friday' >&2", "exit 2");
        upstream.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody("{\"from\":\"upstream\"}")));
        try (TestProxy proxy = proxy()) {
            proxy.post("/v1/responses", CODEX_BODY.replace("say hi", "/greet Ada Lovelace"), "authorization",
                    "Bearer k", "session-id", "s-1");
            JsonNode input = JSON.readTree(Files.readString(seen));
            assertThat(input.path("hook_event_name").asText()).isEqualTo("UserPromptExpansion");
            assertThat(input.path("expansion_type").asText()).isEqualTo("slash_command");
            assertThat(input.path("command_name").asText()).isEqualTo("greet");
            assertThat(input.path("command_args").asText()).isEqualTo("Ada Lovelace");
            assertThat(input.path("command_source").asText()).isEqualTo("skill");
            assertThat(input.path("prompt").asText()).isEqualTo("/greet Ada Lovelace");
            assertThat(input.path("expansion").asText()).contains("Say hello to Ada Lovelace warmly.");
            assertThat(input.path("session_id").asText()).isEqualTo("s-1");
            String sent = upstream.getAllServeEvents().get(0).getRequest().getBodyAsString();
            assertThat(sent).contains("Say hello to Ada Lovelace warmly.")
                    .contains("UserPromptExpansion hook additional context: Be brief.");

            HttpResponse<String> blocked = proxy.post("/v1/messages", CLAUDE_BODY.replace("\"stream\":true",
                    "\"stream\":false").replace("say hi", "/deploy prod"), "x-api-key", "k");
            assertThat(JSON.readTree(blocked.body()).path("content").get(0).path("text").asText())
                    .isEqualTo("Interpose blocked this request: hook nodeploy.sh said: no deploys on Friday");
            assertThat(upstream.getAllServeEvents()).hasSize(1);
        }
    }

    @Test
    void aOnceHandlerRunsOncePerSessionAndItsStatusMessageIsLoggedAtDebug() throws Exception {
        Path runs = project.resolve("runs.log");
        Files.createDirectories(project.resolve(".claude"));
        Files.writeString(project.resolve(".claude/settings.json"), "{\"hooks\":{\"UserPromptSubmit\":[{\"hooks\":["
                + "{\"type\":\"command\",\"command\":\"jq -r .session_id >> " + runs + "\",\"once\":true,"
                + "\"statusMessage\":\"Loading the team's rules\"}]}]}}");
        upstream.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody("{\"from\":\"upstream\"}")));
        try (TestProxy proxy = proxy(); LogCapture debug = new LogCapture("dev.interpose.hooks", Level.DEBUG)) {
            for (String session : List.of("s-1", "s-1", "s-2", "s-1")) {
                proxy.post("/v1/responses", CODEX_BODY, "authorization", "Bearer k", "session-id", session);
            }
            assertThat(Files.readAllLines(runs)).containsExactly("s-1", "s-2");
            assertThat(debug.lines()).extracting(l -> (String) l.get("message"))
                    .contains("hook settings:UserPromptSubmit[]#1: Loading the team's rules");
        }
    }
}
