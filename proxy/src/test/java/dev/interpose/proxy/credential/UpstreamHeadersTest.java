package dev.interpose.proxy.credential;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interpose.config.ApiKey;
import dev.interpose.config.Dialect;
import dev.interpose.config.HeadersConfig;
import dev.interpose.config.UpstreamConfig;
import dev.interpose.proxy.credential.CredentialPolicy.Decision;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** What an upstream is sent, header by header. */
class UpstreamHeadersTest {
    private static UpstreamConfig with(UpstreamConfig u, Optional<ApiKey> key, HeadersConfig headers) {
        return new UpstreamConfig(u.name(), u.url(), u.dialect(), u.connectTimeout(), u.headTimeout(), u.idleTimeout(),
                u.maxIdleConnections(), u.proxy(), u.tls(), u.breaker(), u.retry(), u.bulkhead(), u.fallback(), key,
                headers);
    }

    private static Map<String, String> apply(HttpHeaders in, Decision decision, Dialect client, UpstreamConfig u) {
        UpstreamHeaders.apply(in, decision, client, u);
        Map<String, String> out = new TreeMap<>();
        in.forEach(e -> out.merge(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue(), (a, b) -> a + "," + b));
        return out;
    }

    private static HttpHeaders claudeCode() {
        return new DefaultHttpHeaders().add("x-api-key", "client").add("authorization", "Bearer oauth")
                .add("anthropic-version", "2023-06-01").add("anthropic-beta", "b").add("x-stainless-os", "Linux")
                .add("user-agent", "claude-cli").add("content-type", "application/json");
    }

    @Test
    void forwardingTheSameFamilyChangesNothing() {
        UpstreamConfig local = CredentialPolicyTest.upstream("local", "http://127.0.0.1:1", Dialect.ANTHROPIC, false);
        assertThat(apply(claudeCode(), Decision.FORWARD, Dialect.ANTHROPIC, local)).containsOnlyKeys("x-api-key",
                "authorization", "anthropic-version", "anthropic-beta", "x-stainless-os", "user-agent", "content-type");
    }

    @Test
    void anOwnKeyGoesInTheDialectsHeaderOrTheConfiguredOne() {
        UpstreamConfig anthropic = with(CredentialPolicyTest.upstream("a", "https://a.example", Dialect.ANTHROPIC,
                false), Optional.of(new ApiKey("own", "t", null)), HeadersConfig.NONE);
        assertThat(apply(claudeCode(), Decision.OWN_KEY, Dialect.ANTHROPIC, anthropic)).containsEntry("x-api-key", "own")
                .doesNotContainKey("authorization").containsEntry("anthropic-beta", "b");
        UpstreamConfig chat = with(CredentialPolicyTest.upstream("c", "https://c.example", Dialect.OPENAI_CHAT, false),
                Optional.of(new ApiKey("own", "t", null)), HeadersConfig.NONE);
        assertThat(apply(claudeCode(), Decision.OWN_KEY, Dialect.ANTHROPIC, chat))
                .containsEntry("authorization", "Bearer own").doesNotContainKeys("x-api-key", "anthropic-version",
                        "anthropic-beta", "x-stainless-os").containsEntry("user-agent", "claude-cli");
        UpstreamConfig azure = with(chat, Optional.of(new ApiKey("own", "t", "Api-Key")), HeadersConfig.NONE);
        assertThat(apply(new DefaultHttpHeaders().add("authorization", "Bearer client").add("api-key", "client"),
                Decision.OWN_KEY, Dialect.OPENAI, azure)).containsExactlyEntriesOf(Map.of("api-key", "own"));
    }

