package dev.interpose.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ConfigLoaderTest {

    private static Overrides flags(Map<String, String> upstreams, Optional<Integer> port, Optional<String> head) {
        return new Overrides(Optional.empty(), port, upstreams, Optional.empty(), Optional.empty(), head,
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    @Test
    void defaultsForwardToTheVendorsPublicApis() throws Exception {
        InterposeConfig config = ConfigLoader.load(Map.of(), Overrides.none());

        assertThat(config.listener().host()).isEqualTo("127.0.0.1");
        assertThat(config.listener().port()).isEqualTo(10000);
        assertThat(config.upstream("anthropic").url()).hasToString("https://api.anthropic.com");
        assertThat(config.upstream("openai").url()).hasToString("https://api.openai.com");
        assertThat(config.upstream("chatgpt").url()).hasToString("https://chatgpt.com");
        assertThat(config.upstream("anthropic").port()).isEqualTo(443);
        assertThat(config.upstream("anthropic").secure()).isTrue();
        assertThat(config.logFormat()).isEqualTo(LogFormat.JSON);
    }

    @Test
    void flagBeatsEnvironmentBeatsDefault() throws Exception {
        Map<String, String> env = Map.of(
                "INTERPOSE_UPSTREAM_ANTHROPIC", "http://127.0.0.1:7001",
                "INTERPOSE_UPSTREAM_OPENAI", "http://127.0.0.1:7002/prefix/");
        InterposeConfig config = ConfigLoader.load(env,
                flags(Map.of("anthropic", "http://127.0.0.1:7003"), Optional.of(0), Optional.of("250ms")));

        assertThat(config.upstream("anthropic").url()).hasToString("http://127.0.0.1:7003");
        assertThat(config.upstream("openai").url()).hasToString("http://127.0.0.1:7002/prefix/");
        assertThat(config.upstream("openai").basePath()).isEqualTo("/prefix");
        assertThat(config.upstream("openai").hostHeader()).isEqualTo("127.0.0.1:7002");
        assertThat(config.upstream("chatgpt").url()).hasToString("https://chatgpt.com");
        assertThat(config.upstream("openai").headTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.listener().port()).isZero();
    }

    @Test
    void everyProblemIsListedAtOnceWithKeyValueAndExpectation() {
        Map<String, String> env = Map.of("INTERPOSE_UPSTREAM_OPENAI", "ftp://x", "INTERPOSE_LOG_FORMAT", "xml");
        assertThatThrownBy(() -> ConfigLoader.load(env,
                flags(Map.of("anthropic", "htp://x", "mistral", "http://y"), Optional.of(70000), Optional.of("0s"))))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).containsExactly(
                        "upstreams.mistral: \"mistral\" (expected: one of anthropic, openai, chatgpt;"
                                + " define other upstreams in the config file)",
                        "listener.port: \"70000\" (expected: a port from 0 to 65535) [flag --port]",
                        "upstreams.anthropic.url: \"htp://x\" (expected: an http or https URL with a host and no query)"
                                + " [flag --upstream]",
                        "upstreams.*.head-timeout: \"0s\" (expected: a positive duration such as 500ms, 30s, 5m or 1h)"
                                + " [flag --head-timeout]",
                        "upstreams.openai.url: \"ftp://x\" (expected: an http or https URL with a host and no query)"
                                + " [env INTERPOSE_UPSTREAM_OPENAI]",
                        "logging.format: \"xml\" (expected: json or text) [env INTERPOSE_LOG_FORMAT]"));
    }

    @Test
    void durationsAcceptTheDocumentedUnits() {
        assertThat(ConfigLoader.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ConfigLoader.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(ConfigLoader.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(ConfigLoader.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(ConfigLoader.parseDuration("5 minutes")).isNull();
    }
}
