package dev.interpose.proxy.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.interpose.proxy.HookFiles;
import dev.interpose.proxy.LogCapture;
import dev.interpose.proxy.TestProxy;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request bodies the proxy cannot read for its hooks (over a Jackson limit, invalid UTF-8, not strict JSON)
 * and bodies that name a member twice, in each API, through the proxy to WireMock: with a fail-closed hook
 * the client gets a 400 in its own dialect and nothing leaves; with fail-open hooks the request goes on;
 * either way the hook log names the hooks that were skipped and why.
 */
@Timeout(120)
class HostileRequestBodiesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A hostile member (or tail), as bytes, added to an otherwise ordinary request. */
    private record Hostile(String name, byte[] member, boolean tail) {
        static Hostile member(String name, byte[] bytes) {
            return new Hostile(name, bytes, false);
        }

        static Hostile member(String name, String text) {
            return member(name, text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static final List<Hostile> HOSTILE = List.of(
            Hostile.member("1,001 nested arrays", "\"extra\":" + "[".repeat(1001) + "]".repeat(1001)),
            Hostile.member("an overlong UTF-8 form", concat("\"extra\":\"a", new byte[] {(byte) 0xC0, (byte) 0x80}, "\"")),
            Hostile.member("a UTF-8-encoded surrogate", concat("\"extra\":\"", new byte[] {(byte) 0xED, (byte) 0xA0,
                (byte) 0x80}, "\"")),
            Hostile.member("a byte that starts no UTF-8 character", concat("\"extra\":\"", new byte[] {(byte) 0xFF}, "\"")),
            Hostile.member("a 1,100-digit number", "\"extra\":" + "7".repeat(1100)),
            Hostile.member("a 60,000-character member name", "\"" + "n".repeat(60_000) + "\":1"),
            Hostile.member("a 25 MB string", "\"extra\":\"" + "s".repeat(25_000_000) + "\""),
            Hostile.member("a comment", "\"extra\":1 /* a comment */"),
            new Hostile("more JSON after the object", " {\"model\":\"other\"}".getBytes(StandardCharsets.UTF_8), true));

    /** The three APIs: path, the headers their clients send, a body before the hostile member. */
    private enum Client {
        MESSAGES("/v1/messages", "{\"model\":\"claude-x\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"say hi\"}]", "x-api-key", "k", "anthropic-version", "2023-06-01"),
        RESPONSES("/v1/responses", "{\"model\":\"gpt-5\",\"input\":[{\"type\":\"message\",\"role\":\"user\","
                + "\"content\":[{\"type\":\"input_text\",\"text\":\"say hi\"}]}]", "authorization", "Bearer k"),
        CHAT("/v1/chat/completions", "{\"model\":\"gpt-5\",\"messages\":[{\"role\":\"user\",\"content\":\"say hi\"}]",
                "authorization", "Bearer k");

        final String path;
        final String start;
        final String[] headers;

        Client(String path, String start, String... headers) {
            this.path = path;
            this.start = start;
            this.headers = headers;
        }

        byte[] body(Hostile hostile) {
            if (hostile.tail()) {
                return concat(start + "}", hostile.member(), "");
            }
            return concat(start + ",", hostile.member(), "}");
        }
    }

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

    private TestProxy proxy() throws Exception {
        return TestProxy.withExtensions(Map.of("anthropic", upstream.baseUrl(), "openai", upstream.baseUrl()), project);
    }

    private void hooks(boolean failClosed) {
        HookFiles.script(project, "guard.sh", "#!/bin/sh", "# interpose-event: UserPromptSubmit",
                "# interpose-fail: " + (failClosed ? "closed" : "open"), "cat > /dev/null");
        HookFiles.script(project, "pre.sh", "#!/bin/sh", "# interpose-event: PreRequest", "cat > /dev/null");
    }

    private HttpResponse<String> send(TestProxy proxy, Client client, byte[] body, String... more) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(proxy.uri(client.path)).headers(client.headers)
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (more.length > 0) {
            request.headers(more);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The error a client of that API reads: Anthropic's {@code type: error} shape or OpenAI's {@code error.code}. */
    private static String error(Client client, HttpResponse<String> answer) throws Exception {
        JsonNode body = JSON.readTree(answer.body());
        if (client == Client.MESSAGES) {
            assertThat(body.path("type").asText()).isEqualTo("error");
            assertThat(body.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        } else {
            assertThat(body.path("error").path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(body.path("error").path("code").asText()).isEqualTo("bad_request");
        }
        return body.path("error").path("message").asText();
    }

    /** The hook-log lines of one request, as "hook event outcome: detail". */
    private static List<String> hookLines(LogCapture log, String requestId, int atLeast) {
        return Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> log.lines().stream()
                .filter(l -> requestId.equals(l.get("request_id")))
                .map(l -> l.get("hook") + " " + l.get("event") + " " + l.get("outcome") + ": " + l.get("detail"))
                .collect(Collectors.toList()), l -> l.size() >= atLeast);
    }

    @Test
    void aFailClosedHookRefusesEveryBodyItCannotReadInTheClientsDialectAndNothingLeaves() throws Exception {
        hooks(true);
        try (TestProxy proxy = proxy(); LogCapture log = new LogCapture("interpose.hooks")) {
            for (Hostile hostile : HOSTILE) {
                for (Client client : Client.values()) {
                    String what = hostile.name() + " to " + client;
                    HttpResponse<String> answer = send(proxy, client, client.body(hostile));
                    assertThat(answer.statusCode()).as(what).isEqualTo(400);
                    String message = error(client, answer);
                    assertThat(message).as(what).startsWith("request body could not be read: ")
                            .endsWith("(fail-closed hook guard.sh)").doesNotContain("sss").doesNotContain("nnn");
                    String id = answer.headers().firstValue("x-request-id").orElseThrow();
                    assertThat(hookLines(log, id, 2)).as(what).hasSize(2).allSatisfy(line -> assertThat(line)
                            .contains(" skipped: request body could not be read: ")
                            .endsWith("; the request was refused"))
                            .anySatisfy(line -> assertThat(line).startsWith("guard.sh UserPromptSubmit skipped"))
                            .anySatisfy(line -> assertThat(line).startsWith("pre.sh PreRequest skipped"));
                }
            }
            assertThat(upstream.getAllServeEvents()).as("nothing reached the upstream").isEmpty();
            assertThat(proxy.accessLog(HOSTILE.size() * 3)).extracting(l -> l.get("status") + " " + l.get("outcome"))
                    .containsOnly("400 failed");
        }
    }

    @Test
    void theReasonSaysWhatIsWrongWithoutQuotingTheBody() throws Exception {
        hooks(true);
        try (TestProxy proxy = proxy()) {
            assertThat(error(Client.MESSAGES, send(proxy, Client.MESSAGES, Client.MESSAGES.body(HOSTILE.get(0)))))
                    .contains("nesting depth (1001) exceeds the maximum allowed (1000");
            assertThat(error(Client.CHAT, send(proxy, Client.CHAT, Client.CHAT.body(HOSTILE.get(1)))))
                    .contains("it is not valid UTF-8 (at byte ");
            assertThat(error(Client.RESPONSES, send(proxy, Client.RESPONSES, Client.RESPONSES.body(HOSTILE.get(4)))))
                    .contains("Number value length (1100) exceeds the maximum allowed (1000");
            assertThat(error(Client.MESSAGES, send(proxy, Client.MESSAGES, Client.MESSAGES.body(HOSTILE.get(5)))))
                    .contains("Name length (60000) exceeds the maximum allowed (50000");
            assertThat(error(Client.MESSAGES, send(proxy, Client.MESSAGES, Client.MESSAGES.body(HOSTILE.get(6)))))
                    .contains("String value length").contains("exceeds the maximum allowed (20000000");
            assertThat(error(Client.CHAT, send(proxy, Client.CHAT, Client.CHAT.body(HOSTILE.get(7)))))
                    .contains("it is not valid JSON: Unexpected character ('/' (code 47))");
            assertThat(error(Client.CHAT, send(proxy, Client.CHAT, Client.CHAT.body(HOSTILE.get(8)))))
                    .contains("more JSON follows the object");
            assertThat(upstream.getAllServeEvents()).isEmpty();
        }
    }

    @Test
    void failOpenHooksLetTheBodyGoOnUnchangedAndTheLogSaysTheyWereSkipped() throws Exception {
        hooks(false);
        try (TestProxy proxy = proxy(); LogCapture log = new LogCapture("interpose.hooks")) {
            int sent = 0;
            for (Hostile hostile : HOSTILE) {
                for (Client client : Client.values()) {
                    String what = hostile.name() + " to " + client;
                    byte[] body = client.body(hostile);
                    HttpResponse<String> answer = send(proxy, client, body);
                    assertThat(answer.statusCode()).as(what).isEqualTo(200);
                    assertThat(answer.body()).as(what).isEqualTo("{\"from\":\"upstream\"}");
                    sent++;
                    assertThat(upstream.getAllServeEvents()).as(what).hasSize(sent);
                    assertThat(upstream.getAllServeEvents().get(0).getRequest().getBody()).as(what).isEqualTo(body);
                    String id = answer.headers().firstValue("x-request-id").orElseThrow();
                    assertThat(hookLines(log, id, 2)).as(what).hasSize(2).allSatisfy(line -> assertThat(line)
                            .contains(" skipped: request body could not be read: ")
                            .endsWith("; the request went on without it"));
                }
            }
        }
    }

    @Test
    void aBodyInACodingTheProxyCannotDecodeIsRefusedByAFailClosedHook() throws Exception {
        hooks(true);
        try (TestProxy proxy = proxy(); LogCapture log = new LogCapture("interpose.hooks")) {
            HttpResponse<String> answer = send(proxy, Client.RESPONSES, new byte[] {1, 2, 3, 4},
                    "content-encoding", "br");
            assertThat(answer.statusCode()).isEqualTo(400);
            assertThat(error(Client.RESPONSES, answer)).isEqualTo("request body could not be read: its Content-Encoding"
                    + " br is not one the proxy decodes (fail-closed hook guard.sh)");
            assertThat(hookLines(log, answer.headers().firstValue("x-request-id").orElseThrow(), 2)).hasSize(2);
            assertThat(upstream.getAllServeEvents()).isEmpty();
        }
    }

    @Test
    void aSecondTopLevelModelIsRefusedWithOrWithoutHooks() throws Exception {
        try (TestProxy proxy = proxy()) {
            for (Client client : Client.values()) {
                for (String second : List.of("\"model\":\"other\"", "\"mod\\u0065l\":\"other\"", "\"model\":7")) {
                    byte[] body = concat(client.start + "," + second + "}", new byte[0], "");
                    HttpResponse<String> answer = send(proxy, client, body);
                    assertThat(answer.statusCode()).as(client + " " + second).isEqualTo(400);
                    assertThat(error(client, answer))
                            .isEqualTo("the request body has more than one top-level \"model\" member");
                }
            }
            assertThat(upstream.getAllServeEvents()).isEmpty();
        }
    }

    @Test
    void anyDuplicateMemberIsRefusedWhenHooksReadTheBodyEvenFailOpen() throws Exception {
        hooks(false);
        try (TestProxy proxy = proxy(); LogCapture log = new LogCapture("interpose.hooks")) {
            for (Client client : Client.values()) {
                String list = client == Client.RESPONSES ? "input" : "messages";
                for (String second : List.of("\"" + list + "\":[]", "\"stream\":true,\"stream\":false")) {
                    byte[] body = concat(client.start + "," + second + "}", new byte[0], "");
                    HttpResponse<String> answer = send(proxy, client, body);
                    assertThat(answer.statusCode()).as(client + " " + second).isEqualTo(400);
                    assertThat(error(client, answer)).startsWith("request body could not be read: member \"")
                            .contains("\" appears twice in one object");
                    assertThat(hookLines(log, answer.headers().firstValue("x-request-id").orElseThrow(), 2))
                            .allSatisfy(line -> assertThat(line).endsWith("; the request was refused"));
                }
            }
            assertThat(upstream.getAllServeEvents()).isEmpty();
            // The same member twice deeper down, as in a tool's schema, is just as ambiguous.
            byte[] nested = concat(Client.CHAT.start + ",\"tools\":[{\"a\":1,\"a\":2}]}", new byte[0], "");
            assertThat(send(proxy, Client.CHAT, nested).statusCode()).isEqualTo(400);
            // An ordinary body still goes through the hooks and on.
            byte[] fine = concat(Client.CHAT.start + "}", new byte[0], "");
            assertThat(send(proxy, Client.CHAT, fine).body()).isEqualTo("{\"from\":\"upstream\"}");
            assertThat(upstream.getAllServeEvents()).hasSize(1);
        }
    }

    private static byte[] concat(String before, byte[] middle, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(middle);
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
