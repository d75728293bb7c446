package dev.interpose.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.config.HookDefinition;
import dev.interpose.config.HookEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A settings-file handler's options, run with real processes: args without a shell, if, once, async. */
@Timeout(60)
class SettingsHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ExecutorService io = Executors.newCachedThreadPool();
    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        io.shutdownNow();
    }

    private ScriptHook hook(List<String> command, HookDefinition.Options options) {
        return new ScriptHook(new HookDefinition("h", Set.of(HookEvent.PRE_TOOL_USE), null, 100, Duration.ofSeconds(20),
                false, command, true, options), dir, io);
    }

    private static ObjectNode call(String session, String command) {
        ObjectNode input = JSON.createObjectNode().put("hook_event_name", "PreToolUse").put("session_id", session)
                .put("tool_name", "Bash");
        input.putObject("tool_input").put("command", command);
        return input;
    }

    @Test
    void argsRunWithoutAShell() throws Exception {
        // Through a shell the ; would run a second command and $HOME would expand; as one argument neither happens.
        HookResult r = hook(List.of("/bin/echo", "no; shell $HOME"), HookDefinition.Options.NONE).run(call("s", "ls"));
        assertThat(r.decision()).isEqualTo(HookResult.Decision.CONTINUE);
        HookResult ctx = new ScriptHook(new HookDefinition("h", Set.of(HookEvent.USER_PROMPT_SUBMIT), null, 100,
                Duration.ofSeconds(20), false, List.of("/bin/echo", "no; shell $HOME"), true), dir, io)
                .run(JSON.createObjectNode().put("hook_event_name", "UserPromptSubmit"));
        assertThat(ctx.additionalContext()).isEqualTo("no; shell $HOME");
    }

    @Test
    void theIfRuleRunsTheHookOnlyForTheCallsItCoversAndOnceRunsOncePerSession() throws Exception {
        Path count = dir.resolve("count");
        List<String> deny = List.of("/bin/sh", "-c", "echo x >> " + count + "; echo no >&2; exit 2");
        ScriptHook gitOnly = hook(deny, new HookDefinition.Options(false, false, null, "Bash(git *)"));
        assertThat(gitOnly.run(call("s", "ls -la")).decision()).isEqualTo(HookResult.Decision.CONTINUE);
        assertThat(gitOnly.run(call("s", "git push")).decision()).isEqualTo(HookResult.Decision.BLOCK);
        assertThat(Files.readAllLines(count)).hasSize(1);

        ScriptHook once = hook(deny, new HookDefinition.Options(false, true, null, null));
        assertThat(once.run(call("a", "ls")).decision()).isEqualTo(HookResult.Decision.BLOCK);
        assertThat(once.run(call("a", "ls")).decision()).isEqualTo(HookResult.Decision.CONTINUE);
        assertThat(once.run(call("b", "ls")).decision()).isEqualTo(HookResult.Decision.BLOCK);
        assertThat(Files.readAllLines(count)).hasSize(3);
    }

    @Test
    void anAsyncHookDecidesNothingAndRunsInTheBackground() throws Exception {
        Path done = dir.resolve("done");
        ScriptHook async = hook(List.of("/bin/sh", "-c", "sleep 1; touch " + done + "; exit 2"),
                new HookDefinition.Options(true, false, null, null));
        long start = System.nanoTime();
        assertThat(async.run(call("s", "git push"))).isEqualTo(HookResult.CONTINUE);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(900));
        for (int i = 0; i < 100 && !Files.exists(done); i++) {
            Thread.sleep(100);
        }
        assertThat(done).as("it ran, after the answer").exists();
    }
}
