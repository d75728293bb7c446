package dev.interpose.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The packaged jar as a process: command line, health, metrics, logs, WebSocket refusal, graceful stop. */
class ProxyProcessIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private WireMockServer upstream;

    @BeforeEach
    void start() {
        upstream = new WireMockServer(options().dynamicPort());
        upstream.start();
    }

    @AfterEach
    void stop() {
        upstream.stop();
    }

    @Test
    void helpVersionAndBadConfigurationExitCodes() throws Exception {
        InterposeProcess.Result help = InterposeProcess.run(Map.of(), "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout()).contains("--port").contains("--upstream=NAME=URL").contains("serve");

        InterposeProcess.Result version = InterposeProcess.run(Map.of(), "--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.stdout()).startsWith("interpose ");

        InterposeProcess.Result bad = InterposeProcess.run(Map.of("INTERPOSE_UPSTREAM_OPENAI", "ftp://nowhere"),
                "--port", "70000", "--upstream", "anthropic=htp://x");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.stderr())
                .contains("listener.port: \"70000\" (expected: a port from 0 to 65535)")
                .contains("upstreams.anthropic.url: \"htp://x\" (expected: an http or https URL with a host and no query)")
                .contains("upstreams.openai.url: \"ftp://nowhere\" (expected: an http or https URL with a host and no query)");
    }

    @Test
    void aConfigFileIsCheckedShownAndServed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path bad = java.nio.file.Files.writeString(dir.resolve("bad.yaml"),
                "listener:\n  port: 70000\nupstreams:\n  openai:\n    url: htp://x\n");
        for (String[] args : new String[][] {{"config", "check", "--config", bad.toString()}, {"--config", bad.toString()}}) {
            InterposeProcess.Result refused = InterposeProcess.run(Map.of(), args);
            assertThat(refused.exitCode()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(refused.stderr())
                    .contains(bad + ":2:9: listener.port: \"70000\" (expected: a port from 0 to 65535)")
                    .contains(bad + ":5:10: upstreams.openai.url: \"htp://x\" (expected: an http or https URL with a host and no query)");
        }

        java.nio.file.Path good = java.nio.file.Files.writeString(dir.resolve("config.yaml"),
                "listener:\n  port: 8123\nupstreams:\n  anthropic:\n    url: " + upstream.baseUrl() + "\n");
        InterposeProcess.Result check = InterposeProcess.run(Map.of(), "config", "check", "--config", good.toString());
        assertThat(check.exitCode()).isZero();
        assertThat(check.stdout()).contains("configuration is valid (" + good + ")");
        InterposeProcess.Result show = InterposeProcess.run(Map.of("INTERPOSE_UPSTREAM_PROXY", "http://me:hunter2@proxy:3128"),
                "config", "show", "--config", good.toString(), "--head-timeout", "90s");
        assertThat(show.exitCode()).isZero();
        assertThat(show.stdout())
                .contains("listener.port = 8123  (" + good + ":2:9)")
                .contains("upstreams.anthropic.url = " + upstream.baseUrl() + "  (" + good + ":5:10)")
                .contains("upstreams.openai.head-timeout = 90s  (flag --head-timeout)")
                .contains("upstreams.chatgpt.url = https://chatgpt.com  (default)")
                .contains("upstream-proxy = http://***@proxy:3128  (env INTERPOSE_UPSTREAM_PROXY)")
                .doesNotContain("hunter2");

        upstream.stubFor(post(urlPathEqualTo("/v1/messages")).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody("{\"from\":\"file-configured upstream\"}")));
        try (InterposeProcess proxy = InterposeProcess.start(Map.of(), "--config", good.toString())) {
            assertThat(proxy.port()).isNotEqualTo(8123); // the --port 0 flag beats the file
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(proxy.uri("/v1/messages"))
                    .header("x-api-key", "k").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.body()).isEqualTo("{\"from\":\"file-configured upstream\"}");
            assertThat(proxy.stop()).isZero();
        }
    }

    @Test
    void editingTheConfigFileAppliesToTheNextRequestAndABadEditIsRejected(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        WireMockServer second = new WireMockServer(options().dynamicPort());
        second.start();
        try {
            upstream.stubFor(post(urlPathEqualTo("/v1/messages")).willReturn(aResponse().withStatus(200).withBody("first")));
            second.stubFor(post(urlPathEqualTo("/v1/messages")).willReturn(aResponse().withStatus(200).withBody("second")));
            java.nio.file.Path file = dir.resolve("config.yaml");
            java.nio.file.Files.writeString(file, "upstreams:\n  anthropic:\n    url: " + upstream.baseUrl() + "\n");
            try (InterposeProcess proxy = InterposeProcess.start(Map.of(), "--config", file.toString())) {
                HttpRequest request = HttpRequest.newBuilder(proxy.uri("/v1/messages")).header("x-api-key", "k")
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
                assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("first");

                java.nio.file.Files.writeString(file, "upstreams:\n  anthropic:\n    url: " + second.baseUrl() + "\n");
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(
                        () -> http.send(request, HttpResponse.BodyHandlers.ofString()).body().equals("second"));
                proxy.awaitLine("configuration reloaded from [" + file + "]");

                java.nio.file.Files.writeString(file, "upstreams:\n  anthropic:\n    url: htp://broken\n");
                String rejected = proxy.awaitLine("configuration change rejected");
                assertThat(rejected).contains(file + ":3:10: upstreams.anthropic.url: \\\"htp://broken\\\"");
                assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("second");
                assertThat(proxy.stop()).isZero();
            }
        } finally {
            second.stop();
        }
    }

    @Test
    void editsInTheExtensionFoldersApplyWithoutARestartEachFileJudgedOnItsOwn(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path project = java.nio.file.Files.createDirectories(dir.resolve("project"));
        java.nio.file.Path home = java.nio.file.Files.createDirectories(dir.resolve("home"));
        try (InterposeProcess proxy = InterposeProcess.start(Map.of("JAVA_TOOL_OPTIONS", "-Duser.home=" + home),
                "--project-dir", project.toString())) {
            proxy.awaitLine("extensions: 0 hooks, 0 commands, 0 agents, 0 plugins, 0 failed");
            assertThat(health(proxy).path("extensions").toString())
                    .isEqualTo("{\"hooks\":0,\"commands\":0,\"agents\":0,\"plugins\":0,\"failed\":0}");

            java.nio.file.Path hook = project.resolve(".interpose/hooks/guard.sh");
            java.nio.file.Files.createDirectories(hook.getParent());
            java.nio.file.Files.writeString(hook, "#!/bin/sh\n# interpose-event: UserPromptSubmit\nexit 0\n");
            hook.toFile().setExecutable(true);
            proxy.awaitLine("extensions reloaded: 1 hook, 0 commands, 0 agents, 0 plugins, 0 failed");

            java.nio.file.Path command = project.resolve(".claude/commands/git/pr.md");
            java.nio.file.Files.createDirectories(command.getParent());
            java.nio.file.Files.writeString(command, "Open a PR for $ARGUMENTS\n");
            proxy.awaitLine("extensions reloaded: 1 hook, 1 command, 0 agents, 0 plugins, 0 failed");

            java.nio.file.Path agent = home.resolve(".claude/agents/reviewer.md");
            java.nio.file.Files.createDirectories(agent.getParent());
            java.nio.file.Files.writeString(agent, "---\nname: reviewer\n---\nReview the diff.\n");
            proxy.awaitLine("extensions reloaded: 1 hook, 1 command, 1 agent, 0 plugins, 0 failed");

            java.nio.file.Files.writeString(project.resolve(".claude/settings.json"), "{\"hooks\": {\"PreToolUse\": "
                    + "[{\"matcher\": \"Bash\", \"hooks\": [{\"type\": \"command\", \"command\": \"true\"}]}]}}");
            proxy.awaitLine("extensions reloaded: 2 hooks, 1 command, 1 agent, 0 plugins, 0 failed");

            java.nio.file.Files.writeString(agent, "---\nname: [oops\n---\nReview the diff.\n");
            proxy.awaitLine("extensions reloaded: 2 hooks, 1 command, 0 agents, 0 plugins, 1 failed");
            assertThat(proxy.awaitLine("agent reviewer failed to load from " + agent))
                    .contains("front matter line 2, key name: not valid YAML").contains("name: \\\"[oops\\\" (expected"); // in the JSON log line
            assertThat(health(proxy).path("extensions").toString())
                    .isEqualTo("{\"hooks\":2,\"commands\":1,\"agents\":0,\"plugins\":0,\"failed\":1}");
            // Only extension files changed: the configuration was not reloaded, its connections kept.
            assertThat(proxy.stdout()).noneMatch(l -> l.contains("configuration reloaded"));
            assertThat(proxy.stop()).isZero();
        }
    }

    private com.fasterxml.jackson.databind.JsonNode health(InterposeProcess proxy) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(http.send(
                HttpRequest.newBuilder(proxy.uri("/health")).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    @Test
    void listShowsWhatWasFoundAndWhatFailed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path project) throws Exception {
        java.nio.file.Files.createDirectories(project.resolve(".claude/commands/git"));
        java.nio.file.Files.writeString(project.resolve(".claude/commands/git/pr.md"), "Open a PR for $ARGUMENTS\n");
        java.nio.file.Files.createDirectories(project.resolve(".interpose/agents"));
        java.nio.file.Files.writeString(project.resolve(".interpose/agents/security.md"), "---\nname: [oops\n---\nbody\n");

        InterposeProcess.Result list = InterposeProcess.run(Map.of(), "list", "--project-dir", project.toString());

        assertThat(list.exitCode()).isEqualTo(1);
        assertThat(list.stdout()).contains("commands:")
                .containsPattern("git:pr +project +command +" + project + "/.claude/commands/git/pr.md")
                .containsPattern("security +project +agent +" + project + "/.interpose/agents/security.md  FAILED: "
                        + "front matter line 2, key name: not valid YAML .*name: \"\\[oops\" \\(expected");
    }

    @Test
    void forwardsServesHealthAndMetricsAndLogsJsonWithoutSecrets() throws Exception {
        upstream.stubFor(post(urlPathEqualTo("/v1/messages")).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "text/event-stream").withBody(FakeUpstream.anthropicText("hello"))));
        try (InterposeProcess proxy = InterposeProcess.start(Map.of("INTERPOSE_UPSTREAM_ANTHROPIC", upstream.baseUrl()))) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(proxy.uri("/v1/messages?beta=true"))
                    .header("x-api-key", "sk-ant-never-logged").header("anthropic-version", "2023-06-01")
                    .header("cookie", "session=never-logged-either")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"claude-opus-5-5\",\"stream\":true}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo(FakeUpstream.anthropicText("hello"));
            String requestId = answer.headers().firstValue("x-request-id").orElseThrow();

            HttpResponse<String> health = http.send(HttpRequest.newBuilder(proxy.uri("/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(JSON.readTree(health.body()).path("status").asText()).isEqualTo("ok");
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(proxy.uri("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body())
                    .contains("interpose_requests_total{outcome=\"ok\",route=\"anthropic.messages\",status=\"200\"} 1.0")
                    .contains("interpose_tokens_total{kind=\"output\",model=\"claude-opus-5-5\"} 10.0")
                    .contains("interpose_upstream_head_seconds_count{upstream=\"anthropic\"} 1")
                    .contains("interpose_active_streams 0.0");
            assertThat(upstream.getAllServeEvents()).hasSize(1); // health and metrics were never forwarded

            assertThat(proxy.stop()).isZero();
            JsonNode line = proxy.stdout().stream().filter(l -> l.contains(requestId)).map(ProxyProcessIT::json)
                    .findFirst().orElseThrow();
            assertThat(line.path("logger_name").asText()).isEqualTo("interpose.access");
            assertThat(line.path("model").asText()).isEqualTo("claude-opus-5-5");
            assertThat(line.path("output_tokens").asInt()).isEqualTo(10);
            assertThat(line.path("head_ms").asDouble()).isPositive();
            assertThat(String.join("\n", proxy.stdout())).doesNotContain("never-logged");
        }
    }

    @Test
    void theLauncherStartsTheJarWithTheBuildsClassDataArchive() throws Exception {
        upstream.stubFor(post(urlPathEqualTo("/v1/messages")).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "text/event-stream").withBody(FakeUpstream.anthropicText("via the launcher"))));
        try (InterposeProcess proxy = InterposeProcess.startWithLauncher(
                Map.of("INTERPOSE_UPSTREAM_ANTHROPIC", upstream.baseUrl()))) {
            // The JVM has the archive mapped: the build made it, the launcher passed it, and this JVM accepted it.
            String maps = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(proxy.pid()), "maps"));
            assertThat(maps).contains("interpose.jsa");
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(proxy.uri("/v1/messages"))
                    .header("x-api-key", "sk-ant-launcher").header("anthropic-version", "2023-06-01")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"claude-opus-5-5\",\"stream\":true}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.body()).isEqualTo(FakeUpstream.anthropicText("via the launcher"));
            assertThat(proxy.stop()).isZero();
            assertThat(String.join("\n", proxy.stdout())).doesNotContain("cds").doesNotContain("CDS");
        }
    }

    @Test
    void textLogFormatIsForHumans() throws Exception {
        try (InterposeProcess proxy = InterposeProcess.start(Map.of(), "--log-format", "text")) {
            HttpResponse<String> missing = http.send(HttpRequest.newBuilder(proxy.uri("/nowhere?key=secret"))
                    .header("authorization", "Bearer never-logged").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(missing.statusCode()).isEqualTo(404);
            String id = missing.headers().firstValue("x-request-id").orElseThrow();
            assertThat(proxy.stop()).isZero();
            assertThat(proxy.stdout()).anyMatch(l -> l.matches(
                    "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  interpose\\.access " + id + " GET /nowhere 404 failed [0-9.]+ms not_found"));
            assertThat(String.join("\n", proxy.stdout())).doesNotContain("never-logged").doesNotContain("key=secret")
                    .doesNotContain("{\"");
        }
    }

    @Test
    void aWebSocketUpgradeIsRefusedAtOnceWith426() throws Exception {
        try (InterposeProcess proxy = InterposeProcess.start(Map.of())) {
            long start = System.nanoTime();
            String answer;
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", proxy.port())) {
                socket.setSoTimeout(5000);
                socket.getOutputStream().write(("GET /v1/responses HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nauthorization: Bearer k\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                byte[] head = new byte[12];
                int n = socket.getInputStream().readNBytes(head, 0, head.length);
                answer = new String(head, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
            }
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(answer).isEqualTo("HTTP/1.1 426");
            // Refused, not forwarded or left to a timeout (the head timeout is 10 min): milliseconds in practice,
            // the bound leaves a loaded two-core machine room.
            assertThat(tookMs).isLessThan(3000);
            assertThat(proxy.stop()).isZero();
        }
    }

    @Test
    void sigtermLetsAStreamInFlightFinishThenExitsZero() throws Exception {
        String sse = FakeUpstream.anthropicText("drained");
        upstream.stubFor(post(urlPathEqualTo("/v1/messages")).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "text/event-stream").withBody(sse).withChunkedDribbleDelay(8, 1500)));
        try (InterposeProcess proxy = InterposeProcess.start(Map.of("INTERPOSE_UPSTREAM_ANTHROPIC", upstream.baseUrl()))) {
            HttpResponse<InputStream> streaming = http.send(HttpRequest.newBuilder(proxy.uri("/v1/messages"))
                    .header("x-api-key", "k").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(streaming.statusCode()).isEqualTo(200);

            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
                try {
                    return proxy.stop(); // SIGTERM while the stream is still coming
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (InputStream body = streaming.body()) {
                assertThat(new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(sse);
            }
            assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
            assertThat(String.join("\n", proxy.stdout())).contains("in-flight exchanges all finished");
        }
    }

    private static JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new IllegalStateException(line, e);
        }
    }
}
