package dev.interpose.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.interpose.config.Overrides;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * An upstream URL's password ({@code http://user:PASS@host}) appears in no page, no error body and no log
 * line: {@code /health}, {@code /metrics}, an upstream's malformed answer, an unreachable upstream, a rejected
 * and an applied reload.
 */
@Timeout(60)
class SecretOutputTest {
    private static final String SECRET = "s3cretPASS";

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

    @BeforeEach
    void capture() {
        logs.start();
        root.addAppender(logs);
    }

    @AfterEach
    void release() {
        root.detachAppender(logs);
    }

    @Test
    void noOutputShowsAnUpstreamUrlsPassword() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        try (ScriptedUpstream upstream = new ScriptedUpstream((c, i) -> {
            String request;
            while ((request = c.readRequest()) != null) {
                if (request.contains("x-break: yes")) {
                    c.write("HTTP/1.1 2OO NOT-A-STATUS " + SECRET + "\r\n\r\n");
                    return;
                }
                c.write("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}");
            }
        })) {
            String port = upstream.baseUrl().substring(upstream.baseUrl().lastIndexOf(':') + 1);
            Path file = dir.resolve("interpose.yaml");
            String yaml = "upstreams:\n  anthropic:\n    url: http://user:" + SECRET + "@127.0.0.1:" + port + "\n"
                    + "  openai:\n    url: http://user:" + SECRET + "@127.0.0.1:" + deadPort + "\n"
                    + "    proxy: none\n";
            Files.writeString(file, yaml);
            List<String> outputs = new ArrayList<>();
            try (TestProxy proxy = TestProxy.start(Map.of(), List.of(file))) {
                HttpResponse<String> health = get(proxy, "/health");
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(health.body()).contains("http://***@127.0.0.1:" + port);
                outputs.add(health.body());

                assertThat(post(proxy, "/v1/messages", "x-break", "no").statusCode()).isEqualTo(200);
                HttpResponse<String> broken = post(proxy, "/v1/messages", "x-break", "yes");
                assertThat(broken.statusCode()).isEqualTo(502);
                outputs.add(broken.body());
                HttpResponse<String> unreachable = post(proxy, "/v1/responses", "x-break", "no");
                assertThat(unreachable.statusCode()).isEqualTo(502);
                assertThat(unreachable.body()).contains("cannot connect to upstream openai");
                outputs.add(unreachable.body());
                proxy.accessLog(3);

                Overrides flags = new Overrides(Optional.empty(), Optional.of(proxy.port()), Map.of(),
                        Optional.empty(), Optional.of("2s"), Optional.empty(), Optional.empty(), Optional.of("5s"),
                        Optional.empty());
                Reloader reloader = new Reloader(() -> List.of(file), flags, dir, dir.resolve("no-home"),
                        dir.resolve("no-home/.codex"), proxy.server());
                Files.writeString(file, yaml.replace(":" + port + "\n", ":" + port + "/?key=" + SECRET + "\n"));
                reloader.reload(); // rejected: a base URL has no query
                Files.writeString(file, yaml.replace("proxy: none", "proxy: none\n    head-timeout: 30s"));
                reloader.reload(); // applied
                assertThat(proxy.server().config().upstream("openai").headTimeout()).hasSeconds(30);

                HttpResponse<String> metrics = get(proxy, "/metrics");
                assertThat(metrics.statusCode()).isEqualTo(200);
                outputs.add(metrics.body());
                outputs.add(get(proxy, "/health").body());
            }
            List<String> lines = logLines();
            assertThat(lines).anyMatch(l -> l.contains("configuration change rejected") && l.contains("http://***@"));
            assertThat(lines).anyMatch(l -> l.contains("configuration reloaded"));
            assertThat(lines).anyMatch(l -> l.contains("upstream_bad_response"));
            outputs.addAll(lines);
            assertThat(outputs).noneMatch(o -> o.contains(SECRET));
        }
    }

    private HttpResponse<String> get(TestProxy proxy, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(proxy.uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(TestProxy proxy, String path, String header, String value) throws Exception {
        return http.send(HttpRequest.newBuilder(proxy.uri(path)).header("x-api-key", "k").header(header, value)
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every log line written, as an operator reads it: message, structured fields and stack traces. */
    private List<String> logLines() {
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        encoder.start();
        try {
            List<ILoggingEvent> events;
            synchronized (logs) {
                events = List.copyOf(logs.list);
            }
            List<String> out = new ArrayList<>();
            for (ILoggingEvent e : events) {
                out.add(new String(encoder.encode(e), StandardCharsets.UTF_8));
            }
            return out;
        } finally {
            encoder.stop();
        }
    }
}
