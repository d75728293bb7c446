package dev.interpose.proxy.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.interpose.proxy.Fixtures;
import dev.interpose.proxy.ManualTime;
import dev.interpose.proxy.ScriptedUpstream;
import dev.interpose.proxy.TestProxy;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The response cache through the proxy: what is stored, what is replayed, and what never is. */
@Timeout(60)
class CacheTest {
    private static final byte[] SSE = Fixtures.bytes("sample-anthropic-sse.txt");
    private static final byte[] RESPONSES_SSE = Fixtures.bytes("sample-responses-sse.txt");
    private static final String BODY = "{\"model\":\"claude-x\",\"max_tokens\":64,\"stream\":true,"
            + "\"system\":[{\"type\":\"text\",\"text\":\"x-anthropic-billing-header: cc_version=1; cch=aaaa;\"},"
            + "{\"type\":\"text\",\"text\":\"You are terse.\"}],"
            + "\"metadata\":{\"user_id\":\"{\\\"session_id\\\":\\\"one\\\"}\"},"
            + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"say hi\"}]}]}";
    /** The same request as the CLI sends it next time: keys in another order, a new billing hash and session. */
    private static final String SAME_BODY_AGAIN = "{\"messages\":[{\"content\":[{\"text\":\"say hi\",\"type\":\"text\"}],"
            + "\"role\":\"user\"}],\"stream\":true,\"metadata\":{\"user_id\":\"{\\\"session_id\\\":\\\"two\\\"}\"},"
            + "\"system\":[{\"type\":\"text\",\"text\":\"x-anthropic-billing-header: cc_version=1; cch=bbbb;\"},"
            + "{\"text\":\"You are terse.\",\"type\":\"text\"}],\"max_tokens\":64,\"model\":\"claude-x\"}";

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    @RegisterExtension
    final WireMockExtension upstream = WireMockExtension.newInstance()
            .options(options().dynamicPort().containerThreads(80)).build();

    private TestProxy proxy(String yaml, String baseUrl) throws Exception {
        Path file = dir.resolve("interpose.yaml");
        Files.writeString(file, yaml);
        return TestProxy.start(Map.of("anthropic", baseUrl, "openai", baseUrl), List.of(file));
    }

    private TestProxy cachingProxy() throws Exception {
        return proxy("upstreams:\n  anthropic:\n    cache: true\n  openai:\n    cache: true\n", upstream.baseUrl());
    }

