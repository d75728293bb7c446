package dev.interpose.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class ConfigFileTest {
    @TempDir
    Path dir;

    private Path file(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    private List<String> problems(Path file) {
        try {
            ConfigLoader.load(Map.of(), Overrides.none(), List.of(file));
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected the configuration to be refused");
    }

    @Test
    void theListenerTakesExtraHostsOriginsAndARequestTimeout() throws Exception {
        InterposeConfig defaults = ConfigLoader.load(Map.of(), Overrides.none());
        assertThat(defaults.listener().allowedHosts()).isEmpty();
        assertThat(defaults.listener().allowedOrigins()).isEmpty();
        assertThat(defaults.listener().requestTimeout()).hasSeconds(30);
        assertThat(defaults.listener().allowOtherUsers()).isFalse();
        Path config = file("config.yaml", String.join("\n",
                "listener:",
                "  allowed-hosts: [Proxy.LAN, 192.168.1.5, \"[fd00::5]\"]",
                "  allowed-origins:",
                "    - https://App.example",
                "    - http://localhost:3000",
                "  request-timeout: 5s",
                "  allow-other-users: true",
                ""));
        InterposeConfig c = ConfigLoader.load(Map.of(), Overrides.none(), List.of(config));
        assertThat(c.listener().allowOtherUsers()).isTrue();
        assertThat(c.listener().allowedHosts()).containsExactly("proxy.lan", "192.168.1.5", "[fd00::5]");
        assertThat(c.listener().allowedOrigins()).containsExactly("https://app.example", "http://localhost:3000");
        assertThat(c.listener().requestTimeout()).hasSeconds(5);
    }

    @Test
    void aHostWithAPortOrAnOriginWithAPathIsRefused() throws Exception {
        Path config = file("config.yaml", String.join("\n",
                "listener:",
                "  allowed-hosts: [\"proxy.lan:8080\"]",
                "  allowed-origins: [\"https://app.example/\", \"*\"]",
                "  request-timeout: 0s",
                ""));
        assertThat(problems(config)).hasSize(4).anySatisfy(p -> assertThat(p)
                .contains("listener.allowed-hosts[0]: \"proxy.lan:8080\" (expected: host names"))
                .anySatisfy(p -> assertThat(p).contains("listener.allowed-origins[0]: \"https://app.example/\""))
                .anySatisfy(p -> assertThat(p).contains("listener.allowed-origins[1]: \"*\""))
                .anySatisfy(p -> assertThat(p).contains("listener.request-timeout: \"0s\""));
    }

    @Test
    void aFileSetsListenerUpstreamsAndLogging() throws Exception {
        Path config = file("config.yaml", String.join("\n",
                "listener:",
                "  host: 0.0.0.0",
                "  port: 8080",
                "  max-body-bytes: 1048576",
                "upstreams:",
                "  anthropic:",
                "    url: http://127.0.0.1:7001/prefix",
                "    head-timeout: 90s",
                "    max-idle-connections: 4",
                "drain-timeout: 5s",
                "logging:",
                "  format: text",
                ""));
        InterposeConfig c = ConfigLoader.load(Map.of(), Overrides.none(), List.of(config));
        assertThat(c.listener().host()).isEqualTo("0.0.0.0");
        assertThat(c.listener().port()).isEqualTo(8080);
        assertThat(c.listener().maxBodyBytes()).isEqualTo(1048576);
        assertThat(c.upstream("anthropic").url()).hasToString("http://127.0.0.1:7001/prefix");
        assertThat(c.upstream("anthropic").headTimeout()).hasSeconds(90);
        assertThat(c.upstream("anthropic").maxIdleConnections()).isEqualTo(4);
        assertThat(c.upstream("openai").url()).hasToString("https://api.openai.com");
        assertThat(c.drainTimeout()).hasSeconds(5);
        assertThat(c.logFormat()).isEqualTo(LogFormat.TEXT);
    }

    @Test
    void jsonIsAcceptedAndAnEmptyFileConfiguresNothing() throws Exception {
        Path json = file("config.json", "{\"listener\": {\"port\": 9000}}");
        assertThat(ConfigLoader.load(Map.of(), Overrides.none(), List.of(json)).listener().port()).isEqualTo(9000);
        Path empty = file("empty.yaml", "");
        assertThat(ConfigLoader.load(Map.of(), Overrides.none(), List.of(empty)).listener().port()).isEqualTo(10000);
    }

    @Test
    void everyErrorNamesFileLineColumnKeyValueAndExpectation() throws Exception {
        Path config = file("config.yaml", String.join("\n",
                "listener:",
                "  port: 70000",
                "  prot: 1",
                "upstreams:",
                "  anthropic:",
                "    url: htp://x",
                "    head-timeout: 0s",
                "    idle-timeout: -5s",
                "    connect-timeout:",
                "      nested: 1",
                "  mistral:",
                "    url: http://m",
                "logging:",
                "  format: xml",
                ""));
        String f = config.toString();
        assertThat(problems(config)).containsExactly(
                f + ":3:9: listener.prot: unknown key (expected one of: listener.host, listener.port,"
                        + " listener.max-header-bytes, listener.max-body-bytes, listener.request-timeout,"
                        + " listener.allow-other-users, listener.allowed-hosts, listener.allowed-origins)",
                f + ":2:9: listener.port: \"70000\" (expected: a port from 0 to 65535)",
                f + ":6:10: upstreams.anthropic.url: \"htp://x\" (expected: an http or https URL with a host and no query)",
                f + ":10:7: upstreams.anthropic.connect-timeout: \"<mapping>\" (expected: a positive duration such as 500ms, 30s, 5m or 1h)",
                f + ":7:19: upstreams.anthropic.head-timeout: \"0s\" (expected: a positive duration such as 500ms, 30s, 5m or 1h)",
                f + ":8:19: upstreams.anthropic.idle-timeout: \"-5s\" (expected: a positive duration such as 500ms, 30s, 5m or 1h)",
                f + ":12:10: upstreams.mistral.dialect: missing (expected: anthropic, openai, openai-responses or openai-chat)",
                f + ":14:11: logging.format: \"xml\" (expected: json or text)");
    }

    @Test
    void brokenYamlIsReportedWithItsPosition() throws Exception {
        Path config = file("config.yaml", "listener:\n  port: [1, 2\n");
        assertThat(problems(config)).singleElement().asString().startsWith(config + ":").contains(": not valid YAML: ");
        Path scalar = file("scalar.yaml", "just text\n");
        assertThat(problems(scalar)).containsExactly(scalar + ":1:1: the file must be a mapping of keys to values");
    }

    @Test
    void precedenceIsFlagThenEnvironmentThenProjectThenUserThenDefault() throws Exception {
        Path user = file("user.yaml", "upstreams:\n  openai:\n    url: http://user\n  chatgpt:\n    url: http://user-only\n");
        Path project = file("project.yaml", "upstreams:\n  openai:\n    url: http://project\n");
        Map<String, String> env = Map.of("INTERPOSE_UPSTREAM_OPENAI", "http://env");
        Overrides flag = new Overrides(Optional.empty(), Optional.empty(), Map.of("openai", "http://flag"),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

        assertThat(url(Map.of(), Overrides.none(), List.of())).isEqualTo("https://api.openai.com default");
        assertThat(url(Map.of(), Overrides.none(), List.of(user))).isEqualTo("http://user " + user + ":3:10");
        assertThat(url(Map.of(), Overrides.none(), List.of(user, project))).isEqualTo("http://project " + project + ":3:10");
        assertThat(url(env, Overrides.none(), List.of(user, project))).isEqualTo("http://env env INTERPOSE_UPSTREAM_OPENAI");
        assertThat(url(env, flag, List.of(user, project))).isEqualTo("http://flag flag --upstream");
        assertThat(ConfigLoader.resolve(env, flag, List.of(user, project)).get("upstreams.chatgpt.url").value())
                .isEqualTo("http://user-only");
    }

    private static String url(Map<String, String> env, Overrides flags, List<Path> files) throws ConfigException {
        Setting s = ConfigLoader.resolve(env, flags, files).get("upstreams.openai.url");
        return s.value() + " " + s.source().describe();
    }

    @Test
    void aMissingFileIsReported() {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), Overrides.none(), List.of(missing)))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(missing + ": cannot read: ");
    }
}
