package dev.interpose.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The hook events the real Claude Code CLI's traffic shows, fired by the packaged proxy with real bash + jq hooks:
 * {@code SessionStart} by its source, {@code PostToolUse} with Claude Code's {@code Read} output shape,
 * {@code PostToolUseFailure} for a tool that failed, {@code Stop}, and {@code StopFailure} when the upstream refuses
 * the turn.
 */
class ClaudeCodeHookEventsIT extends ThroughProxy {

    @Override
    String upstreamVariable() {
        return "INTERPOSE_UPSTREAM_ANTHROPIC";
    }

    /** A proxy whose project holds an {@code events.sh} hook logging each event to {@code events.log}, and more. */
    private InterposeProcess proxyWithEventLog(Path project) throws Exception {
        script(project, "events.sh", "# interpose-event: SessionStart, PostToolUse, PostToolUseFailure, Stop, StopFailure",
                "jq -c '[.hook_event_name, .source // .tool_name // .error, .tool_response.type, "
                        + "(.tool_response.file.content // .error_details // .error // .last_assistant_message), "
                        + ".permission_mode]' >> " + project.resolve("events.log"));
        script(project, "compact.sh", "# interpose-event: SessionStart", "# interpose-matcher: compact",
                "jq -c .source >> " + project.resolve("compact.log"));
        return InterposeProcess.start(Map.of(upstreamVariable(), upstream.baseUrl()), "--project-dir",
                project.toString());
    }

    private static void script(Path project, String name, String... lines) throws Exception {
        Path hook = project.resolve(".interpose/hooks").resolve(name);
        Files.createDirectories(hook.getParent());
        Files.writeString(hook, "#!/usr/bin/env bash\n" + String.join("\n", lines) + "\n");
        assertThat(hook.toFile().setExecutable(true)).isTrue();
    }

    private static List<String> lines(Path log) throws Exception {
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    @Test
    void aToolRoundTripFiresSessionStartPostToolUseInReadsShapeAndStop() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path marker = Files.writeString(work.resolve("marker.txt"), "PINEAPPLE-7731\n");
        upstream.anthropicReadsThenAnswers(marker.toAbsolutePath(), "The file says PINEAPPLE-7731.");
        Path project = Files.createDirectories(dir.resolve("project"));
        try (InterposeProcess hooked = proxyWithEventLog(project)) {
            Cli.Run run = Cli.claude(Files.createDirectories(dir.resolve("home")), work, hooked.baseUrl(),
                    "read marker.txt");
            assertThat(run.exitCode()).as("claude exit: %s", run).isZero();
            assertThat(run.stdout()).contains("The file says PINEAPPLE-7731.");
            Path log = project.resolve("events.log");
            await().atMost(Duration.ofSeconds(20)).until(() -> lines(log).stream().anyMatch(l -> l.startsWith("[\"Stop\"")));
            List<String> events = lines(log);
            assertThat(events.get(0)).isEqualTo("[\"SessionStart\",\"startup\",null,null,\"default\"]");
            assertThat(events).filteredOn(l -> l.startsWith("[\"SessionStart\"")).hasSize(1);
            assertThat(events).filteredOn(l -> l.startsWith("[\"PostToolUse\"")).singleElement().asString()
                    .startsWith("[\"PostToolUse\",\"Read\",\"text\",\"").contains("PINEAPPLE-7731");
            assertThat(events).contains("[\"Stop\",null,null,\"The file says PINEAPPLE-7731.\",\"default\"]");
            assertThat(events).noneMatch(l -> l.startsWith("[\"PostToolUseFailure\"") || l.startsWith("[\"StopFailure\""));
            assertThat(lines(project.resolve("compact.log"))).as("a compact hook does not fire on a new session").isEmpty();
            assertThat(hooked.stop()).isZero();
        }
    }

