package dev.interpose.proxy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interpose.proxy.Fixtures;
import dev.interpose.proxy.HookFiles;
import dev.interpose.proxy.ScriptedUpstream;
import dev.interpose.proxy.TestProxy;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A drain ({@code stop}, what SIGTERM runs) waits for every request from its arrival, not only for the
 * exchanges: a request still with its hooks or its subagents when the drain begins gets its answer within
 * the drain timeout, and the drain reports that everything finished.
 */
@Timeout(60)
class DrainTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ANSWER = "{\"id\":\"m\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-x\","
            + "\"content\":[{\"type\":\"text\",\"text\":\"findings\"}],\"stop_reason\":\"end_turn\","
            + "\"usage\":{\"input_tokens\":3,\"output_tokens\":2}}";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    @TempDir
    Path project;

    /** An upstream that answers each request with {@link #ANSWER} once {@code release} opens. */
    private static ScriptedUpstream upstream(CountDownLatch received, CountDownLatch release) throws IOException {
        return new ScriptedUpstream((c, i) -> {
            while (c.readRequest() != null) {
                received.countDown();
                release.await(30, TimeUnit.SECONDS);
                byte[] body = ANSWER.getBytes(StandardCharsets.UTF_8);
                c.write("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: " + body.length
                        + "\r\n\r\n");
                c.write(body);
            }
        });
    }

    @Test
    void aRequestWithItsHooksWhenTheDrainBeginsIsAnsweredWithinTheDrainTimeout() throws Exception {
        Path started = project.resolve("hook-started");
        Path release = project.resolve("hook-release");
        HookFiles.script(project, "hold.sh", "#!/usr/bin/env bash", "# interpose-event: UserPromptSubmit",
                "cat > /dev/null", "touch '" + started + "'",
                "for i in $(seq 1 600); do [ -f '" + release + "' ] && exit 0; sleep 0.05; done");
        CountDownLatch open = new CountDownLatch(0);
        try (ScriptedUpstream upstream = upstream(new CountDownLatch(1), open)) {
            TestProxy proxy = TestProxy.withExtensions(Map.of("anthropic", upstream.baseUrl()), project);
            try {
                CompletableFuture<HttpResponse<String>> answer = http.sendAsync(HttpRequest.newBuilder(
                        proxy.uri("/v1/messages")).header("x-api-key", "k").header("user-agent", "claude-cli/2")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(
                                Fixtures.bytes("anthropic-messages-claude-code.json"))).build(),
                        HttpResponse.BodyHandlers.ofString());
                await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(started));

                CompletableFuture<Boolean> drained = drain(proxy);
                Files.createFile(release); // the hook ends only once the drain is under way

                HttpResponse<String> response = answer.get(20, TimeUnit.SECONDS);
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).isEqualTo(ANSWER);
                assertThat(drained.get(20, TimeUnit.SECONDS)).as("drained within the timeout").isTrue();
            } finally {
                proxy.close();
            }
        }
    }

    @Test
    void aRunOfSubagentsWhenTheDrainBeginsIsAnsweredWithinTheDrainTimeout() throws Exception {
        Path file = project.resolve(".interpose/agents/slow.md");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "---\ndescription: a slow agent\n---\nYou are the slow reviewer.\n");
        CountDownLatch received = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (ScriptedUpstream upstream = upstream(received, release)) {
            TestProxy proxy = TestProxy.withExtensions(Map.of("anthropic", upstream.baseUrl()), project);
            try {
                CompletableFuture<HttpResponse<String>> answer = http.sendAsync(HttpRequest.newBuilder(
                        proxy.uri("/interpose/agents/run")).header("x-api-key", "k")
                        .header("anthropic-version", "2023-06-01").POST(HttpRequest.BodyPublishers.ofString(
                                "{\"agents\":[\"slow\"],\"prompt\":\"review\",\"model\":\"claude-x\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(received.await(20, TimeUnit.SECONDS)).as("the agent's call reached the upstream").isTrue();

                CompletableFuture<Boolean> drained = drain(proxy);
                release.countDown();

                HttpResponse<String> response = answer.get(20, TimeUnit.SECONDS);
                assertThat(response.statusCode()).isEqualTo(200);
                JsonNode result = JSON.readTree(response.body()).path("results").get(0);
                assertThat(result.path("status").asText()).isEqualTo("ok");
                assertThat(result.path("answer").asText()).isEqualTo("findings");
                assertThat(drained.get(20, TimeUnit.SECONDS)).as("drained within the timeout").isTrue();
            } finally {
                proxy.close();
            }
        }
    }

    /** Starts the drain (as SIGTERM does) and returns once the proxy no longer accepts connections. */
    private static CompletableFuture<Boolean> drain(TestProxy proxy) {
        CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> {
            try {
                return proxy.server().stop(Duration.ofSeconds(15));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> !accepts(proxy.port()));
        return drained;
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
