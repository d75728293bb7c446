package dev.interpose.proxy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interpose.proxy.ScriptedUpstream;
import dev.interpose.proxy.TestProxy;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A raw-socket upstream that breaks HTTP in every way the proxy must survive: framing it cannot trust (a body
 * after a HEAD or a 204, Content-Length with Transfer-Encoding) never reaches the next request on a pooled
 * connection; a broken answer (garbage, a head that never ends, a huge header, a cut chunk) gets a clear
 * error or a signalled truncation; a slow one still arrives whole. After each, {@code /health} answers.
 * Resets before the head and closes after a whole chunk are covered by ForwardingTest and StreamingTest.
 */
@Timeout(60)
class UpstreamFaultTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OK = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n"
            + "{\"ok\":true}";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private TestProxy proxy;
    private ScriptedUpstream upstream;

    @AfterEach
    void stop() throws Exception {
        try {
            if (proxy != null) {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(proxy.uri("/health")).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).as("the proxy still answers after the fault").isEqualTo(200);
                assertThat(JSON.readTree(health.body()).path("active_exchanges").asInt()).isZero();
            }
        } finally {
            if (proxy != null) {
                proxy.close();
            }
            if (upstream != null) {
                upstream.close();
            }
        }
    }

    private void start(ScriptedUpstream.Script script) throws Exception {
        upstream = new ScriptedUpstream(script);
        proxy = TestProxy.start(Map.of("anthropic", upstream.baseUrl()), "3s", "3s"); // room for a cold first request
    }

    /** Answers every request on the connection with {@link #OK}. */
    private static void answerAll(ScriptedUpstream.Connection c) throws IOException {
        while (c.readRequest() != null) {
            c.write(OK);
        }
    }

    private HttpRequest.Builder request(String method) {
        return HttpRequest.newBuilder(proxy.uri("/v1/messages")).header("x-api-key", "k")
                .header("content-type", "application/json")
                .method(method, method.equals("HEAD") ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString("{\"model\":\"m\"}"));
    }

    private HttpResponse<String> send(String method) throws Exception {
        return http.send(request(method).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Map<String, Object> lastLogLine() {
        List<Map<String, Object>> log = await().atMost(Duration.ofSeconds(5)).until(() -> proxy.accessLog(),
                l -> !l.isEmpty());
        return log.get(log.size() - 1);
    }

    @Test
    void aBodyAfterAHeadResponseNeverReachesTheNextRequest() throws Exception {
        start((c, i) -> {
            if (i == 0) {
                c.readRequest();
                c.write("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nContent-Length: 5\r\n\r\nhello");
            }
            answerAll(c);
        });
        HttpResponse<String> head = send("HEAD");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        HttpResponse<String> next = send("POST");
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(next.body()).isEqualTo("{\"ok\":true}");
        assertThat(upstream.connections()).as("the connection that sent a body after HEAD was closed").isEqualTo(2);
    }

    @Test
    void aHeadResponseWithoutABodyKeepsItsConnection() throws Exception {
        start((c, i) -> {
            c.readRequest();
            c.write("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nContent-Length: 5\r\n\r\n");
            answerAll(c);
        });
        assertThat(send("HEAD").statusCode()).isEqualTo(200);
        assertThat(send("POST").body()).isEqualTo("{\"ok\":true}");
        assertThat(send("POST").body()).isEqualTo("{\"ok\":true}");
        assertThat(upstream.connections()).as("a well-framed HEAD answer leaves the connection pooled").isEqualTo(1);
    }

    @Test
    void aBodyAfterA204NeverReachesTheNextRequest() throws Exception {
        start((c, i) -> {
            if (i == 0) {
                c.readRequest();
                c.write("HTTP/1.1 204 No Content\r\ncontent-length: 5\r\n\r\nhello");
            }
            answerAll(c);
        });
        assertThat(send("POST").statusCode()).isEqualTo(204);
        HttpResponse<String> next = send("POST");
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(next.body()).isEqualTo("{\"ok\":true}");
        assertThat(upstream.connections()).isEqualTo(2);
    }

    @Test
    void bytesArrivingOnAnIdlePooledConnectionCloseIt() throws Exception {
        CountDownLatch answered = new CountDownLatch(1);
        CountDownLatch closedByProxy = new CountDownLatch(1);
        start((c, i) -> {
            if (i == 0) {
                c.readRequest();
                c.write(OK);
                // The client has the whole answer, whose end the proxy writes only after the connection went
                // back to the pool: the stale bytes reach an idle pooled connection.
                if (!answered.await(10, TimeUnit.SECONDS)) {
                    return;
                }
                c.write("HTTP/1.1 200 OK\r\ncontent-length: 6\r\n\r\nstale!");
                if (c.readRequest() == null) { // the proxy closed it, and sent it nothing more
                    closedByProxy.countDown();
                }
                return;
            }
            answerAll(c);
        });
        assertThat(send("POST").body()).isEqualTo("{\"ok\":true}");
        answered.countDown();
        assertThat(closedByProxy.await(10, TimeUnit.SECONDS))
                .as("the proxy closed the connection the stale bytes came on").isTrue();
        HttpResponse<String> next = send("POST");
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(next.body()).isEqualTo("{\"ok\":true}");
        assertThat(upstream.connections()).isEqualTo(2);
    }

    @Test
    void contentLengthWithTransferEncodingIsRefusedAndTheConnectionIsNotReused() throws Exception {
        start((c, i) -> {
            if (i == 0) {
                c.readRequest();
                c.write("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 3\r\n"
                        + "transfer-encoding: chunked\r\n\r\nb\r\n{\"ok\":true}\r\n0\r\n\r\n");
            }
            answerAll(c);
        });
        HttpResponse<String> first = send("POST");
        assertThat(first.statusCode()).as("a response that may be smuggling another").isEqualTo(502);
        assertThat(JSON.readTree(first.body()).path("error").path("message").asText()).contains("malformed");
        assertThat(send("POST").body()).isEqualTo("{\"ok\":true}");
        assertThat(upstream.connections()).as("framing in doubt: the connection is closed").isEqualTo(2);
    }

    @Test
    void aGarbageStatusLineIs502InTheClientsDialect() throws Exception {
        start((c, i) -> {
            c.readRequest();
            c.write("SSH-2.0-OpenSSH_9.6\r\n\r\n");
            c.awaitPeerClose();
        });
        HttpResponse<String> response = send("POST");
        assertThat(response.statusCode()).isEqualTo(502);
        JsonNode error = JSON.readTree(response.body());
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.path("error").path("message").asText()).contains("malformed");
        assertThat(lastLogLine()).containsEntry("error", "upstream_bad_response");
    }

    @Test
    void aHeadThatNeverEndsHitsTheHeadTimeout() throws Exception {
        start((c, i) -> {
            c.readRequest();
            c.write("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-more: ");
            c.awaitPeerClose();
        });
        HttpResponse<String> response = send("POST");
        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(JSON.readTree(response.body()).path("error").path("type").asText()).isEqualTo("timeout_error");
        assertThat(lastLogLine()).containsEntry("error", "upstream_timeout");
    }

    @Test
    void aSlowTrickleWithinTheIdleTimeoutArrivesWhole() throws Exception {
        String chunked = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
                + "b\r\n{\"ok\":true}\r\n0\r\n\r\n";
        start((c, i) -> {
            c.readRequest();
            for (byte b : chunked.getBytes(StandardCharsets.US_ASCII)) {
                c.write(new byte[] {b});
                Thread.sleep(8);
            }
            answerAll(c);
        });
        HttpResponse<String> response = send("POST");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"ok\":true}");
        assertThat(lastLogLine()).containsEntry("outcome", "ok");
    }

    @Test
    void aHugeResponseHeaderIs502() throws Exception {
        start((c, i) -> {
            c.readRequest();
            c.write("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-huge: " + "a".repeat(100 * 1024)
                    + "\r\ncontent-length: 2\r\n\r\n{}");
            c.awaitPeerClose();
        });
        HttpResponse<String> response = send("POST");
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(lastLogLine()).containsEntry("error", "upstream_bad_response");
    }

    @Test
    void anUpstreamClosingMidChunkTruncatesTheClient() throws Exception {
        start((c, i) -> {
            c.readRequest();
            c.write("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
                    + "40\r\nevent: ping\ndata: {}\n\n");
            c.close(); // 64 bytes announced, 22 sent
        });
        HttpResponse<InputStream> response = http.send(request("POST").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        try (InputStream body = response.body()) {
            assertThatThrownBy(body::readAllBytes).isInstanceOf(IOException.class);
        }
        assertThat(lastLogLine()).containsEntry("outcome", "failed").containsEntry("error", "upstream_truncated");
    }

    @Test
    void anUpstreamResettingMidBodyTruncatesTheClient() throws Exception {
        start((c, i) -> {
            c.readRequest();
            c.write("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"partial\":");
            c.reset();
        });
        assertThatThrownBy(() -> send("POST")).isInstanceOf(IOException.class);
        assertThat(lastLogLine()).containsEntry("outcome", "failed").containsEntry("error", "upstream_truncated");
    }
}
