package dev.interpose.proxy.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.sun.net.httpserver.HttpServer;
import dev.interpose.proxy.Fixtures;
import dev.interpose.proxy.LogCapture;
import dev.interpose.proxy.TestProxy;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A settings file's {@code "type": "http"} hook against a real HTTP server (the JDK's), through the proxy to a
 * WireMock upstream: what it is sent, and how each of its answers decides.
 */
@Timeout(60)
class HttpHooksTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CODEX_BODY = new String(Fixtures.bytes("openai-responses-codex.json"),
            StandardCharsets.UTF_8);
    /** A variable every test run has, standing in for a token: its value must reach the hook and no log. */
    private static final String SECRET = System.getenv("HOME");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    @RegisterExtension
    final WireMockExtension upstream = WireMockExtension.newInstance().options(options().dynamicPort()).build();
    @TempDir
    Path project;
    private HttpServer hook;
    private final BlockingQueue<Map<String, Object>> posted = new LinkedBlockingQueue<>();
    private final AtomicReference<String[]> answer = new AtomicReference<>(new String[] {"200", ""});

    @BeforeEach
    void start() throws Exception {
        upstream.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody("{\"from\":\"upstream\"}")));
        hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            posted.add(Map.of("method", exchange.getRequestMethod(),
                    "type", String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")),
                    "authorization", String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")),
                    "other", String.valueOf(exchange.getRequestHeaders().getFirst("X-Other")),
                    "body", new String(body, StandardCharsets.UTF_8)));
            String[] reply = answer.get();
            byte[] out = reply[1].getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(Integer.parseInt(reply[0]), out.length == 0 ? -1 : out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        hook.start();
        Files.createDirectories(project.resolve(".claude"));
        Files.writeString(project.resolve(".claude/settings.json"), "{\"hooks\":{\"UserPromptSubmit\":[{\"hooks\":[{"
                + "\"type\":\"http\",\"url\":\"http://127.0.0.1:" + hook.getAddress().getPort() + "/hook?key=q\","
                + "\"headers\":{\"Authorization\":\"Bearer $HOME\",\"X-Other\":\"${PATH}-$USER_NOT_LISTED-x\"},"
                + "\"allowedEnvVars\":[\"HOME\"],\"timeout\":5}]}]}}");
    }

    @AfterEach
    void stop() {
        hook.stop(0);
    }

    private TestProxy proxy() throws Exception {
        return TestProxy.withExtensions(Map.of("anthropic", upstream.baseUrl(), "openai", upstream.baseUrl()), project);
    }

    private HttpResponse<String> send(TestProxy proxy) throws Exception {
        return http.send(HttpRequest.newBuilder(proxy.uri("/v1/responses")).header("authorization", "Bearer k")
                .POST(HttpRequest.BodyPublishers.ofString(CODEX_BODY.replace("\"stream\":true", "\"stream\":false")))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private String sentUpstream() {
        return upstream.getAllServeEvents().get(0).getRequest().getBodyAsString(); // newest first
    }

    @Test
    void theHookIsPostedTheInputWithItsHeadersAndItsJsonAnswerDecides() throws Exception {
        answer.set(new String[] {"200", "{\"hookSpecificOutput\":{\"hookEventName\":\"UserPromptSubmit\","
                + "\"additionalContext\":\"Context from the http hook.\"}}"});
        try (TestProxy proxy = proxy(); LogCapture logs = new LogCapture("dev.interpose", Level.DEBUG);
                LogCapture hooks = new LogCapture("interpose", Level.DEBUG)) {
            assertThat(send(proxy).body()).isEqualTo("{\"from\":\"upstream\"}");
            Map<String, Object> request = posted.poll(5, TimeUnit.SECONDS);
            assertThat(request).containsEntry("method", "POST").containsEntry("type", "application/json")
                    .containsEntry("authorization", "Bearer " + SECRET).containsEntry("other", "--x");
            JsonNode input = JSON.readTree((String) request.get("body"));
            assertThat(input.path("hook_event_name").asText()).isEqualTo("UserPromptSubmit");
            assertThat(input.path("prompt").asText()).isEqualTo("say hi");
            assertThat(sentUpstream()).contains("UserPromptSubmit hook additional context: Context from the http hook.");

            answer.set(new String[] {"200", "{\"decision\":\"block\",\"reason\":\"no greetings here\"}"});
            assertThat(JSON.readTree(send(proxy).body()).toString())
                    .contains("Interpose blocked this request: hook settings:UserPromptSubmit[]#1 said: no greetings here");
            assertThat(upstream.getAllServeEvents()).hasSize(1);

            answer.set(new String[] {"200", "Plain text is context, as a command's stdout is."});
            send(proxy);
            assertThat(sentUpstream()).contains("Plain text is context, as a command's stdout is.");
            assertThat(logs.lines().toString() + hooks.lines()).doesNotContain("Bearer " + SECRET)
                    .doesNotContain("key=q").contains("hook settings:UserPromptSubmit[]#1 UserPromptSubmit"); // it was logged
        }
    }

    @Test
    void aFailingStatusOrAnUnreachableHookIsANonBlockingError() throws Exception {
        answer.set(new String[] {"503", "{\"decision\":\"block\",\"reason\":\"not read: the status failed\"}"});
        try (TestProxy proxy = proxy(); LogCapture hooks = new LogCapture("interpose.hooks")) {
            assertThat(send(proxy).body()).isEqualTo("{\"from\":\"upstream\"}");
            assertThat(sentUpstream()).doesNotContain("not read");

            hook.stop(0); // nothing listens there any more
            assertThat(send(proxy).body()).isEqualTo("{\"from\":\"upstream\"}");
            assertThat(upstream.getAllServeEvents()).hasSize(2);
            assertThat(hooks.lines()).extracting(l -> String.valueOf(l.get("detail")))
                    .anySatisfy(d -> assertThat(d).contains("answered HTTP 503"))
                    .anySatisfy(d -> assertThat(d).contains("could not be reached"))
                    .allSatisfy(d -> assertThat(d).doesNotContain("key=q").doesNotContain("Bearer"));
        }
    }
}
