package dev.interpose.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A fake model API on a WireMock server: answers {@code /v1/messages} and {@code /v1/responses} with the
 * SSE transcripts of ../shared/fixtures (the shapes each CLI accepts), with our own text or tool call in
 * them, and records what it was sent.
 */
public final class FakeUpstream implements AutoCloseable {
    private final WireMockServer server = new WireMockServer(options().dynamicPort());

    public FakeUpstream() {
        server.start();
    }

    public String baseUrl() {
        return server.baseUrl();
    }

    public void stop() {
        server.stop();
    }

    @Override
    public void close() {
        server.stop();
    }

    /** Every {@code /v1/messages} turn answers with {@code text}. */
    public void anthropicAnswers(String text) {
        stub("/v1/messages", null, anthropicText(text), 5);
    }

    /** The first turn asks for the Read tool on {@code file}; the turn carrying its result gets {@code text}. */
    public void anthropicReadsThenAnswers(Path file, String text) {
        String toolUse = fixture("sample-anthropic-tool-sse.txt").replace("\\\"/x\\\"", "\\\"" + file + "\\\"");
        stub("/v1/messages", null, toolUse, 5);
        stub("/v1/messages", "tool_result", anthropicText(text), 1);
    }

    /** The first turn asks for the Read tool on {@code file}; the turn carrying its result is refused with a 400. */
    public void anthropicReadsThenRefuses(Path file, String message) {
        String toolUse = fixture("sample-anthropic-tool-sse.txt").replace("\\\"/x\\\"", "\\\"" + file + "\\\"");
        stub("/v1/messages", null, toolUse, 5);
        server.stubFor(post(urlPathEqualTo("/v1/messages")).atPriority(1).withRequestBody(containing("tool_result"))
                .willReturn(aResponse().withStatus(400).withHeader("content-type", "application/json")
                        .withBody("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\""
                                + message + "\"}}")));
    }

    /**
     * The first turn asks for the Agent tool (a {@code subagentType} subagent on {@code task}); each request of the
     * subagent (it carries {@code x-claude-code-agent-id}) gets {@code subagentText}; the turn carrying the Agent
     * tool's result gets {@code text}.
     */
    public void anthropicDelegatesThenAnswers(String subagentType, String task, String subagentText, String text) {
        String input = "{\\\"description\\\": \\\"look\\\", \\\"prompt\\\": \\\"" + task
                + "\\\", \\\"subagent_type\\\": \\\"" + subagentType + "\\\"}";
        String toolUse = fixture("sample-anthropic-tool-sse.txt").replace("\"name\": \"Read\"", "\"name\": \"Agent\"")
                .replace("{\\\"file_path\\\": \\\"/x\\\"}", input);
        stub("/v1/messages", null, toolUse, 5);
        stub("/v1/messages", "tool_result", anthropicText(text), 2);
        server.stubFor(post(urlPathEqualTo("/v1/messages")).atPriority(1)
                .withHeader("x-claude-code-agent-id", com.github.tomakehurst.wiremock.client.WireMock.matching(".+"))
                .willReturn(aResponse().withStatus(200).withHeader("content-type", "text/event-stream; charset=utf-8")
                        .withBody(anthropicText(subagentText))));
    }

    /** Every {@code /v1/responses} turn answers with {@code text}. */
    public void responsesAnswers(String text) {
        stub("/v1/responses", null, responsesText(text), 5);
    }

    /** The first turn calls {@code exec_command} with {@code cmd}; the turn carrying its output gets {@code text}. */
    public void responsesRunsThenAnswers(String cmd, String text) {
        String call = fixture("sample-responses-tool-sse.txt").replace("\\\"ls\\\"", "\\\"" + cmd + "\\\"");
        stub("/v1/responses", null, call, 5);
        stub("/v1/responses", "function_call_output", responsesText(text), 1);
    }

    /**
     * A subagent's non-streaming Responses API call, recognised by its system prompt (its
     * {@code instructions}), answers {@code text}.
     */
    public void responsesAgentAnswers(String instructions, String text) {
        String body = "{\"id\":\"resp_agent\",\"object\":\"response\",\"status\":\"completed\",\"model\":\"gpt-5.5\","
                + "\"output\":[{\"type\":\"message\",\"id\":\"msg_agent\",\"status\":\"completed\",\"role\":"
                + "\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"" + text + "\",\"annotations\":[]}]}],"
                + "\"usage\":{\"input_tokens\":5,\"output_tokens\":3,\"total_tokens\":8}}";
        server.stubFor(post(urlPathEqualTo("/v1/responses")).atPriority(0)
                .withRequestBody(containing(instructions)).willReturn(aResponse().withStatus(200)
                        .withHeader("content-type", "application/json").withBody(body)));
    }

    /** A subagent's non-streaming Messages API call, recognised by its system prompt, answers {@code text}. */
    public void anthropicAgentAnswers(String system, String text) {
        String body = "{\"id\":\"msg_agent\",\"type\":\"message\",\"role\":\"assistant\",\"model\":"
                + "\"claude-sonnet-4-5\",\"content\":[{\"type\":\"text\",\"text\":\"" + text + "\"}],"
                + "\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":5,\"output_tokens\":3}}";
        server.stubFor(post(urlPathEqualTo("/v1/messages")).atPriority(0)
                .withRequestBody(containing(system)).willReturn(aResponse().withStatus(200)
                        .withHeader("content-type", "application/json").withBody(body)));
    }

    /** The bodies of every request to {@code path}, in order. */
    public List<String> bodies(String path) {
        return server.findAll(postRequestedFor(urlPathEqualTo(path))).stream().map(LoggedRequest::getBodyAsString)
                .toList();
    }

    /** Every request to {@code path}, in order. */
    public List<LoggedRequest> requests(String path) {
        return server.findAll(postRequestedFor(urlPathEqualTo(path)));
    }

    private void stub(String path, String bodyContains, String sse, int priority) {
        var mapping = post(urlPathEqualTo(path)).atPriority(priority);
        if (bodyContains != null) {
            mapping = mapping.withRequestBody(containing(bodyContains));
        }
        server.stubFor(mapping.willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "text/event-stream; charset=utf-8").withBody(sse)));
    }

    static String anthropicText(String text) {
        return fixture("sample-anthropic-sse.txt").replace("ECHO: say hi", text);
    }

    static String responsesText(String text) {
        return fixture("sample-responses-sse.txt").replace("ECHO: say hi", text);
    }

    static String fixture(String name) {
        try {
            return Files.readString(Path.of(System.getProperty("fixtures.dir"), name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
