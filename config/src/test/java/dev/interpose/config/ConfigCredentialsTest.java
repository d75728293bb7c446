package dev.interpose.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** An upstream's dialect, its own key (from the environment or a file) and its header edits. */
@Timeout(10)
class ConfigCredentialsTest {
    private static final String KEY = "sk-test-0123456789abcdef";

    @TempDir
    Path dir;

    private Path file(String... lines) throws Exception {
        return Files.writeString(dir.resolve("config.yaml"), String.join("\n", lines) + "\n");
    }

    private static List<String> problems(Map<String, String> env, Path file) {
        try {
            ConfigLoader.load(env, Overrides.none(), List.of(file));
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected the configuration to be refused");
    }

    @Test
    void everyDialectIsAcceptedAndOpenaiStaysAsItWas() throws Exception {
        Path config = file("upstreams:",
                "  a:", "    url: http://127.0.0.1:1", "    dialect: anthropic",
                "  o:", "    url: http://127.0.0.1:2", "    dialect: openai",
                "  r:", "    url: http://127.0.0.1:3", "    dialect: openai-responses",
                "  c:", "    url: http://127.0.0.1:4", "    dialect: openai-chat",
                "routes:", "  - dialect: openai-chat", "    upstream: c");
        InterposeConfig c = ConfigLoader.load(Map.of(), Overrides.none(), List.of(config));
        assertThat(List.of("a", "o", "r", "c")).extracting(n -> c.upstream(n).dialect())
                .containsExactly(Dialect.ANTHROPIC, Dialect.OPENAI, Dialect.OPENAI_RESPONSES, Dialect.OPENAI_CHAT);
        assertThat(c.upstream("openai").dialect()).isEqualTo(Dialect.OPENAI);
        assertThat(c.routes().get(0).dialect()).contains(Dialect.OPENAI_CHAT);
        assertThat(c.upstream("c").apiKey()).isEmpty();
        assertThat(c.upstream("c").headers()).isEqualTo(HeadersConfig.NONE);
        assertThat(ConfigLoader.resolve(Map.of(), Overrides.none(), List.of(config)).get("upstreams.c.dialect").value())
                .isEqualTo("openai-chat");
    }

    @Test
    void aBadDialectNamesFileLineKeyAndTheAcceptedValues() throws Exception {
        Path config = file("upstreams:",
                "  c:", "    url: http://127.0.0.1:4", "    dialect: openai_chat",
                "  d:", "    url: http://127.0.0.1:5", "    dialect: OpenAI-Chat",
                "routes:", "  - dialect: chat", "    upstream: c");
        String f = config.toString();
        assertThat(problems(Map.of(), config)).containsExactly(
                f + ":4:14: upstreams.c.dialect: \"openai_chat\" (expected: anthropic, openai, openai-responses or openai-chat)",
                f + ":7:14: upstreams.d.dialect: \"OpenAI-Chat\" (expected: anthropic, openai, openai-responses or openai-chat)",
                f + ":9:14: routes[0].dialect: \"chat\" (expected: anthropic, openai, openai-responses or openai-chat)");
    }

    @Test
    void fallbacksStillSpeakExactlyTheSameDialect() throws Exception {
        Path config = file("upstreams:",
                "  c:", "    url: http://127.0.0.1:4", "    dialect: openai-chat", "    fallback: o",
                "  o:", "    url: http://127.0.0.1:2", "    dialect: openai");
        assertThat(problems(Map.of(), config)).singleElement().asString()
                .contains("upstreams.c.fallback").contains("upstreams of the same dialect; o speaks openai");
    }

    @Test
    void theKeyIsReadFromTheVariableTheUpstreamNames() throws Exception {
        Path config = file("upstreams:",
                "  deepseek:", "    url: https://api.deepseek.com", "    dialect: openai-chat",
                "    api-key-env: DEEPSEEK_API_KEY",
                "  azure:", "    url: https://x.openai.azure.com", "    dialect: openai-chat",
                "    api-key-env: AZURE_KEY", "    api-key-header: api-key");
        InterposeConfig c = ConfigLoader.load(Map.of("DEEPSEEK_API_KEY", "  " + KEY + "\n", "AZURE_KEY", "az"),
                Overrides.none(), List.of(config));
        ApiKey key = c.upstream("deepseek").apiKey().orElseThrow();
        assertThat(key.value()).isEqualTo(KEY);
        assertThat(key.header()).isNull();
        assertThat(key.source()).isEqualTo("environment variable DEEPSEEK_API_KEY");
        assertThat(c.upstream("azure").apiKey().orElseThrow().header()).isEqualTo("api-key");
        // printing the records (a log line, a failed assertion) never shows the key
        assertThat(c.toString()).doesNotContain(KEY).contains("ApiKey[environment variable DEEPSEEK_API_KEY, ***]");
        assertThat(ConfigLoader.resolve(Map.of("DEEPSEEK_API_KEY", KEY, "AZURE_KEY", "az"), Overrides.none(),
                List.of(config)).values()).noneMatch(s -> s.value().contains(KEY))
                .anyMatch(s -> s.key().equals("upstreams.deepseek.api-key-env") && s.value().equals("DEEPSEEK_API_KEY"));
    }

    @Test
    void aMissingOrEmptyVariableIsAProblemNamingTheKeyAndTheVariable() throws Exception {
        Path config = file("upstreams:",
                "  deepseek:", "    url: https://api.deepseek.com", "    dialect: openai-chat",
                "    api-key-env: DEEPSEEK_API_KEY",
                "  qwen:", "    url: https://dashscope.example", "    dialect: openai-chat",
                "    api-key-env: QWEN_KEY");
        String f = config.toString();
        assertThat(problems(Map.of("QWEN_KEY", " "), config)).containsExactly(
                f + ":5:18: upstreams.deepseek.api-key-env: \"DEEPSEEK_API_KEY\" (expected: the name of an environment"
                        + " variable set for the proxy; DEEPSEEK_API_KEY is not set)",
                f + ":9:18: upstreams.qwen.api-key-env: \"QWEN_KEY\" (expected: the name of an environment variable set"
                        + " for the proxy; QWEN_KEY is empty)");
    }

    @Test
    void aKeyPastedWhereTheVariableBelongsIsNotRepeated() throws Exception {
        Path config = file("upstreams:",
                "  deepseek:", "    url: https://api.deepseek.com", "    dialect: openai-chat",
                "    api-key-env: " + KEY);
        assertThat(problems(Map.of(), config)).singleElement().asString()
                .contains("upstreams.deepseek.api-key-env: \"***\" (expected: the name of an environment variable")
                .doesNotContain(KEY);
    }

    @Test
    void theKeyIsReadFromAFileRelativeToTheConfigAndTrimmed() throws Exception {
        Files.writeString(dir.resolve("deepseek.key"), KEY + "\n");
        Path config = file("upstreams:",
                "  deepseek:", "    url: https://api.deepseek.com", "    dialect: openai-chat",
                "    api-key-file: deepseek.key");
        ApiKey key = ConfigLoader.load(Map.of(), Overrides.none(), List.of(config)).upstream("deepseek").apiKey()
                .orElseThrow();
        assertThat(key.value()).isEqualTo(KEY);
        assertThat(key.source()).isEqualTo("file " + dir.resolve("deepseek.key"));
    }

    @Test
    void anUnreadableEmptyOrDoubleKeyIsAProblemThatNeverShowsWhatTheFileHolds() throws Exception {
        Files.writeString(dir.resolve("empty.key"), "\n \n");
        Files.writeString(dir.resolve("two.key"), KEY + "\n" + KEY + "\n");
        Path locked = Files.writeString(dir.resolve("locked.key"), KEY);
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        if (posix) {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        }
        Path config = file("upstreams:",
                "  a:", "    url: https://a.example", "    dialect: anthropic", "    api-key-file: missing.key",
                "  b:", "    url: https://b.example", "    dialect: anthropic", "    api-key-file: empty.key",
                "  c:", "    url: https://c.example", "    dialect: anthropic", "    api-key-file: two.key",
                "  d:", "    url: https://d.example", "    dialect: anthropic", "    api-key-file: two.key",
                "    api-key-env: D_KEY",
                "  e:", "    url: https://e.example", "    dialect: anthropic", "    api-key-header: x-key",
                "  f:", "    url: https://f.example", "    dialect: anthropic", "    api-key-file: locked.key");
        List<String> problems = problems(Map.of("D_KEY", "d"), config);
        assertThat(problems).noneMatch(p -> p.contains(KEY));
        assertThat(problems).anyMatch(p -> p.contains("upstreams.a.api-key-file: \"missing.key\" (expected: a readable"
                + " file holding the key; " + dir.resolve("missing.key") + " cannot be read (NoSuchFileException))"));
        assertThat(problems).anyMatch(p -> p.contains("upstreams.b.api-key-file") && p.contains("is empty"));
        assertThat(problems).anyMatch(p -> p.contains("upstreams.c.api-key-file") && p.contains("holds several lines"));
        assertThat(problems).anyMatch(p -> p.contains("upstreams.d.api-key-file")
                && p.contains("either api-key-env or api-key-file, not both"));
        assertThat(problems).anyMatch(p -> p.contains("upstreams.e.api-key-header")
                && p.contains("empty unless api-key-env or api-key-file is set"));
        if (posix && !"root".equals(System.getProperty("user.name"))) {
            assertThat(problems).anyMatch(p -> p.contains("upstreams.f.api-key-file")
                    && p.contains("cannot be read (AccessDeniedException)"));
        }
    }

    @Test
    void headersAreAddedAndRemovedPerUpstreamAndCredentialsCannotBeAdded() throws Exception {
        Path config = file("upstreams:",
                "  local:", "    url: http://127.0.0.1:8080", "    dialect: openai-chat",
                "    headers:", "      add:", "        - \"X-Team: infra\"", "        - \"x-empty:\"",
                "      remove: [X-Foo, x-stainless-os]", "      forward-client-credentials: true",
                "  other:", "    url: https://gateway.corp", "    dialect: anthropic");
        InterposeConfig loaded = ConfigLoader.load(Map.of(), Overrides.none(), List.of(config));
        HeadersConfig headers = loaded.upstream("local").headers();
        assertThat(headers.add()).containsExactly(new HeadersConfig.Header("X-Team", "infra"),
                new HeadersConfig.Header("x-empty", ""));
        assertThat(headers.remove()).containsExactly("x-foo", "x-stainless-os");
        assertThat(headers.forwardClientCredentials()).isTrue();
        assertThat(loaded.upstream("other").headers().forwardClientCredentials()).as("off unless asked").isFalse();

        Path bad = file("upstreams:",
                "  local:", "    url: http://127.0.0.1:8080", "    dialect: openai-chat",
                "    headers:",
                "      add:", "        - \"Authorization: Bearer " + KEY + "\"", "        - \"Host: x\"",
                "        - no colon", "        - \"X-Team: ok\"",
                "      remove: \"x-foo\"",
                "  other:", "    url: http://127.0.0.1:8081", "    dialect: openai-chat",
                "    headers:", "      add: {X-Foo: bar}");
        List<String> problems = problems(Map.of(), bad);
        String f = bad.toString();
        assertThat(problems).contains(
                f + ":7:11: upstreams.local.headers.add[0]: \"Authorization: Bearer " + KEY + "\" (expected: a header"
                        + " written Name: value, not a credential (give a key with api-key-env or api-key-file) nor one"
                        + " the proxy sets itself (host, content-length, transfer-encoding, connection, keep-alive, te,"
                        + " trailer, upgrade, expect))");
        assertThat(problems).anyMatch(p -> p.startsWith(f + ":8:11: upstreams.local.headers.add[1]: \"Host: x\""));
        assertThat(problems).anyMatch(p -> p.startsWith(f + ":9:11: upstreams.local.headers.add[2]: \"no colon\""));
        assertThat(problems).anyMatch(p -> p.equals(f + ":11:15: upstreams.local.headers.remove: \"x-foo\" (expected:"
                + " a list of header names)"));
        assertThat(problems).anyMatch(p -> p.startsWith(f + ":16:12: upstreams.other.headers.add: \"<mapping>\""
                + " (expected: a list of headers, each written Name: value)"));
        assertThat(problems).hasSize(5);
    }

    @Test
    void aLaterFileReplacesAnUpstreamsHeaderListWhole() throws Exception {
        Path user = Files.writeString(dir.resolve("user.yaml"), String.join("\n", "upstreams:", "  local:",
                "    url: http://127.0.0.1:8080", "    dialect: openai-chat", "    headers:", "      add:",
                "        - \"X-A: 1\"", "        - \"X-B: 2\"", ""));
        Path project = Files.writeString(dir.resolve("project.yaml"), String.join("\n", "upstreams:", "  local:",
                "    headers:", "      add: [\"X-C: 3\"]", ""));
        assertThat(ConfigLoader.load(Map.of(), Overrides.none(), List.of(user, project)).upstream("local").headers()
                .add()).containsExactly(new HeadersConfig.Header("X-C", "3"));
        assertThat(Optional.of(user)).isPresent();
    }
}
