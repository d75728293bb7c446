package dev.interpose.proxy.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.interpose.proxy.TestProxy;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Subagents through the proxy: the HTTP API, commands with agents:, /agents, the cap, isolation, cancel. */
// A separate thread: a blocking java.net.Socket read ignores the interrupt of a same-thread timeout.
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AgentsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AllAsked allAsked = new AllAsked();
    @RegisterExtension
    final WireMockExtension upstream = WireMockExtension.newInstance()
            .options(options().dynamicPort().containerThreads(64).extensions(allAsked)).build();

    /**
     * Once armed for n agents' calls, holds each until all n have arrived (at most 10 s), so that none is
     * answered before the last is asked; counts those that met the others there.
     */
    private static final class AllAsked implements ResponseDefinitionTransformerV2 {
        private volatile CountDownLatch arrivals;
        final AtomicInteger met = new AtomicInteger();

        void arm(int calls) {
            arrivals = new CountDownLatch(calls);
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            CountDownLatch latch = arrivals;
            if (latch != null && event.getRequest().getBodyAsString().contains("You are the a")) {
                latch.countDown();
                try {
                    if (latch.await(10, TimeUnit.SECONDS)) {
                        met.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return event.getResponseDefinition();
        }

        @Override
        public String getName() {
            return "all-asked";
        }
    }
    @TempDir
    Path project;

    @BeforeEach
    void start() throws Exception {
        // The main request (no agent's system prompt in it) gets a plain answer.
        upstream.stubFor(post(urlPathEqualTo("/v1/messages")).atPriority(10).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody(message("main answer"))));
    }

    private static String message(String text) throws Exception {
        return "{\"id\":\"m\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-x\",\"content\":[{\"type\":"
                + "\"text\",\"text\":" + JSON.writeValueAsString(text) + "}],\"stop_reason\":\"end_turn\","
                + "\"usage\":{\"input_tokens\":3,\"output_tokens\":2}}";
    }

    /** An agent file whose system prompt is recognisable, and the upstream's answer to it after {@code delayMs}. */
    private void agent(String name, int delayMs, int status) throws Exception {
        Path file = project.resolve(".interpose/agents").resolve(name + ".md");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "---\ndescription: agent " + name + "\n---\nYou are the " + name + " reviewer.\n");
        upstream.stubFor(post(urlPathEqualTo("/v1/messages")).atPriority(1)
                .withRequestBody(containing("You are the " + name + " reviewer."))
                .willReturn(aResponse().withStatus(status).withFixedDelay(delayMs)
                        .withHeader("content-type", "application/json")
                        .withBody(status == 200 ? message("findings of " + name) : "{\"type\":\"error\"}")));
    }

    private TestProxy proxy(String... configLines) throws Exception {
        List<Path> files = new ArrayList<>();
        if (configLines.length > 0) {
            files.add(Files.writeString(project.resolve("interpose.yaml"), String.join("\n", configLines) + "\n"));
        }
        return TestProxy.withExtensions(Map.of("anthropic", upstream.baseUrl()), project, files);
    }

    private HttpResponse<String> api(TestProxy proxy, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(proxy.uri("/interpose/agents/run")).header("x-api-key", "sk-agent")
                .header("anthropic-version", "2023-06-01").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void eightAgentsRunTogetherAllAskedBeforeAnyAnswers() throws Exception {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= 8; i++) {
            agent("a" + i, 2000, 200);
            names.add("\"a" + i + "\"");
        }
        try (TestProxy proxy = proxy()) {
            api(proxy, "{\"agents\":[\"a1\"],\"prompt\":\"warm up\",\"model\":\"claude-x\"}");
            upstream.resetRequests();
            allAsked.arm(8);
            HttpResponse<String> response = api(proxy, "{\"agents\":[" + String.join(",", names)
                    + "],\"prompt\":\"review the diff\",\"model\":\"claude-x\"}");

            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode results = JSON.readTree(response.body()).path("results");
            assertThat(results).hasSize(8);
            for (int i = 0; i < 8; i++) {
                assertThat(results.get(i).path("agent").asText()).isEqualTo("a" + (i + 1));
                assertThat(results.get(i).path("status").asText()).isEqualTo("ok");
                assertThat(results.get(i).path("answer").asText()).isEqualTo("findings of a" + (i + 1));
                assertThat(results.get(i).path("usage").path("output_tokens").asInt()).isEqualTo(2);
                assertThat(results.get(i).path("duration_ms").asLong()).isGreaterThanOrEqualTo(2000);
            }
            // In parallel, not one after another: the upstream held each call until all eight had arrived, which
            // calls made one after another (or fewer at a time) never do, however fast or slow the machine.
            assertThat(upstream.getAllServeEvents()).hasSize(8);
            assertThat(allAsked.met).as("calls answered only once all eight were asked").hasValue(8);
            assertThat(proxy.registry().get("interpose.agent.duration").tag("agent", "a1").tag("status", "ok").timer()
                    .count()).as("the warm-up and this run, on one timer").isEqualTo(2);
            assertThat(proxy.registry().get("interpose.agent.duration").tag("agent", "a8").tag("status", "ok").timer()
                    .totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(2000);
            ServeEvent agentCall = upstream.getAllServeEvents().get(0);
            assertThat(agentCall.getRequest().getHeader("x-api-key")).isEqualTo("sk-agent");
            assertThat(agentCall.getRequest().containsHeader("x-interpose-agent")).isFalse();
            JsonNode sent = JSON.readTree(agentCall.getRequest().getBodyAsString());
            assertThat(sent.path("system").asText()).startsWith("You are the a");
            assertThat(sent.path("messages").get(0).path("content").asText()).isEqualTo("review the diff");
            assertThat(sent.path("model").asText()).isEqualTo("claude-x");
        }
    }

    @Test
    void theConcurrencyCapIsHonouredTheRestWaitInTheQueue() throws Exception {
        for (int i = 1; i <= 4; i++) {
            agent("c" + i, 400, 200);
        }
        try (TestProxy proxy = proxy("agents:", "  max-concurrent: 2")) {
            long start = System.nanoTime();
            HttpResponse<String> response = api(proxy, "{\"agents\":[\"c1\",\"c2\",\"c3\",\"c4\"],\"prompt\":\"x\"}");
            long wallMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(JSON.readTree(response.body()).path("results")).extracting(r -> r.path("status").asText())
                    .containsOnly("ok");
            assertThat(wallMs).as("two rounds of two").isGreaterThanOrEqualTo(800);
            List<long[]> spans = new ArrayList<>();
            for (ServeEvent e : upstream.getAllServeEvents()) {
                long begin = e.getRequest().getLoggedDate().getTime();
                spans.add(new long[] {begin, begin + 400});
            }
            spans.sort(Comparator.comparingLong(s -> s[0]));
            for (long[] span : spans) {
                long overlapping = spans.stream().filter(o -> o[0] <= span[0] && o[1] > span[0] + 50).count();
                assertThat(overlapping).as("calls in flight at once").isLessThanOrEqualTo(2);
            }
        }
    }

    @Test
    void aFailedOrTimedOutAgentLeavesANoteAndTheOthersCountInTheirOrder() throws Exception {
        agent("slow", 300, 200);
        agent("fast", 10, 200);
        agent("broken", 10, 500);
        agent("stuck", 5000, 200);
        try (TestProxy proxy = proxy("agents:", "  timeout: 1s", "upstreams:", "  anthropic:", "    retry:",
                "      max-attempts: 1")) { // the 500 is the agent's answer, not sent again
            JsonNode results = JSON.readTree(api(proxy,
                    "{\"agents\":[\"slow\",\"fast\",\"broken\",\"stuck\",\"ghost\"],\"prompt\":\"x\"}").body())
                    .path("results");
            assertThat(results).extracting(r -> r.path("agent").asText() + " " + r.path("status").asText())
                    .containsExactly("slow ok", "fast ok", "broken error", "stuck timeout", "ghost unknown");
            assertThat(results.get(2).path("answer").asText()).startsWith("upstream answered 500");
            assertThat(results.get(3).path("answer").asText()).isEqualTo("timed out after 1000 ms");
            assertThat(results.get(4).path("answer").asText()).contains("no agent named ghost");
        }
    }

    @Test
    void aCommandWithAgentsSendsTheMainRequestWithEveryAnswerInOrder() throws Exception {
        agent("security", 200, 200);
        agent("style", 10, 200);
        Path command = project.resolve(".interpose/commands/review-all.md");
        Files.createDirectories(command.getParent());
        Files.writeString(command, "---\nagents: [security, style]\n---\nReview $ARGUMENTS.\n");
        try (TestProxy proxy = proxy()) {
            String body = "{\"model\":\"claude-x\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":"
                    + "\"/review-all src/\"}]}";
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(proxy.uri("/v1/messages"))
                    .header("x-api-key", "sk-main").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.body()).contains("main answer");

            ServeEvent main = upstream.getAllServeEvents().get(0);
            JsonNode content = JSON.readTree(main.getRequest().getBodyAsString()).path("messages").get(0).path("content");
            assertThat(content).extracting(c -> c.path("text").asText()).containsExactly("Review src/.\n",
                    "<agent name=\"security\" status=\"ok\">\nfindings of security\n</agent>",
                    "<agent name=\"style\" status=\"ok\">\nfindings of style\n</agent>");
            assertThat(upstream.getAllServeEvents()).hasSize(3);
            assertThat(upstream.getAllServeEvents()).allSatisfy(e ->
                    assertThat(e.getRequest().getHeader("x-api-key")).isEqualTo("sk-main"));
            // each agent call has its own access-log line; the agents log names the parent request
            assertThat(proxy.accessLog(3)).extracting(l -> l.get("outcome")).containsOnly("ok");
        }
    }

    @Test
    void theBuiltInAgentsCommandRunsTheNamedAgentsOnTheTask() throws Exception {
        agent("security", 10, 200);
        try (TestProxy proxy = proxy()) {
            String body = "{\"model\":\"claude-x\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":"
                    + "\"/agents security -- check the login flow\"}]}";
            http.send(HttpRequest.newBuilder(proxy.uri("/v1/messages")).header("x-api-key", "k")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode content = JSON.readTree(upstream.getAllServeEvents().get(0).getRequest().getBodyAsString())
                    .path("messages").get(0).path("content");
            assertThat(content.get(0).path("text").asText()).isEqualTo("check the login flow");
            assertThat(content.get(1).path("text").asText()).contains("findings of security");

            String usage = "{\"model\":\"claude-x\",\"stream\":false,\"max_tokens\":10,\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"/agents\"}]}";
            JsonNode reply = JSON.readTree(http.send(HttpRequest.newBuilder(proxy.uri("/v1/messages"))
                    .header("x-api-key", "k").POST(HttpRequest.BodyPublishers.ofString(usage)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(reply.path("content").get(0).path("text").asText())
                    .isEqualTo("Usage: /agents name1,name2 -- the task for them. Agents available: security.");
        }
    }

    @Test
    void theClientGoingAwayCancelsTheAgentCallsUpToTheUpstream() throws Exception {
        AtomicLong upstreamClosed = new AtomicLong();
        AtomicLong upstreamAccepted = new AtomicLong();
        try (ServerSocket silent = new ServerSocket(0)) {
            Thread acceptor = new Thread(() -> {
                try (Socket s = silent.accept(); InputStream in = s.getInputStream()) {
                    upstreamAccepted.set(System.nanoTime());
                    byte[] buffer = new byte[8192];
                    while (in.read(buffer) >= 0) {
                        // read the request and wait: the answer never comes
                    }
                    upstreamClosed.set(System.nanoTime());
                } catch (java.io.IOException e) {
                    upstreamClosed.set(System.nanoTime());
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            Path file = project.resolve(".interpose/agents/waiter.md");
            Files.createDirectories(file.getParent());
            Files.writeString(file, "You wait.\n");
            try (TestProxy proxy = TestProxy.withExtensions(Map.of("anthropic", "http://127.0.0.1:"
                    + silent.getLocalPort()), project)) {
                String body = "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":"
                        + "\"/agents waiter -- wait\"}]}";
                try (Socket client = new Socket("127.0.0.1", proxy.uri("/").getPort())) {
                    OutputStream out = client.getOutputStream();
                    out.write(("POST /v1/messages HTTP/1.1\r\nhost: localhost\r\nx-api-key: k\r\ncontent-type: application/json\r\n"
                            + "content-length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    await().atMost(Duration.ofSeconds(10)).until(() -> upstreamAccepted.get() != 0);
                    assertThat(upstreamClosed.get()).isZero();
                }
                long closedAt = System.nanoTime();
                await().atMost(Duration.ofSeconds(10)).until(() -> upstreamClosed.get() != 0);
                // Nothing but the cancel closes it this soon: the agents' timeout is 120 s, the head timeout 10 min.
                assertThat((upstreamClosed.get() - closedAt) / 1_000_000).as("ms until the upstream saw the cancel")
                        .isLessThan(10_000);
            }
        }
    }
}
