package dev.interpose.proxy.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.interpose.proxy.TestProxy;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Reconfiguring under steady traffic: every request gets an answer from the old or the new upstream. */
@Timeout(60)
class ReloadTest {

    @Test
    void reloadsUnderSteadyTrafficFailNoRequest() throws Exception {
        WireMockServer a = new WireMockServer(options().dynamicPort());
        WireMockServer b = new WireMockServer(options().dynamicPort());
        a.start();
        b.start();
        a.stubFor(post(urlEqualTo("/v1/messages")).willReturn(aResponse().withStatus(200).withBody("A")));
        b.stubFor(post(urlEqualTo("/v1/messages")).willReturn(aResponse().withStatus(200).withBody("B")));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try (TestProxy proxy = TestProxy.start(Map.of("anthropic", a.baseUrl()), "", "")) {
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger answered = new AtomicInteger();
            ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
            List<Future<?>> loops = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                loops.add(clients.submit(() -> {
                    while (running.get()) {
                        try {
                            HttpResponse<String> r = http.send(HttpRequest.newBuilder(proxy.uri("/v1/messages"))
                                    .header("x-api-key", "k").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() == 200 && (r.body().equals("A") || r.body().equals("B"))) {
                                answered.incrementAndGet();
                            } else {
                                failures.add(r.statusCode() + " " + r.body());
                            }
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                }));
            }
            for (int reload = 0; reload < 20; reload++) {
                int before = answered.get();
                org.awaitility.Awaitility.await().until(() -> answered.get() >= before + 10);
                proxy.reconfigure(Map.of("anthropic", (reload % 2 == 0 ? b : a).baseUrl()));
            }
            running.set(false);
            for (Future<?> loop : loops) {
                loop.get();
            }
            assertThat(failures).isEmpty();
            assertThat(answered.get()).isGreaterThanOrEqualTo(200);
            assertThat(a.getAllServeEvents()).isNotEmpty();
            assertThat(b.getAllServeEvents()).isNotEmpty();
        } finally {
            clients.shutdownNow();
            a.stop();
            b.stop();
        }
    }
}
