package dev.interpose.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real Codex CLI working through the packaged proxy against a fake Responses API. */
class CodexIT extends ThroughProxy {
    @Override
    String upstreamVariable() {
        return "INTERPOSE_UPSTREAM_OPENAI";
    }

    private Cli.Run codex(Path work, String prompt) throws Exception {
        Cli.Run run = Cli.codex(Files.createDirectories(dir.resolve("home")), work, proxy.baseUrl() + "/v1", prompt);
        assertThat(run.exitCode()).as("codex exit: %s", run).isZero();
        return run;
    }

    @Test
    void printsTheUpstreamsAnswer() throws Exception {
        upstream.responsesAnswers("Interpose relayed this answer from the fake upstream.");

        Cli.Run run = codex(Files.createDirectories(dir.resolve("work")), "say hi");

        assertThat(run.stdout().trim()).isEqualTo("Interpose relayed this answer from the fake upstream.");
        assertThat(Files.readString(dir.resolve("home/last.txt")).trim())
                .isEqualTo("Interpose relayed this answer from the fake upstream.");
        List<LoggedRequest> sent = upstream.requests("/v1/responses");
        assertThat(sent).isNotEmpty();
        LoggedRequest last = sent.get(sent.size() - 1);
        assertThat(last.getHeader("authorization")).isEqualTo("Bearer sk-openai-e2e-secret");
        assertThat(last.getHeader("originator")).isNotBlank();
        assertThat(last.getBodyAsString()).contains("say hi");
        assertThat(proxy.awaitLine("\"client\":\"codex\"", "\"route\":\"openai.responses\"", "\"outcome\":\"ok\""))
                .doesNotContain("sk-openai-e2e-secret");
        assertThat(String.join("\n", proxy.stdout())).doesNotContain("sk-openai-e2e-secret");
    }

    @Test
    void theBuiltInProviderFallsBackFromWebSocketToHttpAtOnce() throws Exception {
        upstream.responsesAnswers("Answered over HTTP after the 426.");
        long start = System.nanoTime();

        Cli.Run run = Cli.codexBuiltInProvider(Files.createDirectories(dir.resolve("home")),
                Files.createDirectories(dir.resolve("work")), proxy.baseUrl() + "/v1", "say hi");

        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(run.exitCode()).as("codex exit: %s", run).isZero();
        assertThat(run.stdout().trim()).isEqualTo("Answered over HTTP after the 426.");
        proxy.awaitLine("\"status\":426", "\"path\":\"/v1/responses\"");
        assertThat(tookMs).as("no multi-second stall on the refused upstream WebSocket").isLessThan(5000);
    }

    @Test
    void completesAToolCallRoundTrip() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Files.writeString(work.resolve("marker.txt"), "PINEAPPLE-7731\n");
        upstream.responsesRunsThenAnswers("cat marker.txt", "The command printed PINEAPPLE-7731.");

        Cli.Run run = codex(work, "show marker.txt");

