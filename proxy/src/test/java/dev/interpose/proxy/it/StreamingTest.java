package dev.interpose.proxy.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.interpose.proxy.ScriptedUpstream;
import dev.interpose.proxy.TestProxy;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Streaming behaviour against a scripted upstream: flow, backpressure, cancellation, failures mid-stream. */
// A separate thread: a blocking java.net.Socket read ignores the interrupt of a same-thread timeout.
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StreamingTest {
    private static final String SSE_HEAD = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
            + "transfer-encoding: chunked\r\n\r\n";
    private static final byte[] EVENT = ("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
            + "\"delta\":{\"type\":\"text_delta\",\"text\":\"hello\"}}\n\n").getBytes(StandardCharsets.UTF_8);
    private static final String REQUEST_BODY = "{\"model\":\"claude-opus-5-5\",\"stream\":true}";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private TestProxy proxy;
    private ScriptedUpstream upstream;

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private void start(ScriptedUpstream.Script script, String idleTimeout) throws Exception {
        upstream = new ScriptedUpstream(script);
        proxy = TestProxy.start(Map.of("anthropic", upstream.baseUrl()), "", idleTimeout);
    }

    private HttpRequest messages() {
        return HttpRequest.newBuilder(proxy.uri("/v1/messages")).header("x-api-key", "k")
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(REQUEST_BODY)).build();
    }

    private Socket rawRequest(int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()));
        OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/messages HTTP/1.1\r\nHost: localhost\r\nx-api-key: k\r\ncontent-type: application/json\r\n"
                + "content-length: " + REQUEST_BODY.length() + "\r\n\r\n" + REQUEST_BODY).getBytes(StandardCharsets.UTF_8));
        out.flush();
        return socket;
    }

    private Map<String, Object> lastLogLine() {
        return await().atMost(Duration.ofSeconds(5)).until(() -> proxy.accessLog(), l -> !l.isEmpty()).get(0);
    }

    @Test
    void eachEventReachesTheClientBeforeTheUpstreamSendsTheNext() throws Exception {
        CountDownLatch[] received = {new CountDownLatch(1), new CountDownLatch(1), new CountDownLatch(1)};
        start((c, i) -> {
            c.readRequest();
            c.write(SSE_HEAD);
            for (CountDownLatch latch : received) {
                c.chunk(EVENT);
                // the next event is only sent once the client has seen this one: nothing may sit in a buffer
                assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
            }
            c.write("0\r\n\r\n");
            c.awaitPeerClose();
        }, "");

        HttpResponse<InputStream> response = http.send(messages(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            for (CountDownLatch latch : received) {
                assertThat(body.readNBytes(EVENT.length)).isEqualTo(EVENT);
                latch.countDown();
            }
            assertThat(body.read()).isEqualTo(-1);
        }
        assertThat(lastLogLine()).containsEntry("outcome", "ok").containsEntry("bytes_out", 3 * EVENT.length);
    }

    @Test
    void aSlowClientPausesTheUpstreamAndProxyMemoryStaysBounded() throws Exception {
        int total = 20 * 1024 * 1024;
        AtomicLong written = new AtomicLong();
        start((c, i) -> {
            c.readRequest();
            c.write("HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: " + total + "\r\n\r\n");
            byte[] block = new byte[64 * 1024];
            for (int sent = 0; sent < total; sent += block.length) {
                c.write(block);
                written.addAndGet(block.length);
            }
            c.awaitPeerClose();
        }, "");
        long memoryBefore = pooledMemory();
        long maxAhead = 0;
        long maxGrowth = 0;
        long read = 0;
        try (Socket socket = rawRequest(32 * 1024)) {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[16 * 1024];
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 200").contains("content-length: " + total);
            long sinceBreath = 0;
            while (read < total) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, total - read));
                assertThat(n).isPositive();
                read += n;
                sinceBreath += n;
                if (sinceBreath >= 128 * 1024) {
                    sinceBreath = 0;
                    LockSupport.parkNanos(2_000_000); // a slow reader: 128 KB every 2 ms at most
                    maxAhead = Math.max(maxAhead, written.get() - read);
                    maxGrowth = Math.max(maxGrowth, pooledMemory() - memoryBefore);
                }
            }
        }
        assertThat(read).isEqualTo(total);
        System.out.printf("slow client: 20 MiB read; upstream at most %d KiB ahead of the client; proxy buffer memory"
                + " grew by at most %d KiB%n", maxAhead / 1024, maxGrowth / 1024);
        // What the upstream gets ahead of the client is kernel socket buffers (autotuned, ~9 MB here) plus the
        // proxy's 128 KB high-water mark; without backpressure it would be the whole 20 MB, in the proxy's memory.
        assertThat(maxAhead).as("bytes written upstream but not yet read by the client").isLessThan(16L * 1024 * 1024);
        assertThat(maxGrowth).as("proxy buffer memory growth").isLessThan(8L * 1024 * 1024);
    }

    @Test
    void theClientGoingAwayClosesTheUpstreamAtOnce() throws Exception {
        CountDownLatch upstreamClosed = new CountDownLatch(1);
        AtomicLong upstreamClosedAt = new AtomicLong();
        start((c, i) -> {
            c.readRequest();
            c.write(SSE_HEAD);
            Thread watcher = new Thread(() -> {
                c.awaitPeerClose();
                upstreamClosedAt.set(System.nanoTime());
                upstreamClosed.countDown();
            });
            watcher.start();
            try {
                while (upstreamClosed.getCount() > 0) {
                    c.chunk(EVENT); // a model still generating
                    LockSupport.parkNanos(20_000_000);
                }
            } catch (IOException closed) {
                // writing to a connection the proxy closed
            }
            watcher.join();
        }, "");
        long clientClosedAt;
        try (Socket socket = rawRequest(0)) {
            InputStream in = socket.getInputStream();
            readHead(in);
            byte[] first = new byte[64];
            assertThat(in.read(first)).isPositive();
            clientClosedAt = System.nanoTime();
        }
        assertThat(upstreamClosed.await(5, TimeUnit.SECONDS)).isTrue();
        long closedAfterMs = TimeUnit.NANOSECONDS.toMillis(upstreamClosedAt.get() - clientClosedAt);
        System.out.printf("client went away: upstream connection closed %d ms later%n", closedAfterMs);
        // Nothing else closes it: the upstream writes every 20 ms (no idle timeout) and never ends. Milliseconds
        // in practice; the bound leaves a loaded two-core machine room.
        assertThat(closedAfterMs).isLessThan(5000);
        assertThat(lastLogLine()).containsEntry("outcome", "cancelled");
    }

    @Test
    void anUpstreamDyingMidStreamTruncatesTheClientNeverACleanEnd() throws Exception {
        start((c, i) -> {
            c.readRequest();
            c.write(SSE_HEAD);
            c.chunk(EVENT);
            c.close(); // no terminating chunk
        }, "");
        HttpResponse<InputStream> response = http.send(messages(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        try (InputStream body = response.body()) {
            assertThat(body.readNBytes(EVENT.length)).isEqualTo(EVENT);
            assertThatThrownBy(body::read).isInstanceOf(IOException.class);
        }
        assertThat(lastLogLine()).containsEntry("outcome", "failed").containsEntry("error", "upstream_truncated");
    }

    @Test
    void aShortContentLengthBodyIsTruncatedForTheClientToo() throws Exception {
        start((c, i) -> {
            c.readRequest();
            c.write("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"partial\":");
            c.close();
        }, "");
        assertThatThrownBy(() -> http.send(messages(), HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
        assertThat(lastLogLine()).containsEntry("error", "upstream_truncated");
    }

    @Test
    void anUpstreamSilentMidStreamHitsTheIdleTimeout() throws Exception {
        start((c, i) -> {
            c.readRequest();
            c.write(SSE_HEAD);
            c.chunk(EVENT);
            c.awaitPeerClose(); // then says nothing more
        }, "400ms");
        long start = System.nanoTime();
        HttpResponse<InputStream> response = http.send(messages(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            assertThat(body.readNBytes(EVENT.length)).isEqualTo(EVENT);
            assertThatThrownBy(body::read).isInstanceOf(IOException.class);
        }
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(350L, 5000L);
        assertThat(lastLogLine()).containsEntry("error", "upstream_idle_timeout");
    }

    @Test
    void aKeptAliveConnectionTheUpstreamDroppedIsRetriedOnAFreshOne() throws Exception {
        String ok = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}";
        start((c, i) -> {
            if (i == 0) {
                c.readRequest();
                c.write(ok);
                c.readRequest(); // the second request arrives on the pooled connection...
                c.close(); // ...and the upstream drops it without a word, as after its keep-alive timeout
            } else {
                while (c.readRequest() != null) {
                    c.write(ok);
                }
            }
        }, "");
        HttpResponse<String> first = http.send(messages(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> second = http.send(messages(), HttpResponse.BodyHandlers.ofString());
        assertThat(first.body()).isEqualTo("{}");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.body()).isEqualTo("{}");
        assertThat(upstream.connections()).isEqualTo(2);
    }

    /** Memory held by the allocator every channel of the in-process proxy uses. */
    private static long pooledMemory() {
        return PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory()
                + PooledByteBufAllocator.DEFAULT.metric().usedHeapMemory();
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b == -1) {
                throw new IOException("closed before the head ended: " + head);
            }
            head.append((char) b);
            matched = (b == '\r' || b == '\n') ? matched + 1 : 0;
        }
        return head.toString();
    }
}