    private void streams(String path, byte[] sse) {
        upstream.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "text/event-stream").withHeader("x-request-id", "req_up_1").withBody(sse)));
    }

    private HttpResponse<byte[]> send(TestProxy proxy, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(proxy.uri(path)).header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        boolean key = false;
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
            key |= headers[i].equals("x-api-key");
        }
        if (!key) {
            request.header("x-api-key", "sk-one");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private double requests(TestProxy proxy, String result) {
        return proxy.registry().get("interpose.cache.requests").tag("result", result).counter().count();
    }

    @Test
    void aRepeatedStreamIsReplayedByteForByteEvenWithKeysReorderedAndANewBillingLine() throws Exception {
        streams("/v1/messages", SSE);
        try (TestProxy proxy = cachingProxy()) {
            HttpResponse<byte[]> first = send(proxy, "/v1/messages?beta=true", BODY);
            HttpResponse<byte[]> second = send(proxy, "/v1/messages?beta=true", SAME_BODY_AGAIN);

            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.headers().firstValue("x-interpose-cache")).hasValue("miss");
            assertThat(second.headers().firstValue("x-interpose-cache")).hasValue("hit");
            assertThat(second.headers().firstValue("content-type")).hasValue("text/event-stream");
            assertThat(second.headers().firstValue("age")).isPresent();
            assertThat(second.headers().firstValue("x-upstream-request-id")).hasValue("req_up_1");
            assertThat(second.headers().firstValue("x-request-id")).isNotEqualTo(first.headers().firstValue("x-request-id"));
            assertThat(second.body()).isEqualTo(first.body()).isEqualTo(SSE);
            upstream.verify(1, postRequestedFor(urlPathEqualTo("/v1/messages")));
            assertThat(upstream.getAllServeEvents().get(0).getRequest().containsHeader("x-interpose-cache")).isFalse();
            assertThat(requests(proxy, "miss")).isEqualTo(1);
            assertThat(requests(proxy, "hit")).isEqualTo(1);
            List<Map<String, Object>> log = proxy.accessLog(2);
            assertThat(log).extracting(line -> line.get("cache")).containsExactly("miss", "hit");
            assertThat(log.get(1).get("output_tokens")).as("a replay reports the usage it carries")
                    .isEqualTo(log.get(0).get("output_tokens"));
        }
    }

    @Test
    void aResponsesApiStreamAndAJsonAnswerAreReplayedAsTheyCame() throws Exception {
        streams("/v1/responses", RESPONSES_SSE);
        String json = "{\"id\":\"msg_1\",\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],"
                + "\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}";
        upstream.stubFor(post(urlPathEqualTo("/v1/messages")).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody(json)));
        try (TestProxy proxy = cachingProxy()) {
            String codex = "{\"model\":\"gpt-5\",\"stream\":true,\"prompt_cache_key\":\"a\",\"input\":[{\"type\":"
                    + "\"message\",\"id\":\"msg_01\",\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":"
                    + "\"hi\"}]}]}";
            String codexAgain = codex.replace("\"a\"", "\"b\"").replace("msg_01", "msg_02");
            HttpResponse<byte[]> first = send(proxy, "/v1/responses", codex, "authorization", "Bearer k");
            HttpResponse<byte[]> second = send(proxy, "/v1/responses", codexAgain, "authorization", "Bearer k");
            assertThat(second.headers().firstValue("x-interpose-cache")).hasValue("hit");
            assertThat(second.body()).isEqualTo(first.body()).isEqualTo(RESPONSES_SSE);

            String plain = BODY.replace("\"stream\":true,", "");
            HttpResponse<byte[]> one = send(proxy, "/v1/messages", plain);
            HttpResponse<byte[]> two = send(proxy, "/v1/messages", plain);
            assertThat(one.headers().firstValue("x-interpose-cache")).hasValue("miss");
            assertThat(two.headers().firstValue("x-interpose-cache")).hasValue("hit");
            assertThat(two.headers().firstValue("content-length")).isEqualTo(one.headers().firstValue("content-length"));
            assertThat(new String(two.body(), StandardCharsets.UTF_8)).isEqualTo(json);
            upstream.verify(1, postRequestedFor(urlPathEqualTo("/v1/responses")));
            upstream.verify(1, postRequestedFor(urlPathEqualTo("/v1/messages")));
        }
    }

    @Test
    void twoCredentialsNeverShareAnEntry() throws Exception {
        streams("/v1/messages", SSE);
        try (TestProxy proxy = cachingProxy()) {
            assertThat(send(proxy, "/v1/messages", BODY, "x-api-key", "sk-alice").headers()
                    .firstValue("x-interpose-cache")).hasValue("miss");
            assertThat(send(proxy, "/v1/messages", BODY, "x-api-key", "sk-bob").headers()
                    .firstValue("x-interpose-cache")).hasValue("miss");
            assertThat(send(proxy, "/v1/messages", BODY, "x-api-key", "sk-alice").headers()
                    .firstValue("x-interpose-cache")).hasValue("hit");
            assertThat(send(proxy, "/v1/messages", BODY, "x-api-key", "sk-bob", "authorization", "Bearer other")
                    .headers().firstValue("x-interpose-cache")).as("a second credential header is part of it too")
                    .hasValue("miss");
            upstream.verify(3, postRequestedFor(urlPathEqualTo("/v1/messages")));
        }
    }

    @Test
    void anAccountOrAnUnlistedCredentialHeaderNeverSharesAnEntryButAnUnrelatedHeaderDoes() throws Exception {
        streams("/v1/responses", RESPONSES_SSE);
        streams("/v1/messages", SSE);
        String codex = "{\"model\":\"gpt-5\",\"stream\":true,\"input\":[{\"type\":\"message\",\"role\":\"user\","
                + "\"content\":[{\"type\":\"input_text\",\"text\":\"hi\"}]}]}";
        try (TestProxy proxy = cachingProxy()) {
            assertThat(send(proxy, "/v1/responses", codex, "authorization", "Bearer shared", "chatgpt-account-id",
                    "acct-alice").headers().firstValue("x-interpose-cache")).hasValue("miss");
            HttpResponse<byte[]> bob = send(proxy, "/v1/responses", codex, "authorization", "Bearer shared",
                    "chatgpt-account-id", "acct-bob");
            assertThat(bob.headers().firstValue("x-interpose-cache")).as("one bearer, another ChatGPT account")
                    .hasValue("miss");
            upstream.verify(2, postRequestedFor(urlPathEqualTo("/v1/responses")));

            assertThat(send(proxy, "/v1/messages", BODY, "x-goog-api-key", "AIza-alice").headers()
                    .firstValue("x-interpose-cache")).hasValue("miss");
            assertThat(send(proxy, "/v1/messages", BODY, "x-goog-api-key", "AIza-bob").headers()
                    .firstValue("x-interpose-cache")).as("a credential header the key builder does not list")
                    .hasValue("miss");
            upstream.verify(2, postRequestedFor(urlPathEqualTo("/v1/messages")));

            assertThat(send(proxy, "/v1/messages", BODY, "x-request-id", "one").headers()
                    .firstValue("x-interpose-cache")).hasValue("miss");
            assertThat(send(proxy, "/v1/messages", BODY, "x-request-id", "two").headers()
                    .firstValue("x-interpose-cache")).as("a header that identifies no one").hasValue("hit");
            upstream.verify(3, postRequestedFor(urlPathEqualTo("/v1/messages")));
        }
    }

    @Test
    void hostileBodiesAreForwardedOrRefusedInTheClientsDialectAndNeverBreakTheCache() throws Exception {
        String answer = "{\"type\":\"message\",\"content\":[],\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}";
        AtomicInteger calls = new AtomicInteger();
        try (ScriptedUpstream scripted = new ScriptedUpstream((c, i) -> {
            while (c.readRequest() != null) {
                calls.incrementAndGet();
                c.write("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: " + answer.length()
                        + "\r\n\r\n" + answer);
            }
        }); TestProxy proxy = proxy("upstreams:\n  anthropic:\n    cache: true\n", scripted.baseUrl())) {
            java.util.Random random = new java.util.Random(13);
            int tries = Integer.getInteger("fuzz.tries", 300); // the long profile raises it
            int refused = 0;
            for (int i = 0; i < tries; i++) {
                byte[] body = hostileBody(random);
                HttpRequest.Builder request = HttpRequest.newBuilder(proxy.uri("/v1/messages")).header("x-api-key", "k")
                        .header("anthropic-version", "2023-06-01").header("content-type", "application/json");
                if (random.nextInt(4) == 0) {
                    request.header("content-encoding", "gzip"); // declared, and half the time not gzip at all
                    body = random.nextBoolean() ? gzip(body) : body;
                }
                HttpResponse<String> response = http.send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    assertThat(response.body()).isEqualTo(answer);
                } else {
                    refused++;
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
                    assertThat(response.body()).startsWith("{\"type\":\"error\"");
                }
            }
            assertThat(calls.get() + requests(proxy, "hit") + refused).as("each request answered once")
                    .isEqualTo(tries);
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(proxy.uri("/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"active_exchanges\":0");
        }
    }

    /** Random bytes, JSON nested far too deep, absurd numbers, a valid body with one byte changed, or a repeat. */
    private static byte[] hostileBody(java.util.Random random) {
        switch (random.nextInt(5)) {
            case 0: {
                byte[] bytes = new byte[random.nextInt(2048)];
                random.nextBytes(bytes);
                return bytes;
            }
            case 1: {
                int depth = 1 + random.nextInt(50_000);
                return ("{\"model\":\"m\",\"messages\":" + "[".repeat(depth) + "]".repeat(random.nextBoolean() ? depth : 0)
                        + "}").getBytes(StandardCharsets.UTF_8);
            }
            case 2:
                return ("{\"model\":\"m\",\"max_tokens\":" + "9".repeat(1 + random.nextInt(20_000))
                        + (random.nextBoolean() ? "e999999999" : ".5") + "}").getBytes(StandardCharsets.UTF_8);
            case 3: {
                byte[] bytes = BODY.getBytes(StandardCharsets.UTF_8);
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                return bytes;
            }
            default:
                return BODY.replace("say hi", "say " + random.nextInt(3)).getBytes(StandardCharsets.UTF_8);
        }
    }

    private static byte[] gzip(byte[] bytes) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    @Test
    void theHeadersThatChangeAnAnswerArePartOfTheKey() throws Exception {
        streams("/v1/messages", SSE);
        try (TestProxy proxy = cachingProxy()) {
            send(proxy, "/v1/messages", BODY);
            assertThat(send(proxy, "/v1/messages", BODY, "anthropic-beta", "context-1m").headers()
                    .firstValue("x-interpose-cache")).hasValue("miss");
            assertThat(send(proxy, "/v1/messages", BODY.replace("say hi", "say ho")).headers()
                    .firstValue("x-interpose-cache")).hasValue("miss");
            assertThat(send(proxy, "/v1/messages?beta=true", BODY).headers().firstValue("x-interpose-cache"))
                    .as("the query").hasValue("miss");
            assertThat(send(proxy, "/v1/messages", BODY, "x-stainless-retry-count", "3").headers()
                    .firstValue("x-interpose-cache")).as("a header that does not change the answer").hasValue("hit");
            upstream.verify(4, postRequestedFor(urlPathEqualTo("/v1/messages")));
        }
    }

    @Test
    void fiftyIdenticalConcurrentRequestsMakeOneUpstreamCall() throws Exception {
        upstream.stubFor(post(urlPathEqualTo("/v1/messages")).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "text/event-stream").withBody(SSE).withFixedDelay(500)));
        try (TestProxy proxy = cachingProxy()) {
            List<CompletableFuture<HttpResponse<byte[]>>> all = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                all.add(http.sendAsync(HttpRequest.newBuilder(proxy.uri("/v1/messages")).header("x-api-key", "sk-one")
                        .header("anthropic-version", "2023-06-01").POST(HttpRequest.BodyPublishers.ofString(BODY))
                        .build(), HttpResponse.BodyHandlers.ofByteArray()));
            }
            int hits = 0;
            for (CompletableFuture<HttpResponse<byte[]>> f : all) {
                HttpResponse<byte[]> response = f.get();
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).isEqualTo(SSE);
                hits += response.headers().firstValue("x-interpose-cache").orElseThrow().equals("hit") ? 1 : 0;
            }
            upstream.verify(1, postRequestedFor(urlPathEqualTo("/v1/messages")));
            assertThat(hits).isEqualTo(49);
            assertThat(requests(proxy, "miss")).isEqualTo(1);
            assertThat(requests(proxy, "collapsed") + requests(proxy, "hit")).isEqualTo(49);
        }
    }

    @Test
    void aStreamCutShortOrEndingWithoutItsFinalEventIsNeverStored() throws Exception {
        String full = new String(SSE, StandardCharsets.UTF_8);
        String withoutStop = full.substring(0, full.indexOf("event: message_stop"));
        AtomicInteger served = new AtomicInteger();
        try (ScriptedUpstream scripted = new ScriptedUpstream((c, index) -> {
            while (c.readRequest() != null) {
                int n = served.getAndIncrement();
                c.write("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n");
                if (n == 0) {
                    c.chunk(withoutStop.substring(0, 200).getBytes(StandardCharsets.UTF_8));
                    c.close(); // cut mid-stream
                    return;
                }
                c.chunk(withoutStop.getBytes(StandardCharsets.UTF_8));
                if (n == 1) {
                    c.write("0\r\n\r\n"); // a clean end of the body, but no message_stop
                } else {
                    c.chunk(full.substring(withoutStop.length()).getBytes(StandardCharsets.UTF_8));
                    c.write("0\r\n\r\n");
                }
            }
        }); TestProxy proxy = proxy("upstreams:\n  anthropic:\n    cache: true\n", scripted.baseUrl())) {
            assertThat(sendExpectingCut(proxy)).isTrue();
            assertThat(send(proxy, "/v1/messages", BODY).headers().firstValue("x-interpose-cache")).hasValue("miss");
            HttpResponse<byte[]> third = send(proxy, "/v1/messages", BODY);
            assertThat(third.headers().firstValue("x-interpose-cache")).hasValue("miss");
            assertThat(third.body()).isEqualTo(SSE);
            HttpResponse<byte[]> fourth = send(proxy, "/v1/messages", BODY);
            assertThat(fourth.headers().firstValue("x-interpose-cache")).hasValue("hit");
            assertThat(fourth.body()).isEqualTo(SSE);
            assertThat(served.get()).isEqualTo(3);
        }
    }

    /** True when the proxy cut the client's response short, as it must when the upstream's stream broke. */
    private boolean sendExpectingCut(TestProxy proxy) throws Exception {
        try {
            HttpResponse<byte[]> r = send(proxy, "/v1/messages", BODY);
            return r.body().length < SSE.length;
        } catch (java.io.IOException e) {
            return true;
        }
    }

    @Test
    void errorsAreNotStoredAndTheRequestHeaderTurnsTheCacheOnOffOrRefreshes() throws Exception {
        upstream.stubFor(post(urlPathEqualTo("/v1/messages")).willReturn(aResponse().withStatus(400)
                .withHeader("content-type", "application/json").withBody("{\"type\":\"error\"}")));
        try (TestProxy proxy = proxy("", upstream.baseUrl())) {
            HttpResponse<byte[]> off = send(proxy, "/v1/messages", BODY);
            assertThat(off.headers().firstValue("x-interpose-cache")).as("off by default").isEmpty();
            assertThat(send(proxy, "/v1/messages", BODY, "x-interpose-cache", "on").headers()
                    .firstValue("x-interpose-cache")).hasValue("miss");
            assertThat(send(proxy, "/v1/messages", BODY, "x-interpose-cache", "on").headers()
                    .firstValue("x-interpose-cache")).as("a 400 is not stored").hasValue("miss");
            upstream.verify(3, postRequestedFor(urlPathEqualTo("/v1/messages")));

            streams("/v1/messages", SSE);
            send(proxy, "/v1/messages", BODY, "x-interpose-cache", "on");
            assertThat(send(proxy, "/v1/messages", BODY, "x-interpose-cache", "on").headers()
                    .firstValue("x-interpose-cache")).hasValue("hit");
            assertThat(send(proxy, "/v1/messages", BODY, "x-interpose-cache", "off").headers()
                    .firstValue("x-interpose-cache")).isEmpty();
            byte[] changed = new String(SSE, StandardCharsets.UTF_8).replace("msg_fake", "msg_redo")
                    .getBytes(StandardCharsets.UTF_8);
            streams("/v1/messages", changed);
            HttpResponse<byte[]> refreshed = send(proxy, "/v1/messages", BODY, "x-interpose-cache", "refresh");
            assertThat(refreshed.headers().firstValue("x-interpose-cache")).hasValue("miss");
            HttpResponse<byte[]> after = send(proxy, "/v1/messages", BODY, "x-interpose-cache", "on");
            assertThat(after.headers().firstValue("x-interpose-cache")).hasValue("hit");
            assertThat(after.body()).isEqualTo(changed);
            upstream.verify(6, postRequestedFor(urlPathEqualTo("/v1/messages")));

            HttpResponse<byte[]> bad = send(proxy, "/v1/messages", BODY, "x-interpose-cache", "yes");
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(new String(bad.body(), StandardCharsets.UTF_8)).contains("\"type\":\"error\"")
                    .contains("x-interpose-cache was \\\"yes\\\"; expected on, off or refresh");
            upstream.verify(6, postRequestedFor(urlPathEqualTo("/v1/messages")));
        }
    }

    @Test
    void aRouteTurnsTheCacheOnForItsRequestsOnly() throws Exception {
        streams("/v1/messages", SSE);
        try (TestProxy proxy = proxy("routes:\n  - name: cached-haiku\n    model: claude-haiku*\n    upstream: anthropic\n"
                + "    cache: true\n", upstream.baseUrl())) {
            String haiku = BODY.replace("claude-x", "claude-haiku-4");
            send(proxy, "/v1/messages", haiku);
            assertThat(send(proxy, "/v1/messages", haiku).headers().firstValue("x-interpose-cache")).hasValue("hit");
            assertThat(send(proxy, "/v1/messages", BODY).headers().firstValue("x-interpose-cache")).isEmpty();
            upstream.verify(2, postRequestedFor(urlPathEqualTo("/v1/messages")));
        }
    }

    @Test
    void theCacheStaysWithinItsBytesAndItsTtl() throws Exception {
        streams("/v1/messages", SSE);
        ManualTime time = new ManualTime();
        Path file = Files.writeString(dir.resolve("interpose.yaml"), "upstreams:\n  anthropic:\n    cache: true\n"
                + "cache:\n  ttl: 400ms\n  max-bytes: " + (SSE.length * 3) + "\n");
        try (TestProxy proxy = TestProxy.start(Map.of("anthropic", upstream.baseUrl(), "openai", upstream.baseUrl()),
                List.of(file), time.source())) {
            send(proxy, "/v1/messages", BODY);
            assertThat(send(proxy, "/v1/messages", BODY).headers().firstValue("x-interpose-cache")).hasValue("hit");
            time.advance(Duration.ofMillis(399));
            assertThat(send(proxy, "/v1/messages", BODY).headers().firstValue("x-interpose-cache"))
                    .as("still within the TTL").hasValue("hit");
            time.advance(Duration.ofMillis(2)); // past the TTL
            assertThat(send(proxy, "/v1/messages", BODY).headers().firstValue("x-interpose-cache")).hasValue("miss");
            for (int i = 0; i < 6; i++) {
                send(proxy, "/v1/messages", BODY.replace("say hi", "say hi " + i));
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(proxy.registry().get("interpose.cache.evictions").tag("cause", "size").counter().count())
                        .isGreaterThanOrEqualTo(3);
                assertThat(proxy.registry().get("interpose.cache.bytes").gauge().value())
                        .isLessThanOrEqualTo(SSE.length * 3);
            });
        }
    }

    @Test
    void aHitPassesThePreToolUseHooksAgainAndTheStoredAnswerIsTheUpstreamsOwn() throws Exception {
        byte[] toolCall = Fixtures.bytes("sample-anthropic-tool-sse.txt");
        streams("/v1/messages", toolCall);
        Path project = java.nio.file.Files.createDirectories(dir.resolve("project"));
        dev.interpose.proxy.HookFiles.script(project, "guard.sh", "#!/usr/bin/env bash", "# interpose-event: PreToolUse",
                "# interpose-matcher: Read", "cat > /dev/null", "echo 'no reading' >&2", "exit 2");
        Path config = java.nio.file.Files.writeString(dir.resolve("interpose.yaml"), "upstreams:\n  anthropic:\n"
                + "    cache: true\n");
        try (TestProxy proxy = TestProxy.withExtensions(Map.of("anthropic", upstream.baseUrl()), project,
                List.of(config))) {
            for (String expected : List.of("miss", "hit")) {
                HttpResponse<byte[]> response = send(proxy, "/v1/messages", BODY);
                String body = new String(response.body(), StandardCharsets.UTF_8);
                assertThat(response.headers().firstValue("x-interpose-cache")).hasValue(expected);
                assertThat(body).contains("Interpose denied the Read tool call: hook guard.sh said: no reading")
                        .doesNotContain("\"tool_use\"");
            }
            assertThat(proxy.registry().get("interpose.hook.runs").tag("hook", "guard.sh").tag("event", "PreToolUse")
                    .tag("outcome", "block").counter().count())
                    .as("the replay carried the tool call, so the hook judged it again").isEqualTo(2.0);
            upstream.verify(1, postRequestedFor(urlPathEqualTo("/v1/messages")));
        }
    }

    @Test
    void aLargeBodysKeyIsBuiltOffTheEventLoopAndHitsAlike() throws Exception {
        streams("/v1/messages", SSE);
        String large = BODY.replace("say hi", "say hi " + "lorem ipsum ".repeat(40_000)); // 480 KB
        try (TestProxy proxy = cachingProxy()) {
            assertThat(send(proxy, "/v1/messages", large).headers().firstValue("x-interpose-cache")).hasValue("miss");
            HttpResponse<byte[]> hit = send(proxy, "/v1/messages", large);
            assertThat(hit.headers().firstValue("x-interpose-cache")).hasValue("hit");
            assertThat(hit.body()).isEqualTo(SSE);
            assertThat(send(proxy, "/v1/messages", large.replace("lorem", "Lorem")).headers()
                    .firstValue("x-interpose-cache")).hasValue("miss");
            upstream.verify(2, postRequestedFor(urlPathEqualTo("/v1/messages")));
        }
    }

    @Test
    void aBrokenChunkIsNeverStoredAndFollowersOfAnAnswerThatCannotBeStoredGoUpstreamAtOnce() throws Exception {
        String json = "{\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}";
        AtomicInteger served = new AtomicInteger();
        try (ScriptedUpstream scripted = new ScriptedUpstream((c, index) -> {
            while (c.readRequest() != null) {
                int n = served.getAndIncrement();
                c.write("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n");
                c.chunk(json.substring(0, 10).getBytes(StandardCharsets.UTF_8));
                if (n == 0) {
                    c.write("zz\r\nnot a chunk\r\n0\r\n\r\n"); // a malformed chunk size, then an end
                    c.close();
                    return;
                }
                c.chunk(json.substring(10).getBytes(StandardCharsets.UTF_8));
                c.write("0\r\n\r\n");
            }
        }); TestProxy proxy = proxy("upstreams:\n  anthropic:\n    cache: true\n", scripted.baseUrl())) {
            String plain = BODY.replace("\"stream\":true,", "");
            try {
                HttpResponse<byte[]> cut = send(proxy, "/v1/messages", plain);
                assertThat(new String(cut.body(), StandardCharsets.UTF_8)).isNotEqualTo(json);
            } catch (java.io.IOException expected) {
                // the proxy closed the client's connection mid-body, as it must
            }
            assertThat(send(proxy, "/v1/messages", plain).headers().firstValue("x-interpose-cache")).hasValue("miss");
            HttpResponse<byte[]> hit = send(proxy, "/v1/messages", plain);
            assertThat(hit.headers().firstValue("x-interpose-cache")).hasValue("hit");
            assertThat(new String(hit.body(), StandardCharsets.UTF_8)).isEqualTo(json);
            assertThat(served.get()).isEqualTo(2);
        }

        upstream.stubFor(post(urlPathEqualTo("/v1/messages")).willReturn(aResponse().withStatus(400)
                .withHeader("content-type", "application/json").withBody("{\"type\":\"error\"}").withFixedDelay(300)));
        try (TestProxy proxy = cachingProxy()) {
            List<CompletableFuture<HttpResponse<byte[]>>> all = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                all.add(http.sendAsync(HttpRequest.newBuilder(proxy.uri("/v1/messages")).header("x-api-key", "sk-one")
                        .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofByteArray()));
            }
            for (CompletableFuture<HttpResponse<byte[]>> f : all) {
                assertThat(f.get().statusCode()).isEqualTo(400);
                assertThat(f.get().headers().firstValue("x-interpose-cache")).hasValue("miss");
            }
            upstream.verify(10, postRequestedFor(urlPathEqualTo("/v1/messages")));
        }
    }

    @Test
    void anAnswerFromAFallbackUpstreamIsNotStoredUnderThePrimarysKey() throws Exception {
        streams("/v1/messages", SSE);
        int dead;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            dead = socket.getLocalPort(); // closed again: connecting to it is refused
        }
        try (TestProxy proxy = proxy("upstreams:\n  anthropic:\n    cache: true\n    retry:\n      max-attempts: 1\n"
                + "    fallback: backup\n  backup:\n    url: " + upstream.baseUrl() + "\n    dialect: anthropic\n",
                "http://127.0.0.1:" + dead)) {
            for (int i = 0; i < 2; i++) {
                HttpResponse<byte[]> response = send(proxy, "/v1/messages", BODY);
                assertThat(response.body()).isEqualTo(SSE);
                assertThat(response.headers().firstValue("x-interpose-cache")).hasValue("miss");
            }
            upstream.verify(2, postRequestedFor(urlPathEqualTo("/v1/messages")));
        }
    }

    @Test
    void theKeyIsTakenFromTheBodyAsAHookLeftItAndFromACompressedBodyDecoded() throws Exception {
        streams("/v1/messages", SSE);
        Path project = java.nio.file.Files.createDirectories(dir.resolve("project"));
        dev.interpose.proxy.HookFiles.script(project, "tag.py", "#!/usr/bin/env python3",
                "# interpose-event: PreRequest", "import json, sys", "request = json.load(sys.stdin)['request']",
                "request['metadata'] = {'tagged_by': 'hook'}", "print(json.dumps({'interpose': {'request': request}}))");
        Path config = java.nio.file.Files.writeString(dir.resolve("interpose.yaml"), "upstreams:\n  anthropic:\n"
                + "    cache: true\n");
        try (TestProxy proxy = TestProxy.withExtensions(Map.of("anthropic", upstream.baseUrl()), project,
                List.of(config))) {
            assertThat(send(proxy, "/v1/messages", BODY).headers().firstValue("x-interpose-cache")).hasValue("miss");
            assertThat(send(proxy, "/v1/messages", BODY.replace("\"metadata\":{", "\"metadata\":{\"trace\":\"t-2\",")).headers()
                    .firstValue("x-interpose-cache")).as("the hook replaced the metadata both differ in").hasValue("hit");
            assertThat(upstream.getAllServeEvents().get(0).getRequest().getBodyAsString()).contains("tagged_by");
            upstream.verify(1, postRequestedFor(urlPathEqualTo("/v1/messages")));
        }
        try (TestProxy proxy = cachingProxy()) {
            java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
            try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gz)) {
                out.write(BODY.getBytes(StandardCharsets.UTF_8));
            }
            send(proxy, "/v1/messages", BODY);
            HttpResponse<byte[]> compressed = http.send(HttpRequest.newBuilder(proxy.uri("/v1/messages"))
                    .header("x-api-key", "sk-one").header("anthropic-version", "2023-06-01")
                    .header("content-encoding", "gzip").POST(HttpRequest.BodyPublishers.ofByteArray(gz.toByteArray()))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(compressed.headers().firstValue("x-interpose-cache")).as("the same body, compressed")
                    .hasValue("hit");
            assertThat(compressed.body()).isEqualTo(SSE);
        }
    }
}