        assertThat(run.stdout().trim()).isEqualTo("The command printed PINEAPPLE-7731.");
        List<String> bodies = upstream.bodies("/v1/responses");
        assertThat(bodies).hasSizeGreaterThanOrEqualTo(2);
        assertThat(bodies.get(bodies.size() - 1)).contains("function_call_output")
                .contains("call_fake_eb7c3bf8fa034cd88356").contains("PINEAPPLE-7731");
    }

    @Test
    void aUserPromptSubmitHookAddsContextThatTheUpstreamReceives() throws Exception {
        upstream.responsesAnswers("Answered with the hook's context.");
        try (InterposeProcess hooked = proxyWithHook("context.sh", "#!/usr/bin/env bash",
                "# interpose-event: UserPromptSubmit",
                "jq -r '\"Ticket context from Interpose: PINEAPPLE-7731 (prompt was: \" + .prompt + \")\"'")) {
            Cli.Run run = Cli.codex(Files.createDirectories(dir.resolve("home")),
                    Files.createDirectories(dir.resolve("work")), hooked.baseUrl() + "/v1", "say hi");

            assertThat(run.exitCode()).as("codex exit: %s", run).isZero();
            assertThat(run.stdout().trim()).isEqualTo("Answered with the hook's context.");
            List<String> bodies = upstream.bodies("/v1/responses");
            assertThat(bodies).isNotEmpty();
            assertThat(bodies.get(bodies.size() - 1))
                    .contains("Ticket context from Interpose: PINEAPPLE-7731 (prompt was: say hi)");
            assertThat(hooked.awaitLine("\"hook\":\"context.sh\"", "\"event\":\"UserPromptSubmit\""))
                    .contains("\"outcome\":\"context\"");
            assertThat(hooked.stop()).isZero();
        }
    }

    @Test
    void aPreToolUseHookDeniesACommandInsideTheStreamAndCodexFinishesWithTheReason() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path marker = Files.writeString(work.resolve("marker.txt"), "PINEAPPLE-7731\n");
        upstream.responsesRunsThenAnswers("rm marker.txt", "The command ran.");
        try (InterposeProcess hooked = proxyWithHook("no-rm.py", "#!/usr/bin/env python3",
                "# interpose-event: PreToolUse", "# interpose-matcher: exec_command|shell", "import json, sys",
                "command = json.load(sys.stdin)['tool_input'].get('cmd', '')",
                "if command.startswith('rm '):",
                "    print('deleting files is not allowed: ' + command, file=sys.stderr)", "    sys.exit(2)")) {
            // workspace-write: without the hook the rm would succeed, so the marker's survival is the hook's doing
            Cli.Run run = Cli.codexWritingInWorkDir(Files.createDirectories(dir.resolve("home")), work,
                    hooked.baseUrl() + "/v1", "delete marker.txt");

            assertThat(run.exitCode()).as("codex exit: %s", run).isZero();
            assertThat(run.stdout().trim()).isEqualTo("Interpose denied the exec_command tool call: hook no-rm.py said: "
                    + "deleting files is not allowed: rm marker.txt");
            assertThat(marker).exists();
            assertThat(upstream.bodies("/v1/responses")).isNotEmpty()
                    .noneSatisfy(b -> assertThat(b).contains("function_call_output"));
            assertThat(hooked.awaitLine("\"hook\":\"no-rm.py\"", "\"event\":\"PreToolUse\""))
                    .contains("\"outcome\":\"block\"");
            assertThat(hooked.stop()).isZero();
        }
    }

    /**
     * A proxy whose project holds a guard written for Claude Code: a {@code .claude/settings.json} PreToolUse
     * hook on {@code Bash} whose script checks {@code tool_name == "Bash"} and refuses {@code git push}.
     */
    private InterposeProcess proxyWithClaudeGuard() throws Exception {
        Path project = Files.createDirectories(dir.resolve("project"));
        Path guard = Files.createDirectories(project.resolve(".claude/hooks")).resolve("no-push.sh");
        Files.writeString(guard, String.join("\n", "#!/usr/bin/env bash", "input=$(cat)",
                "[ \"$(echo \"$input\" | jq -r .tool_name)\" = Bash ] || exit 0",
                "command=$(echo \"$input\" | jq -r .tool_input.command)",
                "case \"$command\" in *'git push'*) echo \"pushing is not allowed: $command\" >&2; exit 2;; esac", ""));
        assertThat(guard.toFile().setExecutable(true)).isTrue();
        Files.writeString(project.resolve(".claude/settings.json"), "{\"hooks\":{\"PreToolUse\":[{\"matcher\":"
                + "\"Bash\",\"hooks\":[{\"type\":\"command\",\"command\":\"" + guard + "\"}]}]}}");
        return InterposeProcess.start(java.util.Map.of(upstreamVariable(), upstream.baseUrl()), "--project-dir",
                project.toString());
    }

    /**
     * A Claude Code PreToolUse hook ({@code .claude/settings.json}, matcher {@code Bash}) that lets the call run with
     * {@code updatedInput}: the command the hook saw, in {@code tool_input.command}, replaced. Codex's
     * {@code exec_command} keeps its command in {@code cmd}, which the hook leaves as it was: the proxy puts the new
     * command there, so Codex runs the rewritten one and the upstream sees its output.
     */
    @Test
    void aPreToolUseUpdatedInputIsTheCommandCodexRuns() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Files.writeString(work.resolve("secret.txt"), "SECRET-ORIGINAL-4411\n");
        Files.writeString(work.resolve("public.txt"), "PUBLIC-REWRITTEN-9052\n");
        upstream.responsesRunsThenAnswers("cat secret.txt", "Done reading.");
        Path project = Files.createDirectories(dir.resolve("project"));
        Path hook = Files.createDirectories(project.resolve(".claude/hooks")).resolve("redirect.sh");
        Files.writeString(hook, String.join("\n", "#!/usr/bin/env bash",
                "jq -c 'if .tool_name == \"Bash\" and (.tool_input.command | test(\"secret\")) then",
                "  {hookSpecificOutput: {hookEventName: \"PreToolUse\", permissionDecision: \"allow\",",
                "   updatedInput: (.tool_input + {command: (.tool_input.command | sub(\"secret\"; \"public\"))})}}",
                "  else {} end'", ""));
        assertThat(hook.toFile().setExecutable(true)).isTrue();
        Files.writeString(project.resolve(".claude/settings.json"), "{\"hooks\":{\"PreToolUse\":[{\"matcher\":"
                + "\"Bash\",\"hooks\":[{\"type\":\"command\",\"command\":\"" + hook + "\"}]}]}}");
        try (InterposeProcess hooked = InterposeProcess.start(java.util.Map.of(upstreamVariable(), upstream.baseUrl()),
                "--project-dir", project.toString())) {
            Cli.Run run = Cli.codex(Files.createDirectories(dir.resolve("home")), work, hooked.baseUrl() + "/v1",
                    "read the secret");

            assertThat(run.exitCode()).as("codex exit: %s", run).isZero();
            assertThat(run.stdout().trim()).isEqualTo("Done reading.");
            List<String> bodies = upstream.bodies("/v1/responses");
            String last = bodies.get(bodies.size() - 1);
            assertThat(last).as("the tool result is the rewritten command's output").contains("function_call_output")
                    .contains("PUBLIC-REWRITTEN-9052").doesNotContain("SECRET-ORIGINAL-4411");
            assertThat(hooked.awaitLine("\"hook\":\"settings:PreToolUse[Bash]#1\"", "\"event\":\"PreToolUse\""))
                    .contains("\"outcome\":\"rewrite\"");
            assertThat(hooked.stop()).isZero();
        }
    }

    @Test
    void aClaudeCodeBashGuardDeniesGitPushFromCodexsExecCommand() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path marker = work.resolve("pushed.marker");
        String command = "touch pushed.marker && git push origin main";
        upstream.responsesRunsThenAnswers(command, "The push ran.");

        // Without the guard Codex runs the command: the marker is what running it leaves behind.
        Cli.Run unguarded = Cli.codexWritingInWorkDir(Files.createDirectories(dir.resolve("home")), work,
                proxy.baseUrl() + "/v1", "push it");
        assertThat(unguarded.exitCode()).as("codex exit: %s", unguarded).isZero();
        assertThat(unguarded.stdout().trim()).isEqualTo("The push ran.");
        assertThat(marker).as("codex ran the command without the guard: %s", unguarded).exists();
        Files.delete(marker);
        int before = upstream.bodies("/v1/responses").size();

        try (InterposeProcess guarded = proxyWithClaudeGuard()) {
            Cli.Run run = Cli.codexWritingInWorkDir(Files.createDirectories(dir.resolve("home")), work,
                    guarded.baseUrl() + "/v1", "push it");

            assertThat(run.exitCode()).as("codex exit: %s", run).isZero();
            assertThat(run.stdout().trim()).isEqualTo("Interpose denied the exec_command tool call: hook "
                    + "settings:PreToolUse[Bash]#1 said: pushing is not allowed: " + command);
            assertThat(marker).as("codex did not run the denied command").doesNotExist();
            List<String> bodies = upstream.bodies("/v1/responses");
            assertThat(bodies.subList(before, bodies.size())).isNotEmpty()
                    .noneSatisfy(b -> assertThat(b).contains("function_call_output"));
            assertThat(guarded.awaitLine("\"hook\":\"settings:PreToolUse[Bash]#1\"", "\"event\":\"PreToolUse\""))
                    .contains("\"outcome\":\"block\"");
            assertThat(guarded.stop()).isZero();
        }
    }

    @Test
    void aSlashCommandFromTheProjectExpandsAndSlashCommandsListsIt() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        upstream.responsesAnswers("Reviewed as the team asked.");
        try (InterposeProcess commands = proxyWithReviewCommand(work)) {
            Cli.Run run = Cli.codex(Files.createDirectories(dir.resolve("home")), work, commands.baseUrl() + "/v1",
                    "/team-review src/Main.java");

            assertThat(run.exitCode()).as("codex exit: %s", run).isZero();
            assertThat(run.stdout().trim()).isEqualTo("Reviewed as the team asked.");
            List<String> bodies = upstream.bodies("/v1/responses");
            assertThat(bodies).isNotEmpty();
            assertThat(bodies.get(bodies.size() - 1)).contains("Review @src/Main.java against the team checklist (ticket PINEAPPLE-7731).")
                    .contains("<file path=\\\"src/Main.java\\\">\\nclass Main { int answer = 42; }\\n</file>")
                    .doesNotContain("/team-review src/Main.java");

            Cli.Run list = Cli.codex(Files.createDirectories(dir.resolve("home")), work, commands.baseUrl() + "/v1",
                    "/commands");
            assertThat(list.exitCode()).as("codex exit: %s", list).isZero();
            assertThat(list.stdout().trim()).isEqualTo("Slash commands available through Interpose:\n\n"
                    + "/team-review <file> - Review a file for the team\n\n/commands - this list");
            assertThat(commands.stop()).isZero();
        }
    }

    @Test
    void aCommandWithAgentsRunsThemAndTheFinalRequestCarriesEveryAnswer() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Files.createDirectories(work.resolve(".interpose/commands"));
        Files.createDirectories(work.resolve(".interpose/agents"));
        Files.writeString(work.resolve(".interpose/commands/review-all.md"),
                "---\ndescription: Three reviewers at once\nagents: [security, performance, style]\n---\n"
                        + "Review $ARGUMENTS and give one synthesised verdict.\n");
        for (String agent : List.of("security", "performance", "style")) {
            Files.writeString(work.resolve(".interpose/agents/" + agent + ".md"), "---\nname: " + agent
                    + "\ndescription: " + agent + " reviewer\n---\nYou review code for " + agent + " only.\n");
            upstream.responsesAgentAnswers("You review code for " + agent + " only.", agent.toUpperCase()
                    + "-FINDING-7731");
        }
        upstream.responsesAnswers("One synthesised verdict from three reviewers.");
        try (InterposeProcess agents = InterposeProcess.start(java.util.Map.of("INTERPOSE_UPSTREAM_OPENAI",
                upstream.baseUrl()), "--project-dir", work.toString())) {
            Cli.Run run = Cli.codex(Files.createDirectories(dir.resolve("home")), work, agents.baseUrl() + "/v1",
                    "/review-all src/");

            assertThat(run.exitCode()).as("codex exit: %s", run).isZero();
            assertThat(run.stdout().trim()).isEqualTo("One synthesised verdict from three reviewers.");
            List<String> bodies = upstream.bodies("/v1/responses");
            List<String> agentCalls = bodies.stream().filter(b -> b.contains("\"stream\":false")).toList();
            assertThat(agentCalls).hasSize(3).allSatisfy(b -> assertThat(b)
                    .contains("\"input\":\"Review src/ and give one synthesised verdict.\""));
            String main = bodies.stream().filter(b -> b.contains("\"stream\":true")).reduce((a, b) -> b).orElseThrow();
            assertThat(main).contains("Review src/ and give one synthesised verdict.");
            int security = main.indexOf("<agent name=\\\"security\\\" status=\\\"ok\\\">\\nSECURITY-FINDING-7731");
            int performance = main.indexOf("<agent name=\\\"performance\\\" status=\\\"ok\\\">\\nPERFORMANCE-FINDING-7731");
            int style = main.indexOf("<agent name=\\\"style\\\" status=\\\"ok\\\">\\nSTYLE-FINDING-7731");
            assertThat(security).as("security block").isPositive();
            assertThat(performance).as("performance block after it").isGreaterThan(security);
            assertThat(style).as("style block last").isGreaterThan(performance);
            assertThat(agents.awaitLine("\"agent\":\"style\"", "\"status\":\"ok\"")).contains("\"request_id\":");
            assertThat(agents.stop()).isZero();
        }
    }

    @Test
    void aClaudeModelAgentTriggeredFromCodexRunsOnTheAnthropicUpstreamWithItsOwnKeyAndOnlyItsTools() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Files.createDirectories(work.resolve(".interpose/commands"));
        Files.createDirectories(work.resolve(".claude/agents"));
        Files.writeString(work.resolve(".interpose/commands/claude-review.md"),
                "---\ndescription: Claude reviews\nagents: [claude-reviewer]\n---\nReview $ARGUMENTS.\n");
        Files.writeString(work.resolve(".claude/agents/claude-reviewer.md"), "---\nname: claude-reviewer\n"
                + "description: reviews with Claude\nmodel: claude-sonnet-4-5\ntools: Bash\n---\n"
                + "You review code with Claude's eyes.\n");
        Path config = Files.writeString(dir.resolve("config.yaml"),
                "upstreams:\n  anthropic:\n    api-key-env: E2E_ANTHROPIC_KEY\n");
        try (FakeUpstream claude = new FakeUpstream()) {
            claude.anthropicAgentAnswers("You review code with Claude's eyes.", "CLAUDE-FINDING-5150");
            upstream.responsesAnswers("The verdict carries Claude's finding.");
            try (InterposeProcess agents = InterposeProcess.start(java.util.Map.of("INTERPOSE_UPSTREAM_OPENAI",
                    upstream.baseUrl(), "INTERPOSE_UPSTREAM_ANTHROPIC", claude.baseUrl(), "E2E_ANTHROPIC_KEY",
                    "sk-ant-e2e-own-key"), "--project-dir", work.toString(), "--config", config.toString())) {
                Cli.Run run = Cli.codex(Files.createDirectories(dir.resolve("home")), work, agents.baseUrl() + "/v1",
                        "/claude-review src/");

                assertThat(run.exitCode()).as("codex exit: %s", run).isZero();
                assertThat(run.stdout().trim()).isEqualTo("The verdict carries Claude's finding.");
                List<LoggedRequest> calls = claude.requests("/v1/messages");
                assertThat(calls).hasSize(1);
                LoggedRequest call = calls.get(0);
                assertThat(call.getHeader("x-api-key")).isEqualTo("sk-ant-e2e-own-key");
                assertThat(call.containsHeader("authorization")).as("Codex's credential stays home").isFalse();
                assertThat(call.getHeader("anthropic-version")).isEqualTo("2023-06-01");
                com.fasterxml.jackson.databind.JsonNode sent = new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(call.getBodyAsString());
                assertThat(sent.path("model").asText()).isEqualTo("claude-sonnet-4-5");
                assertThat(sent.path("system").toString()).contains("You review code with Claude's eyes.");
                assertThat(sent.path("messages").toString()).contains("Review src/.");
                List<String> tools = new java.util.ArrayList<>();
                sent.path("tools").forEach(t -> tools.add(t.path("name").asText()));
                assertThat(tools).as("tools: Bash keeps Codex's shell tools only").isNotEmpty()
                        .allMatch(t -> List.of("exec_command", "write_stdin", "shell", "shell_command", "local_shell")
                                .contains(t));
                String main = upstream.bodies("/v1/responses").stream().filter(b -> b.contains("\"stream\":true"))
                        .reduce((a, b) -> b).orElseThrow();
                assertThat(main).contains("<agent name=\\\"claude-reviewer\\\" status=\\\"ok\\\">\\nCLAUDE-FINDING-5150");
                assertThat(agents.awaitLine("\"route\":\"agents.anthropic\"", "\"upstream\":\"anthropic\""))
                        .contains("\"translated\":true", "\"outcome\":\"ok\"").doesNotContain("sk-ant-e2e-own-key");
                assertThat(agents.stop()).isZero();
            }
        }
    }

    @Test
    void aRouteSendsCodexToAnUpstreamTheConfigDefinesUnderAnotherModelName() throws Exception {
        try (FakeUpstream local = new FakeUpstream()) {
            local.responsesAnswers("Answered by the local upstream.");
            Path config = Files.writeString(dir.resolve("config.yaml"), String.join("\n",
                    "upstreams:",
                    "  local-llm:",
                    "    url: " + local.baseUrl(),
                    "    dialect: openai",
                    "routes:",
                    "  - name: to-local",
                    "    path: /v1/responses",
                    "    model: gpt-*",
                    "    upstream: local-llm",
                    "    rewrite-model: qwen3-coder",
                    ""));
            try (InterposeProcess routed = InterposeProcess.start(java.util.Map.of("INTERPOSE_UPSTREAM_OPENAI",
                    upstream.baseUrl()), "--config", config.toString())) {
                Cli.Run run = Cli.codex(Files.createDirectories(dir.resolve("home")),
                        Files.createDirectories(dir.resolve("work")), routed.baseUrl() + "/v1", "say hi");

                assertThat(run.exitCode()).as("codex exit: %s", run).isZero();
                assertThat(run.stdout().trim()).isEqualTo("Answered by the local upstream.");
                assertThat(upstream.requests("/v1/responses")).isEmpty();
                List<String> bodies = local.bodies("/v1/responses");
                assertThat(bodies).isNotEmpty().allSatisfy(b -> assertThat(b).contains("\"model\":\"qwen3-coder\"")
                        .contains("say hi"));
                assertThat(routed.awaitLine("\"route\":\"to-local\"", "\"upstream\":\"local-llm\"",
                        "\"model\":\"qwen3-coder\"", "\"client_model\":\"gpt-")).contains("\"outcome\":\"ok\"");
                assertThat(routed.stop()).isZero();
            }
        }
    }

    @Test
    void aSecondRunIsAnsweredFromTheCacheWithTheUpstreamStopped() throws Exception {
        upstream.responsesAnswers("Remembered by Interpose.");
        Path config = Files.writeString(dir.resolve("config.yaml"), "upstreams:\n  openai:\n    cache: true\n");
        try (InterposeProcess cached = InterposeProcess.start(java.util.Map.of(upstreamVariable(), upstream.baseUrl()),
                "--config", config.toString())) {
            Path home = Files.createDirectories(dir.resolve("home"));
            Path work = Files.createDirectories(dir.resolve("work"));
            Cli.Run first = Cli.codex(home, work, cached.baseUrl() + "/v1", "say hi");
            assertThat(first.exitCode()).as("codex exit: %s", first).isZero();
            assertThat(first.stdout().trim()).isEqualTo("Remembered by Interpose.");
            assertThat(cached.awaitLine("\"route\":\"openai.responses\"", "\"cache\":\"miss\""))
                    .contains("\"outcome\":\"ok\"");
            upstream.stop();

            Cli.Run second = Cli.codex(home, work, cached.baseUrl() + "/v1", "say hi");
            assertThat(second.exitCode()).as("codex exit: %s", second).isZero();
            assertThat(second.stdout().trim()).isEqualTo("Remembered by Interpose.");
            assertThat(cached.awaitLine("\"route\":\"openai.responses\"", "\"cache\":\"hit\""))
                    .contains("\"outcome\":\"ok\"").contains("\"stream\":true");
            assertThat(cached.stop()).isZero();
        }
    }
}
