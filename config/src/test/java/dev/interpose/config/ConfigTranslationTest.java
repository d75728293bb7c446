package dev.interpose.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code upstreams.<name>.translation}: its output limits per upstream, defaults, and the problems of bad entries. */
@Timeout(10)
class ConfigTranslationTest {
    @TempDir
    Path dir;

    private Path file(String... lines) throws Exception {
        return Files.writeString(dir.resolve("config.yaml"), String.join("\n", lines) + "\n");
    }

    @Test
    void eachUpstreamHasItsOwnLimitsAndTheOthersTheDefaults() throws Exception {
        InterposeConfig c = ConfigLoader.load(Map.of(), Overrides.none(), List.of(file(
                "upstreams:",
                "  anthropic:",
                "    translation:",
                "      max-tokens-default: 4096",
                "  local:",
                "    url: http://127.0.0.1:8080",
                "    dialect: openai-chat",
                "    translation:",
                "      max-tokens-cap: 16384")));
        assertThat(c.upstream("anthropic").translation()).isEqualTo(new TranslationConfig(4096, 0));
        assertThat(c.upstream("local").translation()).isEqualTo(new TranslationConfig(32000, 16384));
        assertThat(c.upstream("openai").translation()).isEqualTo(TranslationConfig.DEFAULT);
    }

    @Test
    void aBadLimitOrAMisspeltKeyNamesItsFileLineAndKey() throws Exception {
        Path config = file(
                "upstreams:",
                "  anthropic:",
                "    translation:",
                "      max-tokens-default: 0",
                "      max-tokens-cap: lots",
                "      max-token-default: 10");
        String f = config.toString();
        List<String> problems;
        try {
            ConfigLoader.load(Map.of(), Overrides.none(), List.of(config));
            throw new AssertionError("loaded");
        } catch (ConfigException e) {
            problems = e.problems();
        }
        assertThat(problems).hasSize(3);
        assertThat(problems).contains(
                f + ":4:27: upstreams.anthropic.translation.max-tokens-default: \"0\" (expected: a token count from 1"
                        + " to 10000000)",
                f + ":5:23: upstreams.anthropic.translation.max-tokens-cap: \"lots\" (expected: a token count from 0"
                        + " (no cap) to 10000000)");
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith(f + ":6:26: upstreams.anthropic.translation"
                + ".max-token-default: unknown key (expected one of: ").contains(
                        "upstreams.anthropic.translation.max-tokens-default"));
    }
}
