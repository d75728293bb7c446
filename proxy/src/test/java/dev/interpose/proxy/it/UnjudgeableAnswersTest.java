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
import dev.interpose.proxy.LogCapture;
import dev.interpose.proxy.TestProxy;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Answers whose tool calls a PreToolUse hook cannot be shown (compressed past the 16 MiB the gate holds,
 * corrupt for their coding, in a coding the proxy cannot decode, not JSON it reads) are refused with a
 * 502 in the client's dialect: never gzip bytes without their header, never a tool call nobody judged. A
 * plain stream with an event the gate cannot read ends there with the API's error event, and the
 * connection closes.
 */
@Timeout(120)
class UnjudgeableAnswersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BODY = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String PAD = "a".repeat(17 * 1024 * 1024);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    @RegisterExtension
    final WireMockExtension upstream = WireMockExtension.newInstance().options(options().dynamicPort()).build();
    @TempDir
    Path project;
    private Path judged;

    @BeforeEach
    void start() {
        judged = project.resolve("judged.log");
        HookFiles.script(project, "guard.sh", "#!/bin/sh", "# interpose-event: PreToolUse",
                // the call's name as sent: a hook sees Codex's shell calls as Bash, the wire name is kept aside
                "jq -r '.interpose.tool_call.name // .tool_name' >> " + judged, "echo nope >&2", "exit 2");
    }

    private void answer(String path, String type, String encoding, byte[] body) {
        var response = aResponse().withStatus(200).withHeader("content-type", type).withBody(body);
        if (encoding != null) {
            response = response.withHeader("content-encoding", encoding);
        }
        upstream.stubFor(post(urlPathEqualTo(path)).willReturn(response));
    }

    private TestProxy proxy() throws Exception {
        return TestProxy.withExtensions(Map.of("anthropic", upstream.baseUrl(), "openai", upstream.baseUrl()), project);
    }

    private HttpResponse<byte[]> send(TestProxy proxy, String path, String... headers) throws Exception {
        return http.send(HttpRequest.newBuilder(proxy.uri(path)).headers(headers)
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A 502 whose body is the error JSON the client's SDK reads, and nothing of the upstream's answer. */
    private static String refused(HttpResponse<byte[]> answer, boolean anthropic) throws Exception {
        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(answer.headers().firstValue("content-encoding")).isEmpty();
        JsonNode body = JSON.readTree(answer.body());
        if (anthropic) {
            assertThat(body.path("type").asText()).isEqualTo("error");
            assertThat(body.path("error").path("type").asText()).isEqualTo("api_error");
        } else {
            assertThat(body.path("error").path("code").asText()).isEqualTo("upstream_bad_response");
        }
        String message = body.path("error").path("message").asText();
        assertThat(message).startsWith("the upstream's answer was not passed on: the PreToolUse hooks cannot check"
                + " its tool calls, as ");
        return message;
    }

    @Test
    void aGzipAnswerDecodingPastTheCapIsRefusedInEachApi() throws Exception {
        answer("/v1/messages", "application/json", "gzip", gzip("{\"type\":\"message\",\"content\":[{\"type\":"
                + "\"tool_use\",\"id\":\"t\",\"name\":\"Bash\",\"input\":{\"command\":\"rm -rf /\"}}],\"pad\":\"" + PAD + "\"}"));
        answer("/v1/responses", "application/json", "gzip", gzip("{\"output\":[{\"type\":\"function_call\",\"call_id\":"
                + "\"c\",\"name\":\"shell\",\"arguments\":\"{}\"}],\"pad\":\"" + PAD + "\"}"));
        answer("/v1/chat/completions", "application/json", "gzip", gzip("{\"choices\":[{\"message\":{\"tool_calls\":"
                + "[{\"id\":\"c\",\"function\":{\"name\":\"shell\",\"arguments\":\"{}\"}}]}}],\"pad\":\"" + PAD + "\"}"));
        try (TestProxy proxy = proxy()) {
            assertThat(refused(send(proxy, "/v1/messages", "x-api-key", "k"), true))
                    .endsWith("it decodes from gzip to more than the 16777216 bytes the proxy holds to check it");
            refused(send(proxy, "/v1/responses", "authorization", "Bearer k"), false);
            refused(send(proxy, "/v1/chat/completions", "authorization", "Bearer k"), false);
            assertThat(proxy.accessLog(3)).extracting(l -> l.get("status") + " " + l.get("error"))
                    .containsOnly("502 upstream_bad_response");
        }
        assertThat(judged).doesNotExist(); // refused before any call could be judged, and none went out
    }

    @Test
    void aGzipStreamDecodingPastTheCapIsRefusedToo() throws Exception {
        String stream = new String(Fixtures.bytes("sample-anthropic-tool-sse.txt"), StandardCharsets.UTF_8)
                + "event: ping\ndata: {\"type\":\"ping\",\"pad\":\"" + PAD + "\"}\n\n";
        answer("/v1/messages", "text/event-stream", "gzip", gzip(stream));
        try (TestProxy proxy = proxy()) {
            HttpResponse<byte[]> answer = send(proxy, "/v1/messages", "x-api-key", "k");
            refused(answer, true);
            assertThat(new String(answer.body(), StandardCharsets.UTF_8)).doesNotContain("tool_use");
        }
    }

    @Test
    void aCompressedStreamWithinTheCapIsStillJudged() throws Exception {
        answer("/v1/responses", "text/event-stream", "gzip", gzip(new String(
                Fixtures.bytes("sample-responses-tool-sse.txt"), StandardCharsets.UTF_8)));
        try (TestProxy proxy = proxy()) {
            HttpResponse<byte[]> answer = send(proxy, "/v1/responses", "authorization", "Bearer k");
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.headers().firstValue("content-encoding")).isEmpty();
            assertThat(new String(answer.body(), StandardCharsets.UTF_8))
                    .contains("Interpose denied the exec_command tool call: hook guard.sh said: nope");
        }
        assertThat(Files.readAllLines(judged)).containsExactly("exec_command");
    }

    @Test
    void corruptUndecodableAndUnreadableAnswersAreRefused() throws Exception {
        byte[] good = gzip("{\"output\":[{\"type\":\"function_call\",\"call_id\":\"c\",\"name\":\"shell\",\"arguments\":\"{}\"}]}");
        answer("/v1/responses", "application/json", "gzip", Arrays.copyOf(good, good.length - 12)); // cut short
        answer("/v1/chat/completions", "application/json", "br", new byte[] {11, 2, (byte) 0x80, 'x', 3});
        answer("/v1/messages", "application/json", null, ("{\"content\":[{\"type\":\"tool_use\",\"name\":\"Bash\","
                + "\"input\":{}}],\"x\":" + "[".repeat(1001) + "]".repeat(1001) + "}").getBytes(StandardCharsets.UTF_8));
        try (TestProxy proxy = proxy()) {
            assertThat(refused(send(proxy, "/v1/responses", "authorization", "Bearer k"), false))
                    .endsWith("it is not valid gzip");
            assertThat(refused(send(proxy, "/v1/chat/completions", "authorization", "Bearer k"), false))
                    .endsWith("it is compressed with br, which the proxy cannot decode");
            assertThat(refused(send(proxy, "/v1/messages", "x-api-key", "k"), true))
                    .contains("its JSON could not be read: Document nesting depth (1001)");
        }
        assertThat(judged).doesNotExist();
    }

    @Test
    void anUncompressedAnswerOverTheCapIsRefusedNotPassedUnread() throws Exception {
        answer("/v1/messages", "application/json", null, ("{\"content\":[{\"type\":\"tool_use\",\"name\":\"Bash\","
                + "\"input\":{}}],\"pad\":\"" + PAD + "\"}").getBytes(StandardCharsets.UTF_8));
        try (TestProxy proxy = proxy()) {
            assertThat(refused(send(proxy, "/v1/messages", "x-api-key", "k"), true))
                    .endsWith("it is larger than the 16777216 bytes the proxy holds to check it");
            // The connection is still good for the next request.
            answer("/v1/messages", "application/json", null, "{\"type\":\"message\",\"content\":[]}"
                    .getBytes(StandardCharsets.UTF_8));
            HttpResponse<byte[]> next = send(proxy, "/v1/messages", "x-api-key", "k");
            assertThat(next.statusCode()).isEqualTo(200);
            assertThat(new String(next.body(), StandardCharsets.UTF_8)).isEqualTo("{\"type\":\"message\",\"content\":[]}");
        }
    }

    /** The whole answer to a streaming Messages call, read from a raw socket until the proxy closes it. */
    private static String rawStream(TestProxy proxy) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", proxy.port())) {
            socket.setSoTimeout(20_000);
            byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/messages HTTP/1.1\r\nhost: 127.0.0.1\r\nx-api-key: k\r\nconnection: close\r\ncontent-type: application/json"
                    + "\r\ncontent-length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8); // to the end: the proxy closes
        }
    }

    @Test
    void aStreamEventTheGateCannotReadEndsTheStreamWithTheAnthropicErrorEventAndAWarning() throws Exception {
        String stream = new String(Fixtures.bytes("sample-anthropic-tool-sse.txt"), StandardCharsets.UTF_8)
                .replace("\"index\": 1, \"content_block\"", "\"index\": 1, \"n\": " + "1".repeat(1500) + ", \"content_block\"");
        answer("/v1/messages", "text/event-stream", null, stream.getBytes(StandardCharsets.UTF_8));
        try (TestProxy proxy = proxy(); LogCapture log = new LogCapture(
                "dev.interpose.proxy.hook.ResponseHooks")) {
            String answer = rawStream(proxy);
            assertThat(answer).startsWith("HTTP/1.1 200").contains("Calling Read.").doesNotContain("tool_use")
                    .contains("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":"
                            + "\"the upstream's stream was cut short: the PreToolUse hooks cannot check its tool calls, as an"
                            + " event's data is past a limit of the proxy's JSON reader");
            Matcher id = Pattern.compile("(?i)x-request-id: (\\S+)").matcher(answer);
            assertThat(id.find()).isTrue();
            List<Map<String, Object>> lines = proxy.accessLog(1);
            assertThat(lines.get(0)).containsEntry("status", 200).containsEntry("error", "upstream_bad_response");
            assertThat(log.lines()).anySatisfy(line -> {
                assertThat(line).containsEntry("level", "WARN");
                assertThat((String) line.get("message")).startsWith("request " + id.group(1)
                        + ": the upstream's stream was cut short");
            });
        }
        assertThat(judged).doesNotExist();
    }

    @Test
    void aStreamEventWithTwoSpacesBeforeItsJsonIsJudgedThroughTheProxy() throws Exception {
        String stream = new String(Fixtures.bytes("sample-anthropic-tool-sse.txt"), StandardCharsets.UTF_8)
                .replace("data: {\"type\": \"content_block_start\", \"index\": 1", "data:  {\"type\": \"content_block_start\", \"index\": 1");
        answer("/v1/messages", "text/event-stream", null, stream.getBytes(StandardCharsets.UTF_8));
        try (TestProxy proxy = proxy()) {
            String answer = rawStream(proxy);
            assertThat(answer).contains("Interpose denied the Read tool call: hook guard.sh said: nope")
                    .doesNotContain("tool_use").doesNotContain("event: error");
        }
        assertThat(Files.readAllLines(judged)).containsExactly("Read");
    }

    @Test
    void aJsonAnswerWithAByteOrderMarkAndWhitespaceAroundItIsJudgedAsFetchReadsIt() throws Exception {
        answer("/v1/messages", "application/json", null, ("\uFEFF \r\n\t{\"type\":\"message\",\"content\":[{\"type\":"
                + "\"tool_use\",\"id\":\"t\",\"name\":\"Bash\",\"input\":{\"command\":\"rm -rf /\"}}],"
                + "\"stop_reason\":\"tool_use\"}\n \t").getBytes(StandardCharsets.UTF_8));
        try (TestProxy proxy = proxy()) {
            HttpResponse<byte[]> answer = send(proxy, "/v1/messages", "x-api-key", "k");
            assertThat(answer.statusCode()).isEqualTo(200);
            JsonNode body = JSON.readTree(answer.body());
            assertThat(body.path("content").get(0).path("text").asText())
                    .isEqualTo("Interpose denied the Bash tool call: hook guard.sh said: nope");
            assertThat(body.path("stop_reason").asText()).isEqualTo("end_turn");
        }
        assertThat(Files.readAllLines(judged)).containsExactly("Bash");
    }

    @Test
    void anAnswerOfAnotherContentTypeIsJudgedAsWhatItLooksLike() throws Exception {
        // The SDKs read a streamed call's answer as a stream, and a JSON-looking one as JSON, whatever its type.
        answer("/v1/messages", "text/plain", null, Fixtures.bytes("sample-anthropic-tool-sse.txt"));
        answer("/v1/chat/completions", "application/octet-stream", null, (" {\"choices\":[{\"message\":{\"role\":"
                + "\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":"
                + "\"shell\",\"arguments\":\"{}\"}}]},\"finish_reason\":\"tool_calls\"}]}").getBytes(StandardCharsets.UTF_8));
        answer("/v1/responses", "text/plain", null, "just some text".getBytes(StandardCharsets.UTF_8));
        try (TestProxy proxy = proxy()) {
            HttpResponse<byte[]> messages = send(proxy, "/v1/messages", "x-api-key", "k");
            assertThat(messages.statusCode()).isEqualTo(200);
            assertThat(new String(messages.body(), StandardCharsets.UTF_8)).doesNotContain("tool_use")
                    .contains("Interpose denied the Read tool call: hook guard.sh said: nope");
            HttpResponse<byte[]> chat = send(proxy, "/v1/chat/completions", "authorization", "Bearer k");
            assertThat(chat.statusCode()).isEqualTo(200);
            JsonNode message = JSON.readTree(chat.body()).path("choices").get(0).path("message");
            assertThat(message.has("tool_calls")).isFalse();
            assertThat(message.path("content").asText()).contains("Interpose denied the shell tool call");
            HttpResponse<byte[]> text = send(proxy, "/v1/responses", "authorization", "Bearer k");
            assertThat(text.statusCode()).isEqualTo(200);
            assertThat(new String(text.body(), StandardCharsets.UTF_8)).isEqualTo("just some text");
        }
        assertThat(Files.readAllLines(judged)).containsExactly("Read", "shell");
    }

    @Test
    void aChatAnswerWithCallsInASecondChoiceIsRefused() throws Exception {
        answer("/v1/chat/completions", "application/json", null, ("{\"choices\":[{\"index\":0,\"message\":{\"role\":"
                + "\"assistant\",\"content\":\"hi\"}},{\"index\":1,\"message\":{\"role\":\"assistant\",\"tool_calls\":"
                + "[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"shell\",\"arguments\":\"{}\"}}]}}]}")
                .getBytes(StandardCharsets.UTF_8));
        try (TestProxy proxy = proxy()) {
            assertThat(refused(send(proxy, "/v1/chat/completions", "authorization", "Bearer k"), false))
                    .endsWith("tool calls come in a choice other than the first, which the proxy does not check");
        }
        assertThat(judged).doesNotExist();
    }

    private static byte[] gzip(String text) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