    @Test
    void aFailedReadFiresPostToolUseFailureAndARefusedTurnStopFailure() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        upstream.anthropicReadsThenRefuses(work.resolve("missing.txt").toAbsolutePath(), "e2e: this turn is refused");
        Path project = Files.createDirectories(dir.resolve("project"));
        try (InterposeProcess hooked = proxyWithEventLog(project)) {
            Cli.Run run = Cli.claude(Files.createDirectories(dir.resolve("home")), work, hooked.baseUrl(),
                    "read missing.txt");
            assertThat(run.stdout() + run.stderr()).contains("e2e: this turn is refused");
            Path log = project.resolve("events.log");
            await().atMost(Duration.ofSeconds(20)).until(() -> lines(log).stream()
                    .anyMatch(l -> l.startsWith("[\"StopFailure\"")));
            List<String> events = lines(log);
            // Claude Code sends the refused turn again (its own retries): each request carrying the failed result is
            // shown to the hooks, as each must be (a redaction must cover every copy that leaves).
            assertThat(events).filteredOn(l -> l.startsWith("[\"PostToolUseFailure\"")).isNotEmpty().allSatisfy(l ->
                    assertThat(l).startsWith("[\"PostToolUseFailure\",\"Read\",null,\"File does not exist.")
                            .endsWith("\"default\"]"));
            assertThat(events).noneMatch(l -> l.startsWith("[\"PostToolUse\"") || l.startsWith("[\"Stop\""));
            assertThat(events).filteredOn(l -> l.startsWith("[\"StopFailure\"")).isNotEmpty().allSatisfy(l ->
                    assertThat(l).isEqualTo("[\"StopFailure\",\"invalid_request\",null,\"400 e2e: this turn is"
                            + " refused\",\"default\"]"));
            assertThat(hooked.stop()).isZero();
        }
    }

    @Test
    void aSubagentsRequestsFireSubagentStartAndSubagentStopWithTheTypeTheModelAskedFor() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        upstream.anthropicDelegatesThenAnswers("general-purpose", "Find the marker", "Subagent found it.",
                "The subagent found it.");
        Path project = Files.createDirectories(dir.resolve("project"));
        script(project, "agents.sh", "# interpose-event: SubagentStart, SubagentStop, Stop, UserPromptSubmit",
                "jq -c '[.hook_event_name, (.agent_id != null), .agent_type, .last_assistant_message // .prompt]' >> "
                        + project.resolve("agents.log"));
        script(project, "explore.sh", "# interpose-event: SubagentStart, SubagentStop", "# interpose-matcher: Explore",
                "jq -c .agent_type >> " + project.resolve("explore.log"));
        try (InterposeProcess hooked = InterposeProcess.start(Map.of(upstreamVariable(), upstream.baseUrl()),
                "--project-dir", project.toString())) {
            Cli.Run run = Cli.claude(Files.createDirectories(dir.resolve("home")), work, hooked.baseUrl(), "delegate");
            assertThat(run.exitCode()).as("claude exit: %s", run).isZero();
            assertThat(run.stdout()).contains("The subagent found it.");
            List<String> agentIds = upstream.requests("/v1/messages").stream()
                    .map(r -> r.getHeader("x-claude-code-agent-id")).filter(java.util.Objects::nonNull).distinct().toList();
            assertThat(agentIds).as("Claude Code names its subagent in a header").hasSize(1);
            // Claude Code runs the subagent beside the turn that goes on: the main agent's turn ends (Stop) while the
            // subagent works, and again once its result is in.
            Path log = project.resolve("agents.log");
            await().atMost(Duration.ofSeconds(20)).until(() -> lines(log).size() >= 5);
            assertThat(lines(log)).containsExactlyInAnyOrder("[\"UserPromptSubmit\",false,null,\"delegate\"]",
                    "[\"SubagentStart\",true,\"general-purpose\",null]",
                    "[\"SubagentStop\",true,\"general-purpose\",\"Subagent found it.\"]",
                    "[\"Stop\",false,null,\"The subagent found it.\"]", "[\"Stop\",false,null,\"The subagent found it.\"]");
            assertThat(lines(project.resolve("explore.log"))).as("matched on the agent type").isEmpty();
            assertThat(hooked.stop()).isZero();
        }
    }
}
