package dev.interpose.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Upstreams a file defines, their proxy and TLS options, and routes. */
@Timeout(10)
class ConfigRoutesTest {
    @TempDir
    Path dir;

    private Path file(String name, String... lines) throws Exception {
        return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
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
    void aFileDefinesUpstreamsWithProxyAndTlsAndRoutesToThem() throws Exception {
        Files.copy(Path.of("src/test/resources/test-ca.pem"), dir.resolve("corp-root.pem"));
        Path config = file("config.yaml",
                "upstream-proxy: http://corp-proxy:3128",
                "upstreams:",
                "  local-llm:",
                "    url: http://127.0.0.1:8080",
                "    dialect: openai",
                "    proxy: none",
                "  corp:",
                "    url: https://gateway.example/anthropic",
                "    dialect: anthropic",
                "    head-timeout: 30s",
                "    tls:",
                "      ca-file: corp-root.pem",
                "routes:",
                "  - name: cheap",
                "    dialect: anthropic",
                "    model: claude-haiku-*",
                "    upstream: corp",
                "  - path: /v1/responses",
                "    model: gpt-*-mini",
                "    upstream: local-llm",
                "    rewrite-model: qwen3-coder");
        InterposeConfig c = ConfigLoader.load(Map.of("INTERPOSE_UPSTREAM_LOCAL_LLM", "http://127.0.0.1:9090"),
                Overrides.none(), List.of(config));

        assertThat(c.upstreams().keySet()).containsExactly("anthropic", "openai", "chatgpt", "local-llm", "corp");
        UpstreamConfig local = c.upstream("local-llm");
        assertThat(local.url()).isEqualTo(URI.create("http://127.0.0.1:9090"));
        assertThat(local.dialect()).isEqualTo(Dialect.OPENAI);
        assertThat(local.proxy()).isEmpty();
        assertThat(local.headTimeout()).isEqualTo(Defaults.HEAD_TIMEOUT);
        UpstreamConfig corp = c.upstream("corp");
        assertThat(corp.proxy()).contains(URI.create("http://corp-proxy:3128"));
        assertThat(corp.tls().caFile()).contains(dir.resolve("corp-root.pem"));
        assertThat(corp.tls().verify()).isTrue();
        assertThat(corp.headTimeout()).hasSeconds(30);
        assertThat(c.upstream("anthropic").proxy()).contains(URI.create("http://corp-proxy:3128"));

        assertThat(c.routes()).hasSize(2);
        RouteConfig cheap = c.routes().get(0);
        assertThat(cheap.name()).isEqualTo("cheap");
        assertThat(cheap.matches("/v1/messages", Dialect.ANTHROPIC, "claude-haiku-4-5")).isTrue();
        assertThat(cheap.matches("/v1/messages", Dialect.ANTHROPIC, "claude-sonnet-4-5")).isFalse();
        assertThat(cheap.matches("/v1/messages", Dialect.OPENAI, "claude-haiku-4-5")).isFalse();
        assertThat(cheap.matches("/v1/messages", Dialect.ANTHROPIC, null)).isFalse();
        RouteConfig mini = c.routes().get(1);
        assertThat(mini.name()).isEqualTo("routes[1]");
        assertThat(mini.upstream()).isEqualTo("local-llm");
        assertThat(mini.rewriteModel()).contains("qwen3-coder");
        assertThat(mini.matches("/v1/responses", Dialect.OPENAI, "gpt-5-mini")).isTrue();
        assertThat(mini.matches("/v1/chat/completions", Dialect.OPENAI, "gpt-5-mini")).isFalse();
    }

    @Test
    void everyUpstreamAndRouteErrorNamesItsPositionKeyValueAndExpectation() throws Exception {
        Path config = file("config.yaml",
                "upstreams:",
                "  anthropic:",
                "    dialect: openai",
                "  Bad Name:",
                "    url: http://x",
                "  nourl:",
                "    dialect: anthropic",
                "  local:",
                "    url: http://127.0.0.1:8080",
                "    dialect: gemini",
                "    proxy: socks://p",
                "    colour: red",
                "    tls:",
                "      verify: maybe",
                "      ca-file: missing.pem",
                "routes:",
                "  - upstream: nowhere",
                "    name: a",
                "  - name: a",
                "    path: v1/messages",
                "    dialect: klingon",
                "    model: ''",
                "    upstream: local",
                "  - dialect: openai",
                "  - just text",
                "  - upstream: local",
                "    weight: 2");
        String f = config.toString();
        assertThat(problems(config)).containsExactly(
                f + ":5:10: upstreams.Bad Name: not a valid upstream name (expected: lowercase letters, digits, - and _,"
                        + " starting with a letter or digit)",
                f + ":12:13: upstreams.local.colour: unknown key (expected one of: upstreams.local.url,"
                        + " upstreams.local.dialect, upstreams.local.api-key-env, upstreams.local.api-key-file,"
                        + " upstreams.local.api-key-header, upstreams.local.headers.add, upstreams.local.headers.remove,"
                        + " upstreams.local.headers.forward-client-credentials,"
                        + " upstreams.local.connect-timeout, upstreams.local.head-timeout,"
                        + " upstreams.local.idle-timeout, upstreams.local.max-idle-connections, upstreams.local.proxy,"
                        + " upstreams.local.tls.ca-file, upstreams.local.tls.verify, upstreams.local.breaker.enabled,"
                        + " upstreams.local.breaker.failure-rate, upstreams.local.breaker.slow-call-rate,"
                        + " upstreams.local.breaker.slow-call, upstreams.local.breaker.window,"
                        + " upstreams.local.breaker.minimum-calls, upstreams.local.breaker.open-for,"
                        + " upstreams.local.breaker.half-open-calls, upstreams.local.retry.max-attempts,"
                        + " upstreams.local.retry.backoff, upstreams.local.retry.max-delay,"
                        + " upstreams.local.bulkhead.max-concurrent, upstreams.local.bulkhead.max-wait,"
                        + " upstreams.local.fallback, upstreams.local.cache,"
                        + " upstreams.local.translation.max-tokens-default, upstreams.local.translation.max-tokens-cap)",
                f + ":25:5: routes[3]: \"just text\" (expected: a mapping of upstream and optionally name, path,"
                        + " dialect, model, rewrite-model, cache)",
                f + ":27:13: routes[4].weight: unknown key (expected one of: routes[4].name, routes[4].path,"
                        + " routes[4].dialect, routes[4].model, routes[4].upstream, routes[4].rewrite-model, routes[4].cache)",
                f + ":3:14: upstreams.anthropic.dialect: \"openai\" (expected: anthropic, the dialect of the built-in"
                        + " upstream anthropic)",
                f + ":7:14: upstreams.nourl.url: missing (expected: an http or https URL with a host and no query)",
                f + ":10:14: upstreams.local.dialect: \"gemini\" (expected: anthropic, openai, openai-responses or openai-chat)",
                f + ":11:12: upstreams.local.proxy: \"socks://p\" (expected: an http or https URL with a host and no query)",
                f + ":15:16: upstreams.local.tls.ca-file: \"missing.pem\" (expected: a readable PEM file of CA certificates)",
                f + ":14:15: upstreams.local.tls.verify: \"maybe\" (expected: true or false)",
                f + ":17:15: routes[0].upstream: \"nowhere\" (expected: the name of an upstream: anthropic, openai,"
                        + " chatgpt, nourl, local)",
                f + ":19:11: routes[1].name: \"a\" (expected: a name no other route has)",
                f + ":20:11: routes[1].path: \"v1/messages\" (expected: a path pattern starting with / or *, such as"
                        + " /v1/messages or /v1/*)",
                f + ":21:14: routes[1].dialect: \"klingon\" (expected: anthropic, openai, openai-responses or openai-chat)",
                f + ":22:12: routes[1].model: \"\" (expected: a non-empty text)",
                f + ":24:14: routes[2].upstream: missing (expected: the name of an upstream: anthropic, openai, chatgpt,"
                        + " nourl, local)");
    }

    @Test
    void structuralMistakesInRoutesAndUpstreamsAreReported() throws Exception {
        Path notAList = file("map.yaml", "routes:", "  upstream: openai");
        assertThat(problems(notAList)).containsExactly(
                notAList + ":2:3: routes: \"<mapping>\" (expected: a list of routes, each a mapping with at least upstream)");
        Path twice = file("twice.yaml", "upstreams:", "  local:", "    url: http://a", "  local:", "    url: http://b");
        assertThat(problems(twice)).singleElement().asString()
                .startsWith(twice + ":4:").contains("not valid YAML: Duplicate field 'local'");
        Path badCa = file("bad-ca.yaml", "upstreams:", "  anthropic:", "    tls:", "      ca-file: bad-ca.yaml");
        assertThat(problems(badCa)).containsExactly(
                badCa + ":4:16: upstreams.anthropic.tls.ca-file: \"bad-ca.yaml\" (expected: a readable PEM file of CA"
                        + " certificates)");
    }

    @Test
    void aLayerThatSetsRoutesReplacesThoseBelowIt() throws Exception {
        Path user = file("user.yaml", "routes:", "  - model: a-*", "    upstream: openai",
                "  - model: b-*", "    upstream: openai");
        Path project = file("project.yaml", "routes:", "  - model: c-*", "    upstream: anthropic");
        Path silent = file("silent.yaml", "drain-timeout: 1s");

        assertThat(routes(List.of(user))).containsExactly("a-* openai", "b-* openai");
        assertThat(routes(List.of(user, project))).containsExactly("c-* anthropic");
        assertThat(routes(List.of(user, silent))).containsExactly("a-* openai", "b-* openai");
        Path none = file("none.yaml", "routes: []");
        assertThat(routes(List.of(user, none))).isEmpty();
    }

    private static List<String> routes(List<Path> files) throws ConfigException {
        return ConfigLoader.load(Map.of(), Overrides.none(), files).routes().stream()
                .map(r -> r.model().orElseThrow() + " " + r.upstream()).toList();
    }

    @Test
    void aFlagCanPointADefinedUpstreamElsewhereAndTimeoutFlagsReachIt() throws Exception {
        Path config = file("config.yaml", "upstreams:", "  local:", "    url: http://a", "    dialect: openai");
        Overrides flags = new Overrides(Optional.empty(), Optional.empty(), Map.of("local", "http://b"),
                Optional.empty(), Optional.empty(), Optional.of("5s"), Optional.empty(), Optional.empty(),
                Optional.empty());
        InterposeConfig c = ConfigLoader.load(Map.of(), flags, List.of(config));
        assertThat(c.upstream("local").url()).isEqualTo(URI.create("http://b"));
        assertThat(c.upstream("local").headTimeout()).hasSeconds(5);
    }

    @Test
    void globsMatchLikeAShell() {
        assertThat(new Glob("claude-haiku-*").matches("claude-haiku-4-5-20251001")).isTrue();
        assertThat(new Glob("gpt-*-mini").matches("gpt-5-mini")).isTrue();
        assertThat(new Glob("gpt-*-mini").matches("gpt-5-mini-2025")).isFalse();
        assertThat(new Glob("gpt-?").matches("gpt-5")).isTrue();
        assertThat(new Glob("gpt-?").matches("gpt-55")).isFalse();
        assertThat(new Glob("/v1/*").matches("/v1/messages/count_tokens")).isTrue();
        assertThat(new Glob("*").matches("")).isTrue();
        assertThat(new Glob("a*b*c").matches("aXbYbZc")).isTrue();
        assertThat(new Glob("a*b*c").matches("aXbYbZ")).isFalse();
        assertThat(new Glob("Claude-*").matches("claude-x")).isFalse();
    }
}
