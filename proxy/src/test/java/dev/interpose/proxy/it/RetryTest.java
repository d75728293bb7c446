package dev.interpose.proxy.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.interpose.proxy.TestProxy;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The retry policy: which failures are sent again, how long it waits, and never after the head went out. */
@Timeout(60)
class RetryTest {
    private static final String BODY = "{\"model\":\"m\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    @RegisterExtension
    final WireMockExtension upstream = WireMockExtension.newInstance().options(options().dynamicPort()).build();

    /** The first answers in order, the last one for every later attempt. */
    private void answers(ResponseDefinitionBuilder... responses) {
        for (int i = 0; i < responses.length; i++) {
            var stub = post(urlPathEqualTo("/v1/messages")).inScenario("attempts")
                    .whenScenarioStateIs(i == 0 ? STARTED : "attempt-" + i);
            if (i < responses.length - 1) {
                stub = stub.willSetStateTo("attempt-" + (i + 1)); // the last answer repeats
            }
            upstream.stubFor(stub.willReturn(responses[i]));
        }
    }

    private static ResponseDefinitionBuilder status(int code) {
        return aResponse().withStatus(code).withHeader("content-type", "application/json")
                .withBody("{\"status\":" + code + "}");
    }

    private HttpResponse<String> send(TestProxy proxy) throws Exception {
        return http.send(HttpRequest.newBuilder(proxy.uri("/v1/messages")).header("x-api-key", "k")
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private TestProxy proxy() throws Exception {
        return TestProxy.start(Map.of("anthropic", upstream.baseUrl()), "", "");
    }

    @Test
    void a503WithRetryAfterIsSentAgainAfterThatWaitAndTheClientSeesOnlyTheAnswer() throws Exception {
        answers(status(503).withHeader("retry-after", "1"), status(200));
        try (TestProxy proxy = proxy()) {
            long start = System.nanoTime();
            HttpResponse<String> response = send(proxy);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("{\"status\":200}");
            assertThat(ms).as("retry-after: 1 honoured").isGreaterThanOrEqualTo(1000);
            upstream.verify(2, postRequestedFor(urlPathEqualTo("/v1/messages")));
            for (ServeEvent e : upstream.getAllServeEvents()) {
                assertThat(e.getRequest().getBodyAsString()).as("the body is held for each attempt").isEqualTo(BODY);
            }
        }
    }

    @Test
    void aResetBeforeTheHeadIsRetriedAndAPersistent500PassesOnAfterTheLastAttempt() throws Exception {
        answers(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER), status(200));
        try (TestProxy proxy = proxy()) {
            assertThat(send(proxy).statusCode()).isEqualTo(200);
        }
        upstream.resetAll();
        answers(status(500));
        try (TestProxy proxy = proxy()) {
            HttpResponse<String> response = send(proxy);
            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.body()).isEqualTo("{\"status\":500}");
            upstream.verify(3, postRequestedFor(urlPathEqualTo("/v1/messages")));
        }
    }

    @Test
    void aRetryAfterBeyondTheBudgetAnd4xxOtherThan429PassStraightOn() throws Exception {
        answers(status(429).withHeader("retry-after", "60"));
        try (TestProxy proxy = proxy()) {
            long start = System.nanoTime();
            HttpResponse<String> response = send(proxy);
            assertThat(response.statusCode()).isEqualTo(429);
            assertThat(response.headers().firstValue("retry-after")).hasValue("60");
            // Not waited for: retry-after asks 60 s, beyond the 20 s budget; a third of that budget is room enough.
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(7_000);
            upstream.verify(1, postRequestedFor(urlPathEqualTo("/v1/messages")));
        }
        upstream.resetAll();
        answers(status(400));
        try (TestProxy proxy = proxy()) {
            assertThat(send(proxy).statusCode()).isEqualTo(400);
            upstream.verify(1, postRequestedFor(urlPathEqualTo("/v1/messages")));
        }
    }

    @Test
    void nothingIsSentAgainOnceTheHeadWentOut() throws Exception {
        answers(aResponse().withStatus(200).withHeader("content-type", "text/event-stream")
                .withFault(Fault.MALFORMED_RESPONSE_CHUNK), status(200));
        try (TestProxy proxy = proxy()) {
            try {
                send(proxy);
            } catch (java.io.IOException truncated) {
                // the client sees the truncation: that is the point
            }
            upstream.verify(1, postRequestedFor(urlPathEqualTo("/v1/messages")));
        }
    }

    @Test
    void retryAfterReadsSecondsAndHttpDates() {
        assertThat(dev.interpose.proxy.exchange.AttemptPolicy.retryAfterMillis("3")).isEqualTo(3000);
        assertThat(dev.interpose.proxy.exchange.AttemptPolicy.retryAfterMillis("soon")).isZero();
        assertThat(dev.interpose.proxy.exchange.AttemptPolicy.retryAfterMillis(null)).isZero();
        // A date has whole seconds and is read a moment later: 100 s ahead leaves that moment 9 s of room.
        String inAMinuteAndAHalf = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(100));
        assertThat(dev.interpose.proxy.exchange.AttemptPolicy.retryAfterMillis(inAMinuteAndAHalf))
                .isBetween(90_000L, 100_000L);
    }
}
