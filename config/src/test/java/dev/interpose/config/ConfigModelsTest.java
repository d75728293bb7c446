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

/** {@code model-aliases} and {@code model-names}: what they hold, and the problems of bad entries. */
@Timeout(10)
class ConfigModelsTest {
    @TempDir
    Path dir;

    private Path file(String... lines) throws Exception {
        return Files.writeString(dir.resolve("config.yaml"), String.join("\n", lines) + "\n");
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
    void aliasesAreReadInOrderWithTheirUpstream() throws Exception {
        InterposeConfig c = ConfigLoader.load(Map.of(), Overrides.none(), List.of(file(
                "upstreams:",
                "  local:",
                "    url: http://127.0.0.1:8080",
                "    dialect: openai-chat",
                "model-aliases:",
                "  - match: \"claude-sonnet-*\"",
                "    model: qwen3-coder",
                "    upstream: local",
                "  - match: fast",
                "    model: claude-haiku-4-5")));
        assertThat(c.modelAliases()).hasSize(2);
        ModelAlias sonnet = c.modelAliases().get(0);
        assertThat(sonnet.model()).isEqualTo("qwen3-coder");
        assertThat(sonnet.upstream()).contains("local");
        assertThat(sonnet.matches("claude-sonnet-4-5", null)).isTrue();
        assertThat(sonnet.matches("sonnet", "claude-sonnet-4-5")).as("a short name matches as its full id").isTrue();
        assertThat(sonnet.matches("qwen3-coder", null)).as("its own model goes where it lives").isTrue();
        assertThat(sonnet.matches("claude-opus-4-5", null)).isFalse();
        assertThat(sonnet.literalName()).isNull();
        ModelAlias fast = c.modelAliases().get(1);
        assertThat(fast.upstream()).isEmpty();
        assertThat(fast.literalName()).isEqualTo("fast");
        assertThat(fast.matches("claude-haiku-4-5", null)).as("without an upstream, its own model is no match")
                .isFalse();
        assertThat(c.modelNames()).isEqualTo(ModelNames.DEFAULT);
    }

    @Test
    void shortNamesResolveByTheUpstreamsFamilyAndAreConfigurable() throws Exception {
        assertThat(ModelNames.DEFAULT.resolve("sonnet", Dialect.ANTHROPIC)).isEqualTo("claude-sonnet-4-5");
        assertThat(ModelNames.DEFAULT.resolve("opus", Dialect.ANTHROPIC)).isEqualTo("claude-opus-4-5");
        assertThat(ModelNames.DEFAULT.resolve("haiku", Dialect.ANTHROPIC)).isEqualTo("claude-haiku-4-5");
        assertThat(ModelNames.DEFAULT.resolve("haiku", Dialect.OPENAI_CHAT)).isEqualTo("gpt-5-mini");
        assertThat(ModelNames.DEFAULT.resolve("claude-sonnet-4-5", Dialect.ANTHROPIC)).isNull();
        assertThat(ModelNames.inherits("inherit")).isTrue();
        assertThat(ModelNames.inherits(null)).isTrue();
        assertThat(ModelNames.inherits("sonnet")).isFalse();

        InterposeConfig c = ConfigLoader.load(Map.of(), Overrides.none(), List.of(file(
                "model-names:",
                "  anthropic: [sonnet=claude-sonnet-4-6, opus=claude-opus-4-6]",
                "  openai:",
                "    - sonnet=gpt-5.1")));
        assertThat(c.modelNames().resolve("sonnet", Dialect.ANTHROPIC)).isEqualTo("claude-sonnet-4-6");
        assertThat(c.modelNames().resolve("haiku", Dialect.ANTHROPIC)).as("a list is replaced whole").isNull();
        assertThat(c.modelNames().resolve("sonnet", Dialect.OPENAI)).isEqualTo("gpt-5.1");
    }

    @Test
    void everyBadEntryNamesItsFileLineKeyAndExpectation() throws Exception {
        Path config = file(
                "model-aliases:",
                "  - match: \"claude-sonnet-*\"",
                "    upstream: nowhere",
                "  - model: qwen3-coder",
                "  - match: \"\"",
                "    model: two words",
                "  - just text",
                "  - match: x",
                "    model: y",
                "    weight: 2",
                "model-names:",
                "  anthropic: [sonnet]");
        String f = config.toString();
        assertThat(problems(config)).containsExactlyInAnyOrder(
                f + ":7:5: model-aliases[3]: \"just text\" (expected: a mapping of match, model and optionally upstream)",
                f + ":10:13: model-aliases[4].weight: unknown key (expected one of: model-aliases[4].match,"
                        + " model-aliases[4].model, model-aliases[4].upstream)",
                f + ":12:15: model-names.anthropic[0]: \"sonnet\" (expected: name=model, such as sonnet=claude-sonnet-4-5)",
                f + ":2:12: model-aliases[0].model: missing (expected: a model name without spaces, such as qwen3-coder)",
                f + ":3:15: model-aliases[0].upstream: \"nowhere\" (expected: the name of an upstream: anthropic, openai,"
                        + " chatgpt)",
                f + ":4:12: model-aliases[1].match: missing (expected: a model pattern without spaces, such as"
                        + " claude-sonnet-* or sonnet)",
                f + ":5:12: model-aliases[2].match: \"\" (expected: a model pattern without spaces, such as"
                        + " claude-sonnet-* or sonnet)",
                f + ":6:12: model-aliases[2].model: \"two words\" (expected: a model name without spaces, such as"
                        + " qwen3-coder)");
    }

    @Test
    void theRecordsRefuseWhatAFileCouldNotSay() {
        assertThatThrownBy(() -> new ModelAlias(new Glob("a b"), "m", Optional.empty()))
                .hasMessageContaining("model-aliases[].match");
        assertThatThrownBy(() -> ModelNames.of(List.of("sonnet"), List.of()))
                .hasMessageContaining("model-names.anthropic");
    }

    @Test
    void aModelIdsFamilyNamesTheVendorWhoseUpstreamServesIt() {
        assertThat(ModelNames.DEFAULT.family("claude-sonnet-4-5-20250929")).isEqualTo(Dialect.ANTHROPIC);
        assertThat(ModelNames.DEFAULT.family("gpt-5-codex")).isEqualTo(Dialect.OPENAI);
        assertThat(ModelNames.DEFAULT.family("o3-mini")).isEqualTo(Dialect.OPENAI);
        assertThat(ModelNames.DEFAULT.family("o4")).isEqualTo(Dialect.OPENAI);
        assertThat(ModelNames.DEFAULT.family("opus")).as("a short name lives wherever it is sent").isNull();
        assertThat(ModelNames.DEFAULT.family("qwen3-coder")).isNull();
        assertThat(ModelNames.DEFAULT.family("ollama-model")).isNull();
        assertThat(ModelNames.DEFAULT.family(null)).isNull();
        ModelNames mine = ModelNames.of(List.of("sonnet=my-claude"), List.of("sonnet=my-gpt"));
        assertThat(mine.family("my-claude")).isEqualTo(Dialect.ANTHROPIC);
        assertThat(mine.family("my-gpt")).isEqualTo(Dialect.OPENAI);
    }

    @Test
    void anAgentFileKeepsItsToolsDisallowedToolsAndMaxTurns() throws Exception {
        Path file = Files.writeString(dir.resolve("reviewer.md"), "---\nname: reviewer\nmodel: inherit\n"
                + "tools: Read, Bash(git diff:*, git log:*)\ndisallowedTools: [Write, Edit]\nmaxTurns: 5\n"
                + "color: blue\n---\nYou review.\n");
        AgentDefinition agent = AgentDefinition.read("reviewer", file);
        assertThat(agent.model()).as("inherit").isNull();
        assertThat(agent.tools()).containsExactly("Read", "Bash(git diff:*, git log:*)");
        assertThat(agent.disallowedTools()).containsExactly("Write", "Edit");
        assertThat(agent.maxTurns()).isEqualTo(5);
        Path loose = Files.writeString(dir.resolve("loose.md"), "---\nmaxTurns: many\n---\nYou help.\n");
        assertThat(AgentDefinition.read("loose", loose).maxTurns()).as("accepted as no limit").isZero();
    }
}
