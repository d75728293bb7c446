package dev.interpose.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Codex's own hook file ({@code $CODEX_HOME/hooks.json}) with the real {@code codex exec} and the real Claude Code
 * through the packaged proxy: Codex runs its hook itself and the proxy does not run it again; for Claude Code the
 * proxy runs it.
 */
class CodexHookFilesIT extends ThroughProxy {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    String upstreamVariable() {
        return "INTERPOSE_UPSTREAM_OPENAI";
    }

    /** {@code home/.codex/hooks.json}: a PreToolUse hook on every tool that logs its input and lets the call run. */
    private Path loggingHook(Path home, Path seen) throws Exception {
        Path codexHome = Files.createDirectories(home.resolve(".codex"));
        Path hook = codexHome.resolve("log-call.sh");
        Files.writeString(hook, String.join("\n", "#!/usr/bin/env bash", "jq -c . >> " + seen, ""));
        assertThat(hook.toFile().setExecutable(true)).isTrue();
        Files.writeString(codexHome.resolve("hooks.json"), "{\"hooks\":{\"PreToolUse\":[{\"hooks\":[{\"type\":"
                + "\"command\",\"command\":\"" + hook + "\",\"timeout\":30}]}]}}");
        return codexHome;
    }

    @Test
    void codexRunsItsOwnHookOnceAndTheProxyListsItButDoesNotRunItAgain() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path work = Files.createDirectories(dir.resolve("work"));
        Files.writeString(work.resolve("marker.txt"), "PINEAPPLE-7731\n");
        Path seen = dir.resolve("seen.jsonl");
        Path codexHome = loggingHook(home, seen);
        upstream.responsesRunsThenAnswers("cat marker.txt", "The command printed PINEAPPLE-7731.");
        Map<String, String> env = Map.of(upstreamVariable(), upstream.baseUrl(), "CODEX_HOME", codexHome.toString());

        InterposeProcess.Result list = InterposeProcess.run(env, "list", "--project-dir", work.toString());
        assertThat(list.stdout()).containsPattern("codex:PreToolUse\\[]#1 +user +codex hook +" + codexHome.resolve("hooks.json"));

        try (InterposeProcess hooked = InterposeProcess.start(env, "--project-dir", work.toString())) {
            Cli.Run run = Cli.codexRunningItsHooks(home, work, hooked.baseUrl() + "/v1", "show marker.txt");

            assertThat(run.exitCode()).as("codex exit: %s", run).isZero();
            assertThat(run.stdout().trim()).isEqualTo("The command printed PINEAPPLE-7731.");
            List<String> bodies = upstream.bodies("/v1/responses");
            assertThat(bodies.get(bodies.size() - 1)).contains("function_call_output").contains("PINEAPPLE-7731");
            hooked.awaitLine("\"client\":\"codex\"", "\"outcome\":\"ok\"");
            assertThat(hooked.stop()).isZero();
            assertThat(String.join("\n", hooked.stdout())).as("the proxy ran no hook").doesNotContain("\"hook\":");
        }
        List<String> runs = Files.readAllLines(seen);
        assertThat(runs).as("Codex ran its hook once, and the proxy did not run it again").hasSize(1);
        JsonNode input = JSON.readTree(runs.get(0));
        assertThat(input.path("tool_name").asText()).isEqualTo("Bash");
        assertThat(input.path("tool_input").path("command").asText()).contains("cat marker.txt");
        assertThat(input.has("interpose")).as("Codex's own run, not the proxy's").isFalse();
    }

    @Test
    void theSameKindOfHookGuardsClaudeCodeThroughTheProxy() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path work = Files.createDirectories(dir.resolve("work"));
        Path marker = Files.writeString(work.resolve("marker.txt"), "PINEAPPLE-7731\n");
        Path seen = dir.resolve("seen.jsonl");
        Path codexHome = Files.createDirectories(dir.resolve("codex-home"));
        Path hook = codexHome.resolve("no-marker.sh");
        Files.writeString(hook, String.join("\n", "#!/usr/bin/env bash", "input=$(cat)", "echo \"$input\" >> " + seen,
                "file=$(echo \"$input\" | jq -r '.tool_input.file_path // empty')",
                "case \"$file\" in *marker.txt) echo \"reading $(basename \"$file\") is not allowed\" >&2; exit 2;; esac",
                ""));
        assertThat(hook.toFile().setExecutable(true)).isTrue();
        Files.writeString(codexHome.resolve("hooks.json"), "{\"hooks\":{\"PreToolUse\":[{\"matcher\":\"*\",\"hooks\":"
                + "[{\"type\":\"command\",\"command\":\"" + hook + "\"}]}]}}");
        upstream.anthropicReadsThenAnswers(marker.toAbsolutePath(), "The file says PINEAPPLE-7731.");
        try (InterposeProcess hooked = InterposeProcess.start(Map.of("INTERPOSE_UPSTREAM_ANTHROPIC", upstream.baseUrl(),
                "CODEX_HOME", codexHome.toString()), "--project-dir", work.toString())) {
            Cli.Run run = Cli.claude(home, work, hooked.baseUrl(), "read marker.txt");

            assertThat(run.exitCode()).as("claude exit: %s", run).isZero();
            JsonNode result = JSON.readTree(run.stdout());
            assertThat(result.path("result").asText()).contains("Interpose denied the Read tool call: hook"
                    + " codex:PreToolUse[*]#1 said: reading marker.txt is not allowed");
            assertThat(upstream.bodies("/v1/messages")).isNotEmpty()
                    .noneSatisfy(b -> assertThat(b).contains("tool_result"));
            assertThat(hooked.stop()).isZero();
        }
        JsonNode input = JSON.readTree(Files.readAllLines(seen).get(0));
        assertThat(input.path("tool_name").asText()).isEqualTo("Read");
        assertThat(input.path("turn_id").asText()).as("Codex's shape").isNotEmpty();
        assertThat(input.path("interpose").path("client").asText()).isEqualTo("claude");
    }
}
