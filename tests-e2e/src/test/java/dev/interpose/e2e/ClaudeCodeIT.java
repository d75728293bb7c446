package dev.interpose.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real Claude Code CLI working through the packaged proxy against a fake Anthropic API. */
class ClaudeCodeIT extends ThroughProxy {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    String upstreamVariable() {
        return "INTERPOSE_UPSTREAM_ANTHROPIC";
    }

    private JsonNode claude(String prompt) throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Cli.Run run = Cli.claude(Files.createDirectories(dir.resolve("home")), work, proxy.baseUrl(), prompt);
        assertThat(run.exitCode()).as("claude exit: %s", run).isZero();
        JsonNode result = JSON.readTree(run.stdout());
        assertThat(result.path("is_error").asBoolean()).as("claude reported an error: %s", run).isFalse();
        return result;
    }

    @Test
    void printsTheUpstreamsAnswer() throws Exception {
        upstream.anthropicAnswers("Interpose relayed this answer from the fake upstream.");

        JsonNode result = claude("say hi");

        assertThat(result.path("result").asText()).isEqualTo("Interpose relayed this answer from the fake upstream.");
        List<LoggedRequest> sent = upstream.requests("/v1/messages");
        assertThat(sent).isNotEmpty();
        LoggedRequest last = sent.get(sent.size() - 1);
        assertThat(last.getHeader("x-api-key")).isEqualTo("sk-ant-e2e-secret");
        assertThat(last.getHeader("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(last.getHeader("anthropic-beta")).isNotBlank();
        assertThat(last.getHeader("x-claude-code-session-id")).isNotBlank();
        assertThat(last.getUrl()).isEqualTo("/v1/messages?beta=true");
        assertThat(last.getBodyAsString()).contains("say hi");
        assertThat(proxy.awaitLine("\"client\":\"claude\"", "\"route\":\"anthropic.messages\"", "\"outcome\":\"ok\""))
                .doesNotContain("sk-ant-e2e-secret");
        assertThat(String.join("\n", proxy.stdout())).doesNotContain("sk-ant-e2e-secret");
    }

    @Test
    void aPreRequestHookChangesTheModelClaudeCodeAsksFor() throws Exception {
        upstream.anthropicAnswers("Answered by the model the hook chose.");
        try (InterposeProcess hooked = proxyWithHook("model.py", "#!/usr/bin/env python3",
                "# interpose-event: PreRequest", "import json, sys", "request = json.load(sys.stdin)['request']",
                "request['model'] = 'claude-e2e-hook-model'", "print(json.dumps({'interpose': {'request': request}}))")) {
            Path work = Files.createDirectories(dir.resolve("work"));
            Cli.Run run = Cli.claude(Files.createDirectories(dir.resolve("home")), work, hooked.baseUrl(), "say hi");

            assertThat(run.exitCode()).as("claude exit: %s", run).isZero();
            JsonNode result = JSON.readTree(run.stdout());
            assertThat(result.path("result").asText()).isEqualTo("Answered by the model the hook chose.");
            List<String> bodies = upstream.bodies("/v1/messages");
            assertThat(bodies).isNotEmpty().allSatisfy(b -> assertThat(JSON.readTree(b).path("model").asText())
                    .isEqualTo("claude-e2e-hook-model"));
            assertThat(hooked.awaitLine("\"route\":\"anthropic.messages\"", "\"model\":\"claude-e2e-hook-model\""))
                    .contains("\"client_model\":");
            assertThat(hooked.stop()).isZero();
        }
    }

    @Test
    void completesAToolCallRoundTrip() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path marker = Files.writeString(work.resolve("marker.txt"), "PINEAPPLE-7731\n");
        upstream.anthropicReadsThenAnswers(marker.toAbsolutePath(), "The file says PINEAPPLE-7731.");

        JsonNode result = claude("read marker.txt");

        assertThat(result.path("result").asText()).isEqualTo("The file says PINEAPPLE-7731.");
        List<String> bodies = upstream.bodies("/v1/messages");
        assertThat(bodies).hasSizeGreaterThanOrEqualTo(2);
        String followUp = bodies.get(bodies.size() - 1);
        assertThat(followUp).contains("tool_result").contains("toolu_fake_16445adea4914924a3e8")
                .contains("PINEAPPLE-7731");
    }

    @Test
    void aPreToolUseHookDeniesAToolInsideTheStreamAndClaudeCodeFinishesWithTheReason() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path marker = Files.writeString(work.resolve("marker.txt"), "PINEAPPLE-7731\n");
        upstream.anthropicReadsThenAnswers(marker.toAbsolutePath(), "The file says PINEAPPLE-7731.");
        try (InterposeProcess hooked = proxyWithHook("no-read.sh", "#!/usr/bin/env bash",
                "# interpose-event: PreToolUse", "# interpose-matcher: Read",
                "file=$(jq -r .tool_input.file_path)", "echo \"reading $(basename \"$file\") is not allowed\" >&2",
                "exit 2")) {
            Cli.Run run = Cli.claude(Files.createDirectories(dir.resolve("home")), work, hooked.baseUrl(),
                    "read marker.txt");

            assertThat(run.exitCode()).as("claude exit: %s", run).isZero();
            JsonNode result = JSON.readTree(run.stdout());
            assertThat(result.path("is_error").asBoolean()).as("claude reported an error: %s", run).isFalse();
            assertThat(result.path("result").asText()).contains(
                    "Interpose denied the Read tool call: hook no-read.sh said: reading marker.txt is not allowed");
            assertThat(upstream.bodies("/v1/messages")).isNotEmpty()
                    .noneSatisfy(b -> assertThat(b).contains("tool_result"));
            assertThat(hooked.awaitLine("\"hook\":\"no-read.sh\"", "\"event\":\"PreToolUse\""))
                    .contains("\"outcome\":\"block\"");
            assertThat(hooked.stop()).isZero();
        }
    }

    @Test
    void aSlashCommandFromTheProjectExpandsAndSlashCommandsListsIt() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        upstream.anthropicAnswers("Reviewed as the team asked.");
        try (InterposeProcess commands = proxyWithReviewCommand(work)) {
            Cli.Run run = Cli.claude(Files.createDirectories(dir.resolve("home")), work, commands.baseUrl(),
                    "/team-review src/Main.java");

            assertThat(run.exitCode()).as("claude exit: %s", run).isZero();
            assertThat(JSON.readTree(run.stdout()).path("result").asText()).isEqualTo("Reviewed as the team asked.");
            List<String> bodies = upstream.bodies("/v1/messages");
            assertThat(bodies).isNotEmpty();
            assertThat(bodies.get(bodies.size() - 1)).contains("Review @src/Main.java against the team checklist (ticket PINEAPPLE-7731).")
                    .contains("<file path=\\\"src/Main.java\\\">\\nclass Main { int answer = 42; }\\n</file>")
                    .doesNotContain("/team-review src/Main.java");
            assertThat(commands.awaitLine("\"command\":\"team-review\"", "\"outcome\":\"expanded\""))
                    .doesNotContain("src/Main.java");

            Cli.Run list = Cli.claude(Files.createDirectories(dir.resolve("home")), work, commands.baseUrl(), "/commands");
            assertThat(list.exitCode()).as("claude exit: %s", list).isZero();
            assertThat(JSON.readTree(list.stdout()).path("result").asText()).isEqualTo(
                    "Slash commands available through Interpose:\n\n/team-review <file> - Review a file for the team\n\n"
                            + "/commands - this list");
            assertThat(commands.stop()).isZero();
        }
    }

    @Test
    void aSecondRunIsAnsweredFromTheCacheWithTheUpstreamStopped() throws Exception {
        upstream.anthropicAnswers("Remembered by Interpose.");
        Path config = Files.writeString(dir.resolve("config.yaml"), "upstreams:\n  anthropic:\n    cache: true\n");
        try (InterposeProcess cached = InterposeProcess.start(java.util.Map.of(upstreamVariable(), upstream.baseUrl()),
                "--config", config.toString())) {
            Path home = Files.createDirectories(dir.resolve("home"));
            Path work = Files.createDirectories(dir.resolve("work"));
            Cli.Run first = Cli.claude(home, work, cached.baseUrl(), "say hi");
            assertThat(first.exitCode()).as("claude exit: %s", first).isZero();
            assertThat(JSON.readTree(first.stdout()).path("result").asText()).isEqualTo("Remembered by Interpose.");
            assertThat(cached.awaitLine("\"route\":\"anthropic.messages\"", "\"cache\":\"miss\""))
                    .contains("\"outcome\":\"ok\"");
            upstream.stop();

            Cli.Run second = Cli.claude(home, work, cached.baseUrl(), "say hi");
            assertThat(second.exitCode()).as("claude exit: %s", second).isZero();
            JsonNode result = JSON.readTree(second.stdout());
            assertThat(result.path("is_error").asBoolean()).as("claude reported an error: %s", second).isFalse();
            assertThat(result.path("result").asText()).isEqualTo("Remembered by Interpose.");
            assertThat(cached.awaitLine("\"route\":\"anthropic.messages\"", "\"cache\":\"hit\""))
                    .contains("\"outcome\":\"ok\"").contains("\"stream\":true");
            assertThat(cached.stop()).isZero();
        }
    }
}
