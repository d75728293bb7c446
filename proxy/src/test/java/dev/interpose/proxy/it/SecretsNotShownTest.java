package dev.interpose.proxy.it;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.interpose.proxy.TestProxy;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A password written into an upstream URL ({@code http://user:PASS@host}) never leaves the config: not on
 * {@code /health}, {@code /metrics}, in an error answer, an access-log or any other log line, nor after a
 * reload that names it in a problem.
 */
@Timeout(60)
class SecretsNotShownTest {
    private static final String SECRET = "s3cretPASSw0rd";
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void theUrlPasswordAppearsInNoOutput(@TempDir Path dir) throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort(); // nothing listens here once closed: the forward fails and is logged
        }
        String url = "http://admin:" + SECRET + "@127.0.0.1:" + closed;
        ListAppender<ILoggingEvent> all = new ListAppender<>();
        all.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(all);
        Path config = dir.resolve("interpose.yaml");
        Files.writeString(config, "upstreams:\n  anthropic:\n    url: " + url + "\n");
        try (TestProxy proxy = TestProxy.start(Map.of(), List.of(config))) {
            String health = get(proxy, "/health");
            assertThat(health).contains("\"anthropic\"").contains("***@127.0.0.1:" + closed).doesNotContain(SECRET)
                    .doesNotContain("admin:");
            String answer = http.send(HttpRequest.newBuilder(proxy.uri("/v1/messages"))
                    .header("content-type", "application/json").header("anthropic-version", "2023-06-01")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"max_tokens\":1,\"messages\":[]}"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(answer).contains("error").doesNotContain(SECRET);
            assertThat(get(proxy, "/metrics")).contains("interpose").doesNotContain(SECRET);
            assertThat(proxy.accessLog(1)).hasSize(1);
            // A reload whose new URL is bad names the key and the value, with the password masked.
            Files.writeString(config, "upstreams:\n  anthropic:\n    url: htp://admin:" + SECRET + "@x\n");
            dev.interpose.config.ConfigException e = org.assertj.core.api.Assertions.catchThrowableOfType(
                    () -> proxy.reconfigure(Map.of(), List.of(config)), dev.interpose.config.ConfigException.class);
            assertThat(e).isNotNull();
            assertThat(e.getMessage()).doesNotContain(SECRET);
            assertThat(String.join("\n", e.problems())).contains("upstreams.anthropic.url").contains("***@x")
                    .doesNotContain(SECRET);
        } finally {
            root.detachAppender(all);
        }
        assertThat(all.list).isNotEmpty();
        for (ILoggingEvent event : all.list) {
            assertThat(event.getFormattedMessage()).doesNotContain(SECRET);
            assertThat(String.valueOf(event.getArgumentArray() == null ? "" : List.of(event.getArgumentArray())))
                    .doesNotContain(SECRET);
            if (event.getThrowableProxy() != null) {
                assertThat(event.getThrowableProxy().getMessage()).doesNotContain(SECRET);
            }
        }
    }

    private String get(TestProxy proxy, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(proxy.uri(path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
