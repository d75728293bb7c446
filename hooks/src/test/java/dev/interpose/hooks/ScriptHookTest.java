package dev.interpose.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.config.HookDefinition;
import dev.interpose.config.HookEvent;
import dev.interpose.config.HookHeader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Hook scripts in bash and Python run as real processes, with Claude Code's stdin, stdout and exit codes. */
@Timeout(60)
class ScriptHookTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ExecutorService io = Executors.newCachedThreadPool();
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        io.shutdownNow();
    }

    private ScriptHook hook(String name, String... lines) throws Exception {
        Path file = Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new ScriptHook(HookHeader.parse(file), dir, io);
    }

    private static ObjectNode prompt(String text) {
        ObjectNode input = JSON.createObjectNode().put("session_id", "s-1").put("hook_event_name", "UserPromptSubmit")
                .put("cwd", "/tmp").put("prompt", text);
        input.putObject("interpose").put("request_id", "r-1").put("client", "codex");
        return input;
    }

    @Test
    void bashSeesTheEventOnStdinAndItsPlainStdoutBecomesContext() throws Exception {
        ScriptHook hook = hook("context.sh", "#!/usr/bin/env bash", "# interpose-event: UserPromptSubmit",
                "input=$(cat)",
                "echo \"cwd=$PWD project=$INTERPOSE_PROJECT_DIR claude=$CLAUDE_PROJECT_DIR\"",
                "echo \"$input\" | jq -r '\"prompt=\" + .prompt + \" client=\" + .interpose.client'");
        HookResult result = hook.run(prompt("fix the bug"));
        assertThat(result.decision()).isEqualTo(HookResult.Decision.CONTINUE);
        assertThat(result.additionalContext()).isEqualTo("cwd=" + dir + " project=" + dir + " claude=" + dir
                + "\nprompt=fix the bug client=codex");
    }

    @Test
    void pythonBlocksWithExitTwoAndStderrAsTheReason() throws Exception {
        ScriptHook hook = hook("guard.py", "#!/usr/bin/env python3", "# interpose-event: UserPromptSubmit",
                "import json, sys", "event = json.load(sys.stdin)",
                "if 'secret' in event['prompt']:",
                "    print('prompts must not carry secrets', file=sys.stderr)", "    sys.exit(2)");
        assertThat(hook.run(prompt("here is my secret"))).isEqualTo(HookResult.block("prompts must not carry secrets"));
        assertThat(hook.run(prompt("harmless"))).isEqualTo(HookResult.CONTINUE);
    }

    @Test
    void jsonOutputBlocksDeniesAddsContextAndRewrites() throws Exception {
        ScriptHook decide = hook("decide.py", "#!/usr/bin/env python3", "# interpose-event: UserPromptSubmit",
                "import json, sys", "p = json.load(sys.stdin)['prompt']",
                "out = {'block': {'decision': 'block', 'reason': 'not today'},",
                "       'stop': {'continue': False, 'stopReason': 'halted'},",
                "       'deny': {'hookSpecificOutput': {'hookEventName': 'PreToolUse', 'permissionDecision': 'deny',",
                "                'permissionDecisionReason': 'no rm -rf'}},",
                "       'context': {'hookSpecificOutput': {'hookEventName': 'UserPromptSubmit',",
                "                   'additionalContext': 'branch: main'}},",
                "       'rewrite': {'interpose': {'prompt': 'rewritten prompt'}},",
                "       'request': {'interpose': {'request': {'model': 'other'}}}}[p]",
                "print(json.dumps(out))");
        assertThat(decide.run(prompt("block"))).isEqualTo(HookResult.block("not today"));
        assertThat(decide.run(prompt("stop"))).as("continue: false stops the turn, its stopReason the answer")
                .isEqualTo(HookResult.block("halted").with(new HookResult.Extra(null, null, null, null, null, true)));
        assertThat(decide.run(prompt("stop")).outcome()).isEqualTo("stop");
        assertThat(decide.run(prompt("deny"))).isEqualTo(HookResult.block("no rm -rf")
                .with(new HookResult.Extra(HookResult.Permission.DENY, null, null, null, null)));
        assertThat(decide.run(prompt("context"))).isEqualTo(HookResult.context("branch: main"));
        assertThat(decide.run(prompt("rewrite")).prompt()).isEqualTo("rewritten prompt");
        assertThat(decide.run(prompt("request")).request()).isEqualTo(JSON.readTree("{\"model\":\"other\"}"));
    }

    @Test
    void crashesGarbageAndFloodsAreHookErrorsNotCrashes() throws Exception {
        assertThat(hook("crash.sh", "#!/bin/sh", "# interpose-event: UserPromptSubmit", "echo boom >&2", "exit 3")
                .run(prompt("x"))).isEqualTo(HookResult.error("exit 3: boom"));
        assertThat(hook("garbage.sh", "#!/bin/sh", "# interpose-event: UserPromptSubmit", "echo '{not json'")
                .run(prompt("x")).reason()).startsWith("stdout is not valid JSON: ");
        HookResult flood = hook("flood.py", "#!/usr/bin/env python3", "# interpose-event: UserPromptSubmit",
                "import sys", "sys.stdout.write('{' + 'x' * (10 * 1024 * 1024))").run(prompt("x"));
        assertThat(flood).isEqualTo(HookResult.error("stdout exceeds 1048576 bytes; ignored"));
        HookResult ignoresInput = hook("deaf.sh", "#!/bin/sh", "# interpose-event: UserPromptSubmit", "exit 0")
                .run(prompt("x".repeat(1_000_000)));
        assertThat(ignoresInput).isEqualTo(HookResult.CONTINUE);
        Path notExecutable = Files.writeString(dir.resolve("plain.sh"), "#!/bin/sh\n# interpose-event: Stop\n");
        HookDefinition definition = HookHeader.parse(notExecutable);
        assertThat(new ScriptHook(definition, dir, io).run(prompt("x")).reason()).startsWith("cannot start: ");
    }

    @Test
    void aTimeoutKillsTheWholeProcessTree() throws Exception {
        Path pidFile = dir.resolve("child.pid");
        ScriptHook slow = hook("slow.sh", "#!/bin/sh", "# interpose-event: UserPromptSubmit",
                "# interpose-timeout: 500ms", "sleep 60 &", "echo $! > " + pidFile, "wait");
        long start = System.nanoTime();
        HookResult result = slow.run(prompt("x"));
        assertThat(result).isEqualTo(HookResult.timeout("after 500ms; process tree killed"));
        assertThat(result.outcome()).as("what the hook log and interpose_hook_runs_total show").isEqualTo("timeout");
        assertThat(result.reason()).isEqualTo("timed out after 500ms; process tree killed");
        // Killed at its timeout, not waited for until its child's 60 s sleep ends (a third of it: room for a busy box).
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(20_000);
        long child = Long.parseLong(Files.readString(pidFile).trim());
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> ProcessHandle.of(child).map(p -> !p.isAlive()).orElse(true));
    }

    @Test
    void plainStdoutIsContextOnlyWherClaudeCodeMakesItContext() {
        assertThat(ScriptOutput.interpret(HookEvent.SESSION_START, 0, "hello\n", false, ""))
                .isEqualTo(HookResult.context("hello"));
        assertThat(ScriptOutput.interpret(HookEvent.POST_TOOL_USE, 0, "hello\n", false, ""))
                .isEqualTo(HookResult.CONTINUE);
        assertThat(ScriptOutput.interpret(HookEvent.PRE_REQUEST, 0, "{\"interpose\":{\"request\":[1]}}", false, "")
                .decision()).isEqualTo(HookResult.Decision.ERROR);
    }
}
