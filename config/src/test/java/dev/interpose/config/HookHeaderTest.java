package dev.interpose.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class HookHeaderTest {
    @TempDir
    Path dir;

    private Path script(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void aHeaderDeclaresEventsMatcherOrderTimeoutAndFailureMode() throws Exception {
        Path bash = script("guard.sh", String.join("\n", "#!/usr/bin/env bash", "set -e",
                "# interpose-event: PreToolUse, PostToolUse", "#   interpose-matcher: Bash|Write",
                "# interpose-order: 10", "# interpose-timeout: 5s", "# interpose-fail: closed", "exit 0", ""));
        HookDefinition hook = HookHeader.parse(bash);
        assertThat(hook.name()).isEqualTo("guard.sh");
        assertThat(hook.events()).isEqualTo(Set.of(HookEvent.PRE_TOOL_USE, HookEvent.POST_TOOL_USE));
        assertThat(hook.matches(HookEvent.PRE_TOOL_USE, "Write")).isTrue();
        assertThat(hook.matches(HookEvent.PRE_TOOL_USE, "WriteFile")).isFalse();
        assertThat(hook.order()).isEqualTo(10);
        assertThat(hook.timeout()).hasSeconds(5);
        assertThat(hook.failClosed()).isTrue();
        assertThat(hook.command()).containsExactly(bash.toAbsolutePath().toString());

        HookDefinition python = HookHeader.parse(script("ctx.py",
                "#!/usr/bin/env python3\n# interpose-event: UserPromptSubmit\nprint('hi')\n"));
        assertThat(python.events()).containsExactly(HookEvent.USER_PROMPT_SUBMIT);
        assertThat(python.order()).isEqualTo(HookDefinition.DEFAULT_ORDER);
        assertThat(python.timeout()).isEqualTo(HookDefinition.DEFAULT_TIMEOUT);
        assertThat(python.failClosed()).isFalse();
        assertThat(python.matches(HookEvent.USER_PROMPT_SUBMIT, null)).isTrue();
    }

    @Test
    void eachMistakeNamesItsLineKeyValueAndExpectation() throws Exception {
        assertThatThrownBy(() -> HookHeader.parse(script("a.sh", "#!/bin/sh\n# interpose-event: PreTool\n")))
                .hasMessage("line 2: interpose-event: \"PreTool\" (expected: one or more of SessionStart,"
                        + " UserPromptSubmit, UserPromptExpansion, PostToolUse, PostToolUseFailure, PostToolBatch, SubagentStart, PreCompact,"
                        + " PreRequest, PreToolUse, PostResponse, Stop, SubagentStop, StopFailure)");
        assertThatThrownBy(() -> HookHeader.parse(script("b.sh",
                "#!/bin/sh\n# interpose-event: Stop\n# interpose-timeout: soon\n")))
                .hasMessage("line 3: interpose-timeout: \"soon\" (expected: a positive duration such as 500ms, 30s or 5m)");
        assertThatThrownBy(() -> HookHeader.parse(script("c.sh", "#!/bin/sh\n# interpose-matcher: (\n")))
                .hasMessage("line 2: interpose-matcher: \"(\" (expected: tool names such as Bash|Write,"
                        + " or a regular expression)");
        assertThatThrownBy(() -> HookHeader.parse(script("d.sh", "#!/bin/sh\n// interpose-colour: red\n")))
                .hasMessage("line 2: interpose-colour: unknown key (expected one of: interpose-event,"
                        + " interpose-matcher, interpose-order, interpose-timeout, interpose-fail)");
        assertThatThrownBy(() -> HookHeader.parse(script("e.sh", "#!/bin/sh\n# interpose-event: Stop\n# interpose-fail: maybe\n")))
                .hasMessage("line 3: interpose-fail: \"maybe\" (expected: open or closed)");
        assertThatThrownBy(() -> HookHeader.parse(script("f.sh", "#!/bin/sh\necho no header\n")))
                .hasMessageStartingWith("no \"# interpose-event: <event>\" line in its first 30 lines");
    }
}
