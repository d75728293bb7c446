package dev.interpose.proxy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interpose.proxy.ScriptedUpstream;
import dev.interpose.proxy.TestProxy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The front door under abuse, over raw sockets: what a browser page, a rebinding host name, a smuggler, a
 * slow or vanishing client, a pipelining client and a bomb get. Each case asserts what the client sees,
 * what the upstream received (nothing, for a refused request), and that {@code /health} answers afterwards.
 */
@Timeout(60)
class AbuseTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MESSAGE = "{\"model\":\"claude-x\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"hi\"}]}";

    @TempDir
    Path project;
    /** Each request head the upstream received, in order. */
    private final List<String> received = new CopyOnWriteArrayList<>();
    private ScriptedUpstream upstream;
    private TestProxy proxy;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void start() throws Exception {
        upstream = new ScriptedUpstream((connection, index) -> {
            String head;
            while ((head = connection.readRequest()) != null) {
                received.add(head);
                if (head.contains("x-hold: 1") || head.startsWith("POST /v1/chat/completions ")) {
                    connection.awaitPeerClose(); // never answers
                    return;
                }
                String path = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
                String body = "{\"path\":" + JSON.writeValueAsString(path) + "}";
                connection.write("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
                        + body.length() + "\r\n\r\n" + body);
            }
        });
        Path agent = project.resolve(".interpose/agents/holder.md");
        Files.createDirectories(agent.getParent());
        Files.writeString(agent, "---\ndescription: never answered\n---\nYou are the holder.\n");
        Path config = Files.writeString(project.resolve("config.yaml"), String.join("\n",
                "listener:",
                "  request-timeout: 2s",
                "  allowed-hosts: [proxy.lan]",
                "  allowed-origins: [\"https://good.example\"]",
                ""));
        proxy = TestProxy.withExtensions(Map.of("anthropic", upstream.baseUrl(), "openai", upstream.baseUrl()),
                project, List.of(config));
        log.start();
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(log);
    }

    @AfterEach
    void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(log);
        proxy.close();
        upstream.close();
    }

    // --- what a client reads ---

    record Response(int status, Map<String, String> headers, String body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    private final class Raw implements AutoCloseable {
        final Socket socket;
        final InputStream in;
        final OutputStream out;

        Raw() throws IOException {
            socket = new Socket("127.0.0.1", proxy.port());
            socket.setSoTimeout(10_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        Raw send(String text) throws IOException {
            return send(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        Raw send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
            return this;
        }

        /** The next response, or null when the proxy closed the connection first. */
        Response read() throws IOException {
            String statusLine = line();
            if (statusLine == null) {
                return null;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            String h;
            while ((h = line()) != null && !h.isEmpty()) {
                int colon = h.indexOf(':');
                headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            if (headers.containsKey("content-length")) {
                body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                int size;
                while ((size = Integer.parseInt(line().trim(), 16)) > 0) {
                    body.write(in.readNBytes(size));
                    line();
                }
                line();
            }
            return new Response(Integer.parseInt(statusLine.split(" ")[1]), headers,
                    body.toString(StandardCharsets.UTF_8));
        }

        /** Whether the proxy closed the connection (end of stream or reset) within 10 s, reading away the rest. */
        boolean closedByProxy() {
            try {
                while (in.read() != -1) {
                    // what the proxy still sends
                }
                return true;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            }
        }

        private String line() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                line.write(b);
            }
            if (b == -1 && line.size() == 0) {
                return null;
            }
            String text = line.toString(StandardCharsets.ISO_8859_1);
            return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static String post(String path, String headers, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\n" + headers
                + "content-length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    /** One refused request: its status, dialect error type and connection close; the upstream got nothing. */
    private Response refused(String raw, int status) throws Exception {
        try (Raw client = new Raw()) {
            Response answer = client.send(raw).read();
            assertThat(answer).as("an answer to %s", raw.lines().findFirst().orElse("")).isNotNull();
            assertThat(answer.status()).isEqualTo(status);
            assertThat(answer.headers().get("x-request-id")).isNotBlank();
            assertThat(client.closedByProxy()).as("closed after the refusal").isTrue();
            assertThat(received).as("what the upstream received").isEmpty();
            assertHealthy();
            return answer;
        }
    }

    private void assertHealthy() throws Exception {
        try (Raw client = new Raw()) {
            Response health = client.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n").read();
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().path("status").asText()).isEqualTo("ok");
        }
    }

    /** The access-log line of the refusal, with its status and reason. */
    private void logged(int status, String reason) {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(proxy.accessLog())
                .anySatisfy(line -> {
                    assertThat(line.get("status")).isEqualTo(status);
                    assertThat(String.valueOf(line.get("error_message"))).contains(reason);
                }));
    }

    // --- item 2: browsers and foreign host names ---

    @Test
    void aCrossSiteTextPlainPostFromABrowserTabIsRefusedWithoutReachingTheUpstream() throws Exception {
        String body = "{\"model\":\"claude-x\",\"messages\":[{\"role\":\"user\",\"content\":\"/review x\"}]}";
        Response answer = refused("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1:" + proxy.port()
                + "\r\nOrigin: https://evil.example\r\nSec-Fetch-Site: cross-site\r\ncontent-type: text/plain\r\n"
                + "content-length: " + body.length() + "\r\n\r\n" + body, 403);
        assertThat(answer.json().path("type").asText()).isEqualTo("error"); // Anthropic's shape for /v1/messages
        assertThat(answer.json().path("error").path("type").asText()).isEqualTo("permission_error");
        assertThat(answer.json().path("error").path("message").asText()).contains("https://evil.example");
        logged(403, "Origin");
    }

    @Test
    void theAgentsApiIsRefusedToABrowserPage() throws Exception {
        String body = "{\"agents\":[\"holder\"],\"prompt\":\"go\"}";
        Response answer = refused("POST /interpose/agents/run HTTP/1.1\r\nHost: localhost\r\nOrigin: null\r\n"
                + "content-type: text/plain\r\ncontent-length: " + body.length() + "\r\n\r\n" + body, 403);
        assertThat(answer.json().path("error").path("code").asText()).isEqualTo("forbidden");
    }

    @Test
    void aForeignHostNameIsRefusedAsDnsRebinding() throws Exception {
        Response answer = refused(post("/v1/responses", "", "{\"model\":\"gpt-x\",\"input\":\"hi\"}")
                .replace("Host: 127.0.0.1", "Host: evil.example:" + proxy.port()), 403);
        assertThat(answer.json().path("error").path("type").asText()).isEqualTo("invalid_request_error"); // OpenAI
        assertThat(answer.json().path("error").path("message").asText()).contains("evil.example");
        logged(403, "Host");
        refused("GET /health HTTP/1.1\r\nHost: evil.example\r\n\r\n", 403);
        refused("GET http://evil.example/health HTTP/1.1\r\nHost: localhost\r\n\r\n", 403);
        refused("GET /health HTTP/1.1\r\nHost: localhost\r\nSec-Fetch-Site: same-site\r\n\r\n", 403);
    }

    @Test
    void theListenersOwnNamesAndTheConfiguredOnesAreAccepted() throws Exception {
        List<String> hosts = List.of("localhost", "LOCALHOST:" + proxy.port(), "127.0.0.1", "127.0.0.1:" + proxy.port(),
                "[::1]", "[::1]:" + proxy.port(), "proxy.lan", "Proxy.LAN:8080");
        for (String host : hosts) {
            try (Raw client = new Raw()) {
                Response answer = client.send(post("/v1/messages", "x-api-key: k\r\n", MESSAGE)
                        .replace("Host: 127.0.0.1", "Host: " + host)).read();
                assertThat(answer.status()).as("Host: %s", host).isEqualTo(200);
            }
        }
        try (Raw client = new Raw()) {
            Response answer = client.send(post("/v1/messages", "x-api-key: k\r\nOrigin: https://good.example\r\n"
                    + "Sec-Fetch-Site: cross-site\r\n", MESSAGE)).read();
            assertThat(answer.status()).as("an allowed origin").isEqualTo(200);
        }
        assertThat(received).hasSize(hosts.size() + 1);
    }

    // --- item 2: the agents API is bounded ---

    @Test
    void anAgentsRunNamingTooManyAgentsOrTooLargeIsRefusedBeforeAnyUpstreamCall() throws Exception {
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            names.append(i == 0 ? "" : ",").append("\"holder\"");
        }
        try (Raw client = new Raw()) {
            Response many = client.send(post("/interpose/agents/run", "x-api-key: k\r\n",
                    "{\"agents\":[" + names + "],\"prompt\":\"go\"}")).read();
            assertThat(many.status()).isEqualTo(400);
            assertThat(many.body()).contains("at most 16 agents");
            Response large = client.send(post("/interpose/agents/run", "x-api-key: k\r\n",
                    "{\"agents\":[\"holder\"],\"prompt\":\"" + "x".repeat(1024 * 1024) + "\"}")).read();
            assertThat(large.status()).isEqualTo(413);
            assertThat(large.json().path("error").path("code").asText()).isEqualTo("request_too_large");
        }
        assertThat(received).isEmpty();
        logged(413, "at most 1048576 bytes");
        assertHealthy();
    }

    @Test
    void aClientMayHaveEightAgentRunsInFlightAndTheNinthIs429() throws Exception {
        List<Raw> runs = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                runs.add(new Raw().send(post("/interpose/agents/run", "x-api-key: k\r\n",
                        "{\"agents\":[\"holder\"],\"dialect\":\"chat\",\"prompt\":\"go " + i + "\"}")));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> received.size() >= 4); // in flight (the cap is 4)
            try (Raw ninth = new Raw()) {
                Response answer = ninth.send(post("/interpose/agents/run", "x-api-key: k\r\n",
                        "{\"agents\":[\"holder\"],\"dialect\":\"chat\",\"prompt\":\"one too many\"}")).read();
                assertThat(answer.status()).isEqualTo(429);
                assertThat(answer.body()).contains("8 agent runs in flight");
            }
            assertThat(received).hasSize(8);
        } finally {
            for (Raw run : runs) {
                run.close();
            }
        }
        // The runs' clients left: their slots free again, so a new run is accepted (it waits upstream). A run
        // answers only when done: bytes back are a refusal; its agent's call reaching the upstream, an acceptance.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            try (Raw again = new Raw()) {
                int before = received.size();
                again.send(post("/interpose/agents/run", "x-api-key: k\r\n", "{\"agents\":[\"holder\"],"
                        + "\"dialect\":\"chat\",\"prompt\":\"again\"}"));
                await().atMost(Duration.ofSeconds(5)).until(() -> received.size() > before || again.in.available() > 0);
                assertThat(again.in.available()).as("still running, not refused").isZero();
                assertThat(received).as("its agent's call reached the upstream").hasSize(before + 1);
            }
        });
        assertHealthy();
    }

    // --- item 7: pipelining ---

    @Test
    void fivePipelinedRequestsInOneWriteAreAllAnsweredInOrder() throws Exception {
        StringBuilder all = new StringBuilder();
        List<String> paths = List.of("/v1/messages?n=1", "/health", "/v1/messages?n=3", "/v1/messages?n=4",
                "/v1/messages?n=5");
        for (String path : paths) {
            all.append(path.equals("/health") ? "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    : post(path, "x-api-key: k\r\n", MESSAGE));
        }
        try (Raw client = new Raw()) {
            client.send(all.toString());
            for (String path : paths) {
                Response answer = client.read();
                assertThat(answer).as("the answer to %s", path).isNotNull();
                assertThat(answer.status()).isEqualTo(200);
                if (!path.equals("/health")) {
                    assertThat(answer.json().path("path").asText()).isEqualTo(path);
                }
            }
            Response after = client.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n").read();
            assertThat(after.status()).as("the connection is still usable").isEqualTo(200);
        }
        assertThat(received).hasSize(4);
        assertThat(received.stream().map(h -> h.substring(0, h.indexOf(" HTTP/")))).containsExactly(
                "POST /v1/messages?n=1", "POST /v1/messages?n=3", "POST /v1/messages?n=4", "POST /v1/messages?n=5");
    }

    @Test
    void aRefusedRequestInAPipelineIsAnsweredInItsTurnAndEndsTheConnection() throws Exception {
        String pipeline = post("/v1/messages?n=1", "x-api-key: k\r\n", MESSAGE)
                + "GET /health HTTP/1.1\r\nHost: evil.example\r\n\r\n"
                + post("/v1/messages?n=3", "x-api-key: k\r\n", MESSAGE);
        try (Raw client = new Raw()) {
            client.send(pipeline);
            assertThat(client.read().status()).isEqualTo(200);
            assertThat(client.read().status()).isEqualTo(403);
            assertThat(client.closedByProxy()).isTrue();
        }
        assertThat(received).hasSize(1);
        assertHealthy();
    }

    // --- item 10: framing, targets, timeouts ---

    @Test
    void anUnknownTransferCodingIs501AndItsBodyIsNeverReadAsARequest() throws Exception {
        String smuggled = post("/v1/messages?smuggled", "x-api-key: k\r\n", MESSAGE);
        Response answer = refused("POST /v1/messages HTTP/1.1\r\nHost: localhost\r\nx-api-key: k\r\n"
                + "Transfer-Encoding: xchunked\r\n\r\n" + smuggled, 501);
        assertThat(answer.json().path("error").path("message").asText()).contains("xchunked");
    }

    @Test
    void twoTransferEncodingsTwoHostsOrNoHostAre400() throws Exception {
        refused("POST /v1/messages HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400);
        refused("GET /health HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n\r\n", 400);
        Response none = refused("GET /health HTTP/1.1\r\nx: y\r\n\r\n", 400);
        assertThat(none.body()).contains("exactly one Host");
        logged(400, "more than one Transfer-Encoding");
    }

    @Test
    void controlCharactersDotSegmentsAndOtherTargetFormsAre400() throws Exception {
        for (String target : List.of("/v1/mess\u0001ages", "/v1/../health", "/v1/./messages", "/v1/%2e%2E/health",
                "/x/..", "*", "v1/messages", "/v1/messages\u00e9")) {
            Response answer = refused("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n", 400);
            assertThat(answer.status()).as(target).isEqualTo(400);
        }
    }

    @Test
    void aClientThatNeverFinishesItsHeadGets408AndAnIdleOneIsClosed() throws Exception {
        try (Raw slow = new Raw(); Raw idle = new Raw(); Raw body = new Raw()) {
            slow.send("POST /v1/messages HTTP/1.1\r\nHost: localhost\r\nx-api-");
            body.send("POST /v1/messages HTTP/1.1\r\nHost: localhost\r\ncontent-length: 100\r\n\r\n{\"model\"");
            long start = System.nanoTime();
            Response answer = slow.read();
            assertThat(answer.status()).isEqualTo(408);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
            assertThat(slow.closedByProxy()).isTrue();
            assertThat(body.read().status()).as("silent within its body").isEqualTo(408);
            assertThat(idle.read()).as("an idle connection is closed without an answer").isNull();
        }
        assertThat(received).isEmpty();
        logged(408, "did not arrive within 2000 ms");
        assertHealthy();
    }

    @Test
    void theClockPausesWhileAnAnswerIsInFlight() throws Exception {
        try (Raw client = new Raw()) {
            client.send(post("/v1/messages", "x-api-key: k\r\nx-hold: 1\r\n", MESSAGE));
            await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
            // A witness whose head never ends, begun after the held request had arrived: its 408 shows the request
            // clock ran out for a head begun later than the held one's, however slow the machine.
            try (Raw witness = new Raw()) {
                witness.send("POST /v1/messages HTTP/1.1\r\nHost: localhost\r\nx-api-");
                assertThat(witness.read().status()).isEqualTo(408);
            }
            client.socket.setSoTimeout(500); // the witness may be on another event loop: a moment's grace
            assertThat(client.closedByProxy()).as("closed while the upstream was still working").isFalse();
        }
    }

    @Test
    void aTrickleOfHeaderBytesDoesNotKeepTheConnectionOpen() throws Exception {
        try (Raw slow = new Raw()) {
            slow.send("GET /health HTTP/1.1\r\nHost: localhost\r\n");
            boolean closed = false;
            for (int i = 0; i < 20 && !closed; i++) { // 10 s of trickle at most, against a 2 s request timeout
                try {
                    slow.send("x-" + i + ": y\r\n");
                    Thread.sleep(500); // the attack itself: one header line every half second
                } catch (IOException e) {
                    closed = true;
                }
                closed |= slow.socket.getInputStream().available() > 0;
            }
            assertThat(closed).as("answered while the header lines were still trickling in").isTrue();
            assertThat(slow.read().status()).isEqualTo(408);
        }
    }

    @Test
    void aClientLeavingMidBodyLogsOneLineWithoutATrace() throws Exception {
        try (Raw client = new Raw()) {
            // One whole request first: the connection's owner is then known and it is served. (A client that
            // resets before that is refused as one whose socket is gone, a 403, which PeerUserTest covers.)
            assertThat(client.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n").read().status()).isEqualTo(200);
            client.send("POST /v1/messages HTTP/1.1\r\nHost: localhost\r\nx-api-key: k\r\ncontent-length: 5000\r\n\r\n"
                    + "{\"model\":\"claude-x\"");
            client.socket.setSoLinger(true, 0); // a reset, as a killed client leaves
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            synchronized (log) {
                return log.list.stream().anyMatch(e -> e.getFormattedMessage().contains("left before its request"));
            }
        });
        assertHealthy();
        assertThat(received).isEmpty();
        synchronized (log) {
            assertThat(log.list).noneMatch(e -> e.getThrowableProxy() != null);
        }
    }

    // --- what held in the review, kept holding ---

    @Test
    void contentLengthWithChunkedIsRefusedAndNothingIsSmuggled() throws Exception {
        String smuggled = post("/v1/messages?smuggled", "x-api-key: k\r\n", MESSAGE);
        refused("POST /v1/messages HTTP/1.1\r\nHost: localhost\r\nx-api-key: k\r\ncontent-length: 4\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(MESSAGE.length()) + "\r\n" + MESSAGE
                + "\r\n0\r\n\r\n" + smuggled, 400);
    }

    @Test
    void twoDifferentContentLengthsAre400() throws Exception {
        refused("POST /v1/messages HTTP/1.1\r\nHost: localhost\r\ncontent-length: 2\r\ncontent-length: 20\r\n\r\n{}",
                400);
    }

    @Test
    void aBodyShorterThanItsContentLengthNeverReachesTheUpstream() throws Exception {
        try (Raw client = new Raw()) {
            client.send("POST /v1/messages HTTP/1.1\r\nHost: localhost\r\nx-api-key: k\r\ncontent-length: 500\r\n\r\n"
                    + MESSAGE);
            client.socket.shutdownOutput();
            assertThat(client.closedByProxy()).isTrue();
        }
        assertThat(received).isEmpty();
        assertHealthy();
    }

    @Test
    void hugeOrManyHeadersAre431AndABadHeaderNameIs400() throws Exception {
        refused("GET /health HTTP/1.1\r\nHost: localhost\r\nx-big: " + "a".repeat(70_000) + "\r\n\r\n", 431);
        StringBuilder many = new StringBuilder("GET /health HTTP/1.1\r\nHost: localhost\r\n");
        for (int i = 0; i < 10_000; i++) {
            many.append("x-").append(i).append(": y\r\n");
        }
        refused(many + "\r\n", 431);
        refused("GET /health HTTP/1.1\r\nHost: localhost\r\nbad name: x\r\n\r\n", 400);
        refused("GET /health HTTP/1.1\r\nHost: localhost\r\nbad\u0001name: x\r\n\r\n", 400);
    }

    @Test
    void aDecompressionBombIs413() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            byte[] zeros = new byte[1024 * 1024];
            out.write("{\"model\":\"claude-x\",\"x\":\"".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 64; i++) {
                out.write(zeros);
            }
        }
        byte[] bomb = gz.toByteArray();
        assertThat(bomb.length).isLessThan(1024 * 1024);
        try (Raw client = new Raw()) {
            client.send(("POST /v1/messages HTTP/1.1\r\nHost: localhost\r\nx-api-key: k\r\ncontent-encoding: gzip\r\n"
                    + "content-length: " + bomb.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            client.send(bomb);
            Response answer = client.read();
            assertThat(answer.status()).isEqualTo(413);
            assertThat(answer.json().path("error").path("type").asText()).isEqualTo("request_too_large");
        }
        assertThat(received).isEmpty();
        assertHealthy();
    }
}
