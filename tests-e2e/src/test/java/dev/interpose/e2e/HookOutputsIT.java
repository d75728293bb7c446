package dev.interpose.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a hook says for the person, seen in what the real CLIs print: a {@code systemMessage} shown before the
 * model's answer, and {@code "continue": false} with a {@code stopReason} answered as a normal turn, with nothing
 * sent upstream. One Claude-format hook file, both CLIs.
 */
class HookOutputsIT extends ThroughProxy {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    String upstreamVariable() {
        return "INTERPOSE_UPSTREAM_ANTHROPIC"; // Claude Code's; Codex's upstream is set per proxy below
    }

    private InterposeProcess proxyWith(Path project, String hookOutput) throws Exception {
        Path hook = project.resolve(".interpose/hooks/say.sh");
        Files.createDirectories(hook.getParent());
        Files.writeString(hook, "#!/usr/bin/env bash\n# interpose-event: UserPromptSubmit\ncat > /dev/null\necho '"
                + hookOutput + "'\n");
        assertThat(hook.toFile().setExecutable(true)).isTrue();
        return InterposeProcess.start(Map.of("INTERPOSE_UPSTREAM_ANTHROPIC", upstream.baseUrl(),
                "INTERPOSE_UPSTREAM_OPENAI", upstream.baseUrl()), "--project-dir", project.toString());
    }

    @Test
    void aSystemMessageIsShownBeforeTheAnswerInClaudeCodeAndCodex() throws Exception {
        upstream.anthropicAnswers("The model's own answer.");
        upstream.responsesAnswers("The model's own answer.");
        Path project = Files.createDirectories(dir.resolve("project"));
        try (InterposeProcess hooked = proxyWith(project, "{\"systemMessage\": \"Policy checked by the team hook.\"}")) {
            Path work = Files.createDirectories(dir.resolve("work"));
            Cli.Run claude = Cli.claude(Files.createDirectories(dir.resolve("home-claude")), work, hooked.baseUrl(),
                    "say hi");
            assertThat(claude.exitCode()).as("claude: %s", claude).isZero();
            String said = JSON.readTree(claude.stdout()).path("result").asText();
            assertThat(said).contains("[hook] Policy checked by the team hook.").contains("The model's own answer.");
            assertThat(said.indexOf("[hook]")).isLessThan(said.indexOf("The model's own answer."));

            Cli.Run codex = Cli.codex(Files.createDirectories(dir.resolve("home-codex")), work, hooked.baseUrl() + "/v1",
                    "say hi");
            assertThat(codex.exitCode()).as("codex: %s", codex).isZero();
            assertThat(codex.stdout()).contains("The model's own answer.");
            assertThat(codex.stdout() + codex.stderr()).contains("[hook] Policy checked by the team hook.");
            assertThat(hooked.stop()).isZero();
        }
    }

    @Test
    void continueFalseAnswersWithTheStopReasonAndSendsNothingUpstream() throws Exception {
        Path project = Files.createDirectories(dir.resolve("project"));
        try (InterposeProcess hooked = proxyWith(project,
                "{\"continue\": false, \"stopReason\": \"Stopped: the repository is frozen for the release.\"}")) {
            Path work = Files.createDirectories(dir.resolve("work"));
            Cli.Run claude = Cli.claude(Files.createDirectories(dir.resolve("home-claude")), work, hooked.baseUrl(),
                    "deploy it");
            assertThat(claude.exitCode()).as("claude: %s", claude).isZero();
            assertThat(JSON.readTree(claude.stdout()).path("result").asText())
                    .contains("Stopped: the repository is frozen for the release.");

            Cli.Run codex = Cli.codex(Files.createDirectories(dir.resolve("home-codex")), work, hooked.baseUrl() + "/v1",
                    "deploy it");
            assertThat(codex.exitCode()).as("codex: %s", codex).isZero();
            assertThat(codex.stdout().trim()).isEqualTo("Stopped: the repository is frozen for the release.");
            assertThat(upstream.bodies("/v1/messages")).noneMatch(b -> b.contains("deploy it"));
            assertThat(upstream.bodies("/v1/responses")).noneMatch(b -> b.contains("deploy it"));
            assertThat(hooked.stop()).isZero();
        }
    }
}
