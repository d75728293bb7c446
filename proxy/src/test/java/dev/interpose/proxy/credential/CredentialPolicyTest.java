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
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The credential rule as a table: client family × upstream (name, host, dialect, own key) → decision. */
class CredentialPolicyTest {
    static UpstreamConfig upstream(String name, String url, Dialect dialect, boolean ownKey) {
        return new UpstreamConfig(name, URI.create(url), dialect, Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1), 1, Optional.empty(), new dev.interpose.config.TlsConfig(Optional.empty(), true),
                dev.interpose.config.BreakerConfig.DEFAULT, dev.interpose.config.RetryConfig.DEFAULT,
                dev.interpose.config.BulkheadConfig.DEFAULT, List.of(),
                ownKey ? Optional.of(new ApiKey("own", "test", null)) : Optional.empty(), HeadersConfig.NONE);
    }

    @ParameterizedTest(name = "{0} client → {1} {2} {3} key={4}: {5}")
    @CsvSource({
            // built-ins keep today's behaviour wherever their URL points
            "ANTHROPIC, anthropic, http://127.0.0.1:1,          ANTHROPIC,        false, FORWARD",
            "ANTHROPIC, anthropic, https://gateway.corp,        ANTHROPIC,        false, FORWARD",
            "OPENAI,    openai,    http://127.0.0.1:1,          OPENAI,           false, FORWARD",
            "OPENAI,    chatgpt,   https://chatgpt.com,         OPENAI,           false, FORWARD",
            "OPENAI,    anthropic, https://api.anthropic.com,   ANTHROPIC,        false, REFUSE",
            "ANTHROPIC, openai,    https://api.openai.com,      OPENAI,           false, REFUSE",
            // a defined upstream on a vendor's host
            "ANTHROPIC, direct,    https://api.anthropic.com,   ANTHROPIC,        false, FORWARD",
            "ANTHROPIC, direct,    https://API.OpenAI.com.,     OPENAI_CHAT,      false, REFUSE",
            "OPENAI,    direct,    https://chatgpt.com,         OPENAI_RESPONSES, false, FORWARD",
            // loopback: the client's family keeps its headers (a local stand-in); the other family loses them
            "ANTHROPIC, local,     http://127.0.0.1:8080,       ANTHROPIC,        false, FORWARD",
            "ANTHROPIC, local,     http://localhost:8080,       OPENAI_CHAT,      false, STRIP",
            "OPENAI,    local,     http://[::1]:8080,           ANTHROPIC,        false, STRIP",
            "OPENAI,    local,     http://127.9.9.9:8080,       OPENAI,           false, FORWARD",
            // a third party without a key of its own, whatever it speaks
            "ANTHROPIC, deepseek,  https://api.deepseek.com,    ANTHROPIC,        false, REFUSE",
            "OPENAI,    deepseek,  https://api.deepseek.com,    OPENAI_CHAT,      false, REFUSE",
            "ANTHROPIC, lan,       http://192.168.1.5:11434,    OPENAI_CHAT,      false, REFUSE",
            "ANTHROPIC, sneaky,    http://127.0.0.1.evil.com,   ANTHROPIC,        false, REFUSE",
            // an own key always wins
            "ANTHROPIC, deepseek,  https://api.deepseek.com,    OPENAI_CHAT,      true,  OWN_KEY",
            "OPENAI,    anthropic, https://api.anthropic.com,   ANTHROPIC,        true,  OWN_KEY",
            "ANTHROPIC, local,     http://127.0.0.1:8080,       ANTHROPIC,        true,  OWN_KEY"})
    void decides(Dialect client, String name, String url, Dialect dialect, boolean ownKey, Decision expected) {
        HttpHeaders headers = new DefaultHttpHeaders().add(client == Dialect.ANTHROPIC ? "x-api-key" : "authorization",
                "secret");
        assertThat(CredentialPolicy.decide(client, upstream(name, url, dialect, ownKey), headers)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"user-agent, false", "x-claude-code-session-id, false", "anthropic-version, false",
            "x-api-key, true", "Authorization, true", "cookie, true", "chatgpt-account-id, true",
            "openai-organization, true", "x-goog-api-key, true"})
    void aRequestWithoutCredentialsHasNothingToLeakAndGoesEvenToAThirdParty(String header, boolean credential) {
        UpstreamConfig third = upstream("deepseek", "https://api.deepseek.com", Dialect.OPENAI_CHAT, false);
        HttpHeaders headers = new DefaultHttpHeaders().add(header, "v").add("content-type", "application/json");
        assertThat(CredentialPolicy.decide(Dialect.ANTHROPIC, third, headers))
                .isEqualTo(credential ? Decision.REFUSE : Decision.FORWARD);
    }

    @ParameterizedTest
    @CsvSource({"https://gateway.corp, ANTHROPIC", "http://192.168.1.5:11434, ANTHROPIC", "https://api.openai.com, OPENAI"})
    void aGatewayTheUserSaysExpectsTheClientsOwnCredentialGetsIt(String url, Dialect dialect) {
        UpstreamConfig base = upstream("gateway", url, dialect, false);
        HttpHeaders headers = new DefaultHttpHeaders().add("x-api-key", "secret");
        assertThat(CredentialPolicy.decide(Dialect.ANTHROPIC, base, headers)).isEqualTo(Decision.REFUSE);
        UpstreamConfig optedIn = new UpstreamConfig(base.name(), base.url(), base.dialect(), base.connectTimeout(),
                base.headTimeout(), base.idleTimeout(), base.maxIdleConnections(), base.proxy(), base.tls(),
                base.breaker(), base.retry(), base.bulkhead(), base.fallback(), Optional.empty(),
                new HeadersConfig(List.of(), List.of(), true));
        assertThat(CredentialPolicy.decide(Dialect.ANTHROPIC, optedIn, headers)).isEqualTo(Decision.FORWARD);
        assertThat(CredentialPolicy.refusal(Dialect.ANTHROPIC, base))
                .contains("upstreams.gateway.api-key-env", "upstreams.gateway.headers.forward-client-credentials: true")
                .doesNotContain("secret");
    }
}