    @Test
    void anAnthropicUpstreamOfAnOpenAiClientGetsAnAnthropicVersion() {
        UpstreamConfig anthropic = with(CredentialPolicyTest.upstream("a", "https://a.example", Dialect.ANTHROPIC,
                false), Optional.of(new ApiKey("own", "t", null)), HeadersConfig.NONE);
        HttpHeaders codex = new DefaultHttpHeaders().add("authorization", "Bearer x").add("chatgpt-account-id", "a")
                .add("openai-beta", "responses=experimental").add("originator", "codex_cli_rs")
                .add("session-id", "s1").add("x-codex-turn-metadata", "{}").add("user-agent", "codex_cli_rs/0.1");
        assertThat(apply(codex, Decision.OWN_KEY, Dialect.OPENAI, anthropic)).as("Codex's own headers stay with OpenAI")
                .containsExactlyInAnyOrderEntriesOf(Map.of("x-api-key", "own", "anthropic-version",
                        UpstreamHeaders.ANTHROPIC_VERSION, "user-agent", "codex_cli_rs/0.1"));
        UpstreamConfig chat = with(CredentialPolicyTest.upstream("c", "https://c.example", Dialect.OPENAI_CHAT, false),
                Optional.of(new ApiKey("own", "t", null)), HeadersConfig.NONE);
        HttpHeaders claude = claudeCode().add("x-claude-code-session-id", "s2").add("x-app", "cli");
        assertThat(apply(claude, Decision.OWN_KEY, Dialect.ANTHROPIC, chat)).as("Claude Code's stay with Anthropic")
                .doesNotContainKeys("x-claude-code-session-id", "x-app").containsEntry("user-agent", "claude-cli");
        UpstreamConfig codexOwn = CredentialPolicyTest.upstream("o", "http://127.0.0.1:1", Dialect.OPENAI, false);
        assertThat(apply(new DefaultHttpHeaders().add("session-id", "s1").add("originator", "codex_cli_rs"),
                Decision.FORWARD, Dialect.OPENAI, codexOwn)).as("to OpenAI they go as they came")
                .containsOnlyKeys("session-id", "originator");
    }

    @Test
    void configuredEditsComeAfterTheRulesAndBeforeTheKey() {
        UpstreamConfig local = with(CredentialPolicyTest.upstream("l", "http://127.0.0.1:1", Dialect.OPENAI_CHAT,
                false), Optional.empty(), new HeadersConfig(List.of(new HeadersConfig.Header("X-Team", "infra"),
                new HeadersConfig.Header("User-Agent", "interpose")), List.of("x-drop", "X-Team"), false));
        assertThat(apply(new DefaultHttpHeaders().add("X-Drop", "1").add("x-team", "client").add("user-agent", "c")
                .add("x-api-key", "k"), Decision.STRIP, Dialect.ANTHROPIC, local))
                .containsExactlyInAnyOrderEntriesOf(Map.of("x-team", "infra", "user-agent", "interpose"));
    }

    @Property(tries = 300)
    void strippingOrAnOwnKeyLeavesNoClientCredentialWhateverItsHeaderIsCalled(
            @ForAll @AlphaChars @StringLength(min = 1, max = 8) String prefix,
            @ForAll("credentialMarks") String mark, @ForAll boolean own, @ForAll boolean anthropicUpstream) {
        UpstreamConfig u = CredentialPolicyTest.upstream("u", "https://u.example",
                anthropicUpstream ? Dialect.ANTHROPIC : Dialect.OPENAI_CHAT, false);
        if (own) {
            u = with(u, Optional.of(new ApiKey("own", "t", null)), HeadersConfig.NONE);
        }
        HttpHeaders in = new DefaultHttpHeaders().add("x-" + prefix + "-" + mark, "client-secret")
                .add("x-api-key", "client-secret").add("Authorization", "Bearer client-secret");
        Map<String, String> out = apply(in, own ? Decision.OWN_KEY : Decision.STRIP, Dialect.ANTHROPIC, u);
        assertThat(out.values()).noneMatch(v -> v.contains("client-secret"));
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> credentialMarks() {
        return net.jqwik.api.Arbitraries.of("key", "Token", "auth", "secret", "session", "account", "cookie", "org",
                "project", "user", "password");
    }
}
