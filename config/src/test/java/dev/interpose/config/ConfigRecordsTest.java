package dev.interpose.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The records check their own values: a bad value built in code fails as the same value in a file does. */
@Timeout(10)
class ConfigRecordsTest {
    @TempDir
    Path dir;

    /** The one problem a file with these lines has, without its file:line:col prefix. */
    private String fileProblem(String... lines) throws Exception {
        Path file = Files.writeString(dir.resolve("c.yaml"), String.join("\n", lines) + "\n");
        try {
            ConfigLoader.load(Map.of(), Overrides.none(), List.of(file));
        } catch (ConfigException e) {
            assertThat(e.problems()).hasSize(1);
            String problem = e.problems().get(0);
            assertThat(problem).startsWith(file + ":");
            return problem.substring(problem.indexOf(": ") + 2);
        }
        throw new AssertionError("no problem");
    }

    private static UpstreamConfig upstream(String name, Duration head) {
        return new UpstreamConfig(name, URI.create("http://127.0.0.1:9"), Dialect.OPENAI, Duration.ofSeconds(1), head,
                Duration.ofSeconds(1), 4, Optional.empty(), TlsConfig.DEFAULT);
    }

    @Test
    void aBadValueInCodeFailsWithTheWordsOfTheSameValueInAFile() throws Exception {
        assertThatThrownBy(() -> new ListenerConfig("127.0.0.1", 70000, 65536, 1024))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(fileProblem("listener:", "  port: 70000"))
                .hasMessage("listener.port: \"70000\" (expected: a port from 0 to 65535)");
        assertThatThrownBy(() -> upstream("local", Duration.ZERO))
                .hasMessage(fileProblem("upstreams:", "  local:", "    url: http://127.0.0.1:9", "    dialect: openai",
                        "    head-timeout: 0s"))
                .hasMessage("upstreams.local.head-timeout: \"0s\" (expected: a positive duration such as 500ms, 30s,"
                        + " 5m or 1h)");
        assertThatThrownBy(() -> new CacheConfig(1024, 0, Duration.ofHours(1), List.of(), Set.of(), Map.of()))
                .hasMessage(fileProblem("cache:", "  max-entry-bytes: 0"));
        assertThatThrownBy(() -> new AgentsConfig(0, Duration.ofSeconds(1), Duration.ofSeconds(2), 10))
                .hasMessage(fileProblem("agents:", "  max-concurrent: 0"));
        assertThatThrownBy(() -> new CommandsConfig(false, Duration.ofSeconds(1), -1))
                .hasMessage(fileProblem("commands:", "  max-include-bytes: -1"));
        assertThatThrownBy(() -> new ListenerConfig("127.0.0.1", 0, 65536, 1024, List.of("proxy.lan:8080"), List.of(),
                Duration.ofSeconds(1))).hasMessage(fileProblem("listener:", "  allowed-hosts:", "    - proxy.lan:8080")
                        .replace("allowed-hosts[0]: \"proxy.lan:8080\" (expected: ", "allowed-hosts: \"proxy.lan:8080\""
                                + " (expected: a list of "));
    }

    @Test
    void aNestedRecordNamesItsKeyBelowAnyUpstream() {
        assertThatThrownBy(() -> new BreakerConfig(true, 50, 100, Duration.ofMinutes(1), 0, 10, Duration.ofSeconds(1), 2))
                .hasMessage("upstreams.<name>.breaker.window: \"0\" (expected: a number of calls from 1 to 10000)");
        assertThatThrownBy(() -> new RetryConfig(3, Duration.ofSeconds(10), Duration.ofSeconds(1)))
                .hasMessage("upstreams.<name>.retry.max-delay: \"1s\" (expected: at least half of retry.backoff (10s),"
                        + " or no retry could ever wait that long)");
        assertThat(new RetryConfig(1, Duration.ofSeconds(10), Duration.ofSeconds(1)).maxAttempts())
                .as("without a retry the delay is never waited").isOne();
        assertThatThrownBy(() -> new BulkheadConfig(1, Duration.ofMillis(-1)))
                .hasMessageStartingWith("upstreams.<name>.bulkhead.max-wait: \"-1ms\"");
    }

    @Test
    void rulesOfAWholeRecordHoldInCodeToo() {
        assertThatThrownBy(() -> upstream("Bad Name", Duration.ofSeconds(1)))
                .hasMessageStartingWith("upstreams.Bad Name: not a valid upstream name");
        assertThatThrownBy(() -> new UpstreamConfig("local", URI.create("ftp://x"), Dialect.OPENAI, Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(1), 4, Optional.empty(), TlsConfig.DEFAULT))
                .hasMessage("upstreams.local.url: \"ftp://x\" (expected: an http or https URL with a host and no query)");
        assertThatThrownBy(() -> new UpstreamConfig("local", URI.create("http://x"), Dialect.OPENAI, Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(1), 4, Optional.of(URI.create("socks://p")), TlsConfig.DEFAULT))
                .hasMessage("upstreams.local.proxy: \"socks://p\" (expected: an http or https URL with a host and no query)");
        List<String> tooMany = Collections.nCopies(CacheConfig.MAX_IGNORE_RULES + 1, "/a");
        assertThatThrownBy(() -> new CacheConfig(1024, 10, Duration.ofHours(1), tooMany, Set.of(), Map.of()))
                .hasMessageEndingWith("(expected: at most 64 rules)");
        assertThatThrownBy(() -> new CacheConfig(1024, 10, Duration.ofHours(1), List.of("metadata"), Set.of(), Map.of()))
                .hasMessageStartingWith("cache.ignore: \"metadata\" (expected: a list of JSON pointers");
    }

    @Test
    void theRecordsDefaultsAreTheLoadersWithNoFile() throws Exception {
        InterposeConfig loaded = ConfigLoader.load(Map.of(), Overrides.none());
        UpstreamConfig anthropic = loaded.upstream("anthropic");
        assertThat(anthropic.breaker()).isEqualTo(BreakerConfig.DEFAULT);
        assertThat(anthropic.retry()).isEqualTo(RetryConfig.DEFAULT);
        assertThat(anthropic.bulkhead()).isEqualTo(BulkheadConfig.DEFAULT);
        assertThat(anthropic.tls()).isEqualTo(TlsConfig.DEFAULT);
        assertThat(anthropic.headTimeout()).isEqualTo(Defaults.HEAD_TIMEOUT);
        assertThat(anthropic.maxIdleConnections()).isEqualTo(Defaults.MAX_IDLE_CONNECTIONS);
        assertThat(loaded.commands()).isEqualTo(CommandsConfig.DEFAULT);
        assertThat(loaded.agents()).isEqualTo(AgentsConfig.DEFAULT);
        assertThat(loaded.cache()).isEqualTo(CacheConfig.DEFAULT);
        assertThat(loaded.listener()).isEqualTo(new ListenerConfig(Defaults.HOST, Defaults.PORT, Defaults.MAX_HEADER_BYTES,
                Defaults.MAX_BODY_BYTES));
        assertThat(loaded.drainTimeout()).isEqualTo(Defaults.DRAIN_TIMEOUT);
        assertThat(loaded.upstreams().keySet()).containsExactlyElementsOf(Defaults.UPSTREAM_URLS.keySet());
        Defaults.UPSTREAM_URLS.forEach((name, url) -> assertThat(loaded.upstream(name).url()).hasToString(url));
        Defaults.UPSTREAM_DIALECTS.forEach((name, d) -> assertThat(loaded.upstream(name).dialect()).isEqualTo(d));
    }
}
