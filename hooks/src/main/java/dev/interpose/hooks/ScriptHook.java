package dev.interpose.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interpose.config.HookDefinition;
import dev.interpose.config.HookEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * A hook of a hooks folder or a settings file. A settings file's {@code "type": "http"} handler is POSTed its input
 * ({@link HttpCall}); everything else is run as a process, with Claude Code's protocol: the event as JSON on stdin; exit 0 to go on (stdout
 * read as JSON when it is an object, as added context when it is plain text on {@code UserPromptSubmit}
 * and {@code SessionStart}); exit 2 to block, stderr being the reason; any other exit is a hook error.
 * The working directory is the project directory, with {@code INTERPOSE_PROJECT_DIR} and
 * {@code CLAUDE_PROJECT_DIR} set. At most {@link ProcessLimit#max()} hook processes run at once; waiting
 * for a slot counts against the timeout. On timeout the whole process tree is killed. Output beyond
 * {@value #MAX_STDOUT} bytes (stdout) or {@value #MAX_STDERR} (stderr) is read and dropped, and an overlong
 * stdout is a hook error rather than half a JSON document. A hook from Codex's own files is given its input in
 * Codex's shape and matched by Codex's tool names ({@link CodexHookInput}); its output is read the same way, Codex's
 * being Claude Code's.
 */
public final class ScriptHook implements Hook {
    static final int MAX_STDOUT = 1024 * 1024;
    static final int MAX_STDERR = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ScriptHook.class);

    private final HookDefinition definition;
    private final Path projectDir;
    private final Executor io;
    private final ProcessLimit limit;
    private final dev.interpose.config.PermissionRule ifRule;
    /** The sessions a {@code once} hook ran in already. */
    private final java.util.Set<String> ranIn = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The POST of an http handler; null for a process. */
    private final HttpCall http;

    /** A hook under the {@linkplain ProcessLimit#shared() shared} process limit. */
    public ScriptHook(HookDefinition definition, Path projectDir, Executor io) {
        this(definition, projectDir, io, ProcessLimit.shared());
    }

    /**
     * @param io    runs the threads that feed stdin and drain stdout and stderr; must not be bounded below
     *              three threads per process the limit allows
     * @param limit how many hook processes may run at once; waiting for a slot counts against the timeout
     */
    public ScriptHook(HookDefinition definition, Path projectDir, Executor io, ProcessLimit limit) {
        this.definition = definition;
        this.projectDir = projectDir;
        this.io = io;
        this.limit = limit;
        String rule = definition.options().ifRule();
        this.ifRule = rule == null ? null : dev.interpose.config.PermissionRule.parse(rule);
        HookDefinition.Http target = definition.options().http();
        this.http = target == null ? null : new HttpCall(target, definition.timeout(), System::getenv, io);
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
        if (definition.format() != HookDefinition.Format.CODEX || !event.toolEvent()) {
            return definition.matches(event, toolName);
        }
        for (String name : CodexHookInput.names(toolName)) {
            if (definition.matches(event, name)) {
                return true;
            }
        }
        return false;
    }

    /** Whether Codex runs this hook itself, for its own traffic: one from Codex's {@code hooks.json} or {@code config.toml}. */
    public boolean codexRunsIt() {
        return definition.format() == HookDefinition.Format.CODEX;
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

    /**
     * Runs the process, unless the settings file's {@code if} rule does not cover the tool call, or a {@code once}
     * hook ran in this session already (both: {@link HookResult#CONTINUE}). An {@code async} one is started on the io
     * threads and answers {@link HookResult#CONTINUE} at once: what it says decides nothing, as in Claude Code.
     */
    @Override
    public HookResult run(JsonNode given) throws Exception {
        String asGiven = given.path("tool_name").asText(null);
        JsonNode input = codexRunsIt() ? CodexHookInput.of(given) : given;
        if (input == null) {
            return HookResult.CONTINUE; // a view of the call Codex runs no hook for
        }
        if (codexRunsIt() && "apply_patch".equals(input.path("tool_name").asText(null)) && !"apply_patch".equals(asGiven)) {
            HookResult result = runChecked(input);
            return result.extra().updatedInput() == null ? result : HookResult.block("the hook rewrote the patch it was"
                    + " shown for this " + asGiven + " call, which cannot be put back into the call");
        }
        return runChecked(input);
    }

    private HookResult runChecked(JsonNode input) throws Exception {
        HookDefinition.Options options = definition.options();
        if (ifRule != null && !ifRule.matches(input.path("tool_name").asText(null), input.path("tool_input"))) {
            return HookResult.CONTINUE;
        }
        if (options.once() && !ranIn.add(input.path("session_id").asText(""))) {
            return HookResult.CONTINUE;
        }
        if (options.statusMessage() != null) { // Claude Code's spinner text: no client shows it through the proxy
            LOG.debug("hook {}: {}", definition.name(), options.statusMessage());
        }
        if (options.async()) {
            java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    call(input);
                } catch (Exception e) {
                    // an async hook's failure is its own: nothing waited for it
                }
            }, io);
            return HookResult.CONTINUE;
        }
        return call(input);
    }

    private HookResult call(JsonNode input) throws Exception {
        return http != null ? http.post(input) : runProcess(input);
    }

    private HookResult runProcess(JsonNode input) throws Exception {
        HookEvent event = HookEvent.of(input.path("hook_event_name").asText());
        ProcessBuilder builder = ProcessRun.in(projectDir, definition.command());
        builder.environment().put("INTERPOSE_PROJECT_DIR", projectDir.toString());
        builder.environment().put("CLAUDE_PROJECT_DIR", projectDir.toString());
        byte[] stdin = JSON.writeValueAsBytes(input);
        long deadline = System.nanoTime() + definition.timeout().toNanos();
        if (!limit.acquire(deadline)) {
            return HookResult.error("not started within its timeout of " + definition.timeout().toMillis()
                    + "ms: " + limit.max() + " hook processes were already running (the limit)");
        }
        ProcessRun run;
        try {
            run = ProcessRun.run(builder, stdin, deadline, definition.timeout(), MAX_STDOUT, MAX_STDERR, io);
        } finally {
            limit.release();
        }
        if (run.failed()) {
            return run.timedOut() ? HookResult.timeout(run.failure().substring(ProcessRun.TIMED_OUT.length()))
                    : HookResult.error(run.failure());
        }
        return ScriptOutput.interpret(event, run.exit(), run.stdout().text(), run.stdout().truncated(),
                run.stderr().text());
    }
}
