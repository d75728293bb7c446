package dev.interpose.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interpose.config.HookDefinition;
import dev.interpose.config.HookEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A hook run as a process, with Claude Code's protocol: the event as JSON on stdin; exit 0 to go on (stdout
 * read as JSON when it is an object, as added context when it is plain text on {@code UserPromptSubmit}
 * and {@code SessionStart}); exit 2 to block, stderr being the reason; any other exit is a hook error.
 * The working directory is the project directory, with {@code INTERPOSE_PROJECT_DIR} and
 * {@code CLAUDE_PROJECT_DIR} set. On timeout the whole process tree is killed. Output beyond
 * {@value #MAX_STDOUT} bytes (stdout) or {@value #MAX_STDERR} (stderr) is read and dropped, and an overlong
 * stdout is a hook error rather than half a JSON document.
 */
public final class ScriptHook implements Hook {
    static final int MAX_STDOUT = 1024 * 1024;
    static final int MAX_STDERR = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HookDefinition definition;
    private final Path projectDir;
    private final Executor io;

    /**
     * @param io runs the threads that feed stdin and drain stdout and stderr; must not be bounded below
     *           three threads per concurrent hook
     */
    public ScriptHook(HookDefinition definition, Path projectDir, Executor io) {
        this.definition = definition;
        this.projectDir = projectDir;
        this.io = io;
    }

    public HookDefinition definition() {
        return definition;
    }

    @Override
    public String name() {
        return definition.name();
    }

    @Override
    public Set<HookEvent> events() {
        return definition.events();
    }

    @Override
    public boolean matches(HookEvent event, String toolName) {
        return definition.matches(event, toolName);
    }

    @Override
    public int order() {
        return definition.order();
    }

    @Override
    public Duration timeout() {
        return definition.timeout();
    }

    @Override
    public boolean failClosed() {
        return definition.failClosed();
    }

    @Override
    public boolean runsFor(boolean claudeCode) {
        return !(claudeCode && definition.claudeSettings());
    }

    @Override
    public HookResult run(JsonNode input) throws Exception {
        HookEvent event = HookEvent.of(input.path("hook_event_name").asText());
        ProcessBuilder builder = new ProcessBuilder(definition.command()).directory(projectDir.toFile());
        builder.environment().put("INTERPOSE_PROJECT_DIR", projectDir.toString());
        builder.environment().put("CLAUDE_PROJECT_DIR", projectDir.toString());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return HookResult.error("cannot start: " + e.getMessage());
        }
        byte[] stdin = JSON.writeValueAsBytes(input);
        CompletableFuture<Void> feed = CompletableFuture.runAsync(() -> write(process.getOutputStream(), stdin), io);
        CompletableFuture<Capped> out = CompletableFuture.supplyAsync(() -> Capped.read(process.getInputStream(), MAX_STDOUT), io);
        CompletableFuture<Capped> err = CompletableFuture.supplyAsync(() -> Capped.read(process.getErrorStream(), MAX_STDERR), io);
        if (!process.waitFor(definition.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
            killTree(process);
            return HookResult.error("timed out after " + definition.timeout().toMillis() + "ms; process tree killed");
        }
        Capped stdout;
        Capped stderr;
        try {
            feed.get(5, TimeUnit.SECONDS);
            stdout = out.get(5, TimeUnit.SECONDS);
            stderr = err.get(5, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            // It exited, but a child it left behind holds its output open.
            killTree(process);
            return HookResult.error("exited but a child process kept its output open; killed");
        } catch (ExecutionException e) {
            return HookResult.error("cannot read its output: " + e.getCause());
        }
        return ScriptOutput.interpret(event, process.exitValue(), stdout.text(), stdout.truncated(), stderr.text());
    }

    private static void write(OutputStream stdin, byte[] bytes) {
        try (stdin) {
            stdin.write(bytes);
        } catch (IOException e) {
            // The hook did not read its input (or exited first): not an error of the hook.
        }
    }

    private static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** A stream read to its end, the first {@code max} bytes kept. */
    record Capped(String text, boolean truncated) {
        static Capped read(InputStream in, int max) {
            ByteArrayOutputStream kept = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            boolean truncated = false;
            try (in) {
                int n;
                while ((n = in.read(buffer)) != -1) {
                    int room = max - kept.size();
                    if (room > 0) {
                        kept.write(buffer, 0, Math.min(n, room));
                    }
                    truncated |= n > room;
                }
            } catch (IOException e) {
                // the process was killed: keep what came
            }
            return new Capped(kept.toString(StandardCharsets.UTF_8), truncated);
        }
    }
}
