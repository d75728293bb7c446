package dev.interpose.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.config.HookEvent;
import dev.interpose.config.HookHeader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Claude Code's output fields, written by real scripts: {@code permissionDecision} with its precedence across hooks
 * (deny, defer, ask, allow), the older {@code decision: approve|block}, {@code updatedInput},
 * {@code updatedToolOutput}, {@code systemMessage}, {@code sessionTitle}.
 */
@Timeout(60)
class HookOutputFieldsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ExecutorService io = Executors.newCachedThreadPool();
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        io.shutdownNow();
    }

    /** A PreToolUse hook that prints {@code json} (order {@code order}). */
    private ScriptHook printing(String name, int order, String json) throws Exception {
        Path file = Files.writeString(dir.resolve(name), String.join("\n", "#!/usr/bin/env bash",
                "# interpose-event: PreToolUse, PostToolUse, UserPromptSubmit", "# interpose-order: " + order,
                "cat > /dev/null", "cat <<'JSON'", json, "JSON", ""));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new ScriptHook(HookHeader.parse(file), dir, io);
    }

    private static String decision(String permission, String reason) {
        return "{\"hookSpecificOutput\": {\"hookEventName\": \"PreToolUse\", \"permissionDecision\": \"" + permission
                + "\", \"permissionDecisionReason\": \"" + reason + "\"}}";
    }

    private Verdict run(HookEvent event, ScriptHook... hooks) throws Exception {
        ObjectNode input = JSON.createObjectNode().put("hook_event_name", event.wireName()).put("tool_name", "Bash");
        input.putObject("tool_input").put("command", "git push");
        return new HookPipeline(List.of(hooks), io).run(event, "Bash", false, input, r -> { })
                .get(30, TimeUnit.SECONDS);
    }

    @Test
    void denyBeatsDeferBeatsAskBeatsAllowWhateverTheOrder() throws Exception {
        ScriptHook allow = printing("a-allow.sh", 1, decision("allow", "fine"));
        ScriptHook ask = printing("b-ask.sh", 2, decision("ask", "sure?"));
        ScriptHook defer = printing("c-defer.sh", 3, decision("defer", "later"));
        ScriptHook deny = printing("d-deny.sh", 4, decision("deny", "no pushes"));

        Verdict all = run(HookEvent.PRE_TOOL_USE, allow, ask, defer, deny);
        assertThat(all.blockedBy()).isEqualTo("d-deny.sh");
        assertThat(all.reason()).isEqualTo("no pushes");
        assertThat(all.permission()).isEqualTo(HookResult.Permission.DENY);

        Verdict noDeny = run(HookEvent.PRE_TOOL_USE, allow, ask, defer);
        assertThat(noDeny.blockedBy()).isEqualTo("c-defer.sh");
        assertThat(noDeny.permission()).isEqualTo(HookResult.Permission.DEFER);
        assertThat(noDeny.reason()).isEqualTo("the hook defers the call, which the proxy cannot hold for later: later");

        Verdict askAllow = run(HookEvent.PRE_TOOL_USE, allow, ask);
        assertThat(askAllow.blockedBy()).isEqualTo("b-ask.sh");
        assertThat(askAllow.permission()).isEqualTo(HookResult.Permission.ASK);
        assertThat(askAllow.reason())
                .isEqualTo("the hook asks for confirmation, which cannot be given through the proxy: sure?");

        Verdict allowOnly = run(HookEvent.PRE_TOOL_USE, allow);
        assertThat(allowOnly.blocked()).isFalse();
        assertThat(allowOnly.permission()).isEqualTo(HookResult.Permission.ALLOW);
        assertThat(run(HookEvent.PRE_TOOL_USE, printing("quiet.sh", 1, "{}")).permission()).isNull();
    }

    @Test
    void aPlainBlockIsADenyAndTheFirstOfEqualStrengthGivesTheReason() throws Exception {
        ScriptHook ask = printing("a-ask.sh", 1, decision("ask", "sure?"));
        ScriptHook exit2 = printing("b-legacy.sh", 2, "{\"decision\": \"block\", \"reason\": \"legacy block\"}");
        ScriptHook deny = printing("c-deny.sh", 3, decision("deny", "later deny"));
        Verdict v = run(HookEvent.PRE_TOOL_USE, ask, exit2, deny);
        assertThat(v.blockedBy()).isEqualTo("b-legacy.sh");
        assertThat(v.reason()).isEqualTo("legacy block");
        assertThat(v.permission()).isEqualTo(HookResult.Permission.DENY);
    }

    @Test
    void theOlderApproveIsAnAllow() throws Exception {
        Verdict v = run(HookEvent.PRE_TOOL_USE, printing("approve.sh", 1, "{\"decision\": \"approve\", \"reason\": \"ok\"}"));
        assertThat(v.blocked()).isFalse();
        assertThat(v.permission()).isEqualTo(HookResult.Permission.ALLOW);
    }

    @Test
    void updatedInputIsTakenFromTheFirstHookUnlessTheCallIsDenied() throws Exception {
        ScriptHook first = printing("a-rewrite.sh", 1, "{\"hookSpecificOutput\": {\"hookEventName\": \"PreToolUse\","
                + " \"permissionDecision\": \"allow\", \"updatedInput\": {\"command\": \"git push --dry-run\"}}}");
        ScriptHook second = printing("b-rewrite.sh", 2, "{\"hookSpecificOutput\": {\"hookEventName\": \"PreToolUse\","
                + " \"updatedInput\": {\"command\": \"echo second\"}}}");
        Verdict v = run(HookEvent.PRE_TOOL_USE, first, second);
        assertThat(v.blocked()).isFalse();
        assertThat(v.updatedInput()).isEqualTo(JSON.readTree("{\"command\": \"git push --dry-run\"}"));

        Verdict denied = run(HookEvent.PRE_TOOL_USE, first, printing("c-deny.sh", 3, decision("deny", "no")));
        assertThat(denied.blocked()).isTrue();
        assertThat(denied.updatedInput()).as("a denied call runs with no input").isNull();

        HookResult notAnObject = printing("bad.sh", 1, "{\"hookSpecificOutput\": {\"updatedInput\": \"rm -rf /\"}}")
                .run(JSON.createObjectNode().put("hook_event_name", "PreToolUse"));
        assertThat(notAnObject.decision()).isEqualTo(HookResult.Decision.ERROR);
    }

    @Test
    void systemMessagesAreAllKeptToolOutputAndTitleTakenFromTheFirst() throws Exception {
        ScriptHook redact = printing("a-redact.sh", 1, "{\"systemMessage\": \"redacted a key\", \"hookSpecificOutput\":"
                + " {\"hookEventName\": \"PostToolUse\", \"updatedToolOutput\": {\"stdout\": \"[redacted]\"}}}");
        ScriptHook mcp = printing("b-mcp.sh", 2, "{\"hookSpecificOutput\": {\"hookEventName\": \"PostToolUse\","
                + " \"updatedMCPToolOutput\": \"other\"}, \"systemMessage\": \"second note\"}");
        ScriptHook deny = printing("c-stop.sh", 3, "{\"continue\": false, \"stopReason\": \"enough\","
                + " \"systemMessage\": \"stopping\"}");
        Verdict v = run(HookEvent.POST_TOOL_USE, redact, mcp);
        assertThat(v.updatedToolOutput()).isEqualTo(JSON.readTree("{\"stdout\": \"[redacted]\"}"));
        assertThat(v.systemMessages()).containsExactly("redacted a key", "second note");

        Verdict stopped = run(HookEvent.POST_TOOL_USE, redact, deny);
        assertThat(stopped.reason()).isEqualTo("enough");
        assertThat(stopped.systemMessages()).containsExactly("redacted a key", "stopping");

        ScriptHook titled = printing("title.sh", 1, "{\"hookSpecificOutput\": {\"hookEventName\": \"UserPromptSubmit\","
                + " \"sessionTitle\": \"Fix the login bug\", \"additionalContext\": \"ctx\"}}");
        Verdict t = run(HookEvent.USER_PROMPT_SUBMIT, titled);
        assertThat(t.sessionTitle()).isEqualTo("Fix the login bug");
        assertThat(t.contexts()).containsExactly("ctx");
        List<String> outcomes = new ArrayList<>();
        JsonNode in = JSON.createObjectNode().put("hook_event_name", "PostToolUse");
        new HookPipeline(List.of(redact), io).run(HookEvent.POST_TOOL_USE, "Bash", false, in, r -> outcomes.add(r.outcome()))
                .get(30, TimeUnit.SECONDS);
        assertThat(outcomes).containsExactly("rewrite");
    }
}
