package dev.interpose.proxy.hook;

import dev.interpose.proxy.dialect.ApiDialect;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import dev.interpose.config.HookEvent;
import dev.interpose.hooks.HookPipeline;
import dev.interpose.hooks.HookRun;
import dev.interpose.hooks.Verdict;
import dev.interpose.proxy.body.RequestBody;
import dev.interpose.proxy.body.UnreadableBodyException;
import dev.interpose.proxy.error.ErrorKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The request-side hook events of one configuration: {@code UserPromptExpansion} (after one of the proxy's own
 * slash commands expanded), {@code SessionStart} (its {@code source} told from the
 * traffic), {@code SubagentStart} (a new {@code x-claude-code-agent-id}), {@code PreCompact} (Claude Code's
 * compaction prompt), {@code UserPromptSubmit}, {@code PostToolUse}, {@code PostToolUseFailure} and
 * {@code PostToolBatch} ({@link ToolResultHooks}) and {@code PreRequest}, in that order, each event's hooks in parallel. Works on a
 * copy of the body on the hook executor, never on an event loop; with no hook for these events, the
 * request path does nothing at all ({@link #wants} is a loop over the hooks, no parse).
 *
 * <p>A body the hooks cannot be shown ({@link dev.interpose.proxy.body.StrictJson} refuses it: not UTF-8, not one JSON object, over
 * a parser limit) is never passed on silently: each hook that would have seen it gets a log line saying it
 * was skipped and why, and when one of them is fail-closed the request is refused (400) instead of sent.
 * A body with a member given twice is refused whatever the hooks: the upstream may read the other value.
 * Thread-safe.
 */
public final class RequestHooks {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HookEvent[] REQUEST_EVENTS = {HookEvent.SESSION_START, HookEvent.SUBAGENT_START,
        HookEvent.PRE_COMPACT, HookEvent.USER_PROMPT_SUBMIT, HookEvent.POST_TOOL_USE, HookEvent.POST_TOOL_USE_FAILURE,
        HookEvent.POST_TOOL_BATCH, HookEvent.PRE_REQUEST, HookEvent.USER_PROMPT_EXPANSION};

    private final HookPipeline pipeline;
    private final Path projectDir;
    private final Executor executor;
    private final Cache<String, Boolean> sessions;
    private final HookLog log;
    /** The hooks a request that cannot be shown to them skips, logged, and refused when one is fail-closed. */
    private final SkippedRequestHooks skipped;
    private final ToolResultHooks toolResults;
    private final SubagentTypes agents;

    /**
     * @param sessions the sessions already seen, shared across reloads so a reload does not start them again
     * @param log      where each hook run is logged and counted
     */
    public RequestHooks(HookPipeline pipeline, Path projectDir, Executor executor, Cache<String, Boolean> sessions,
            HookLog log) {
        this(pipeline, projectDir, executor, sessions, log, new SubagentTypes());
    }

    /** As above, with the subagents' types the response side notes ({@link SubagentTypes}), shared across reloads. */
    public RequestHooks(HookPipeline pipeline, Path projectDir, Executor executor, Cache<String, Boolean> sessions,
            HookLog log, SubagentTypes agents) {
        this.agents = agents;
        this.pipeline = pipeline;
        this.projectDir = projectDir;
        this.executor = executor;
        this.sessions = sessions;
        this.log = log;
        this.skipped = new SkippedRequestHooks(pipeline, log, REQUEST_EVENTS);
        this.toolResults = new ToolResultHooks(pipeline, projectDir);
    }

    /**
     * What the commands and hooks decided for a request.
     *
     * @param blockedBy the hook that blocked it, or null
     * @param reason    why it was blocked
     * @param body      the body to send instead (its tree already read), or null to send it unchanged
     * @param stream    whether the client asked for a stream (for a reply the proxy gives itself)
     * @param reply     text the proxy answers with itself instead of forwarding ({@code /commands}), or null
     * @param refused   the error the proxy answers with instead of forwarding ({@code reason} its message),
     *                  or null
     * @param stopped   the hook that ended it said {@code "continue": false}: {@code reason} (its
     *                  {@code stopReason}) is the whole answer, a normal one, not a block notice
     * @param systemMessages what the hooks said for the person ({@code systemMessage}), in order
     * @param sessionTitle   the session's title a hook gave ({@code sessionTitle}), or null
     */
    public record Decision(String blockedBy, String reason, RequestBody body, boolean stream, String reply,
            ErrorKind refused, boolean stopped, List<String> systemMessages, String sessionTitle) {
        static final Decision UNCHANGED = new Decision(null, null, null, false, null, null);

        public Decision {
            systemMessages = List.copyOf(systemMessages);
        }

        Decision(String blockedBy, String reason, RequestBody body, boolean stream, String reply, ErrorKind refused) {
            this(blockedBy, reason, body, stream, reply, refused, false, List.of(), null);
        }

        static Decision refusal(ErrorKind kind, String message) {
            return new Decision(null, message, null, false, null, kind);
        }

        public boolean blocked() {
            return blockedBy != null;
        }
    }

    /** What a hook is told about the request besides its body; {@code facts} what the client's headers add. */
    public record Meta(String requestId, String client, boolean claudeCode, String dialect, String model,
            String upstream, String route, String path, String sessionHeader, Map<String, String> credentials,
            ClientFacts facts) {
        public Meta {
            facts = facts == null ? ClientFacts.NONE : facts;
        }

        public Meta(String requestId, String client, boolean claudeCode, String dialect, String model,
                String upstream, String route, String path, String sessionHeader, Map<String, String> credentials) {
            this(requestId, client, claudeCode, dialect, model, upstream, route, path, sessionHeader, credentials,
                    ClientFacts.NONE);
        }

        /** The same request with these facts. */
        public Meta withFacts(ClientFacts more) {
            return new Meta(requestId, client, claudeCode, dialect, model, upstream, route, path, sessionHeader,
                    credentials, more);
        }
    }

    /** Whether any request-side hook may run for a request from this client to this path. */
    public boolean wants(String path, boolean claudeCode) {
        if (ApiDialect.forPath(path) == null) {
            return false;
        }
        for (HookEvent event : REQUEST_EVENTS) {
            // UserPromptExpansion needs a command, and a request with one is handed off for the command anyway
            if (event != HookEvent.USER_PROMPT_EXPANSION && pipeline.has(event, claudeCode)) {
                return true;
            }
        }
        return pipeline.has(HookEvent.SUBAGENT_STOP, claudeCode); // a subagent's type is told from its first request
    }

    /**
     * Expands a slash command (when {@code commands} is given) and runs the hooks, on the hook executor; never
     * completes exceptionally. A failure of the proxy's own (not a hook's) skips the hooks as
     * {@link #unreadable} does, with a 500 when one is fail-closed.
     */
    public CompletableFuture<Decision> apply(RequestBody body, Meta meta, SlashCommands commands,
            CompletableFuture<?> cancel) {
        Consumer<HookRun> onRun = run -> log.record(meta.requestId(), run);
        return CompletableFuture.supplyAsync(() -> decide(body, meta, commands, cancel, onRun), executor)
                .exceptionally(e -> skipped.skip(meta, "the request hooks could not run (" + rootCause(e) + ")", false,
                        ErrorKind.INTERNAL));
    }

    /**
     * The body cannot be shown to the hooks ({@code why}, e.g. a coding the proxy cannot decode): each hook
     * that would have run is logged as skipped, and the request is refused (400) when one is fail-closed.
     */
    public CompletableFuture<Decision> unreadable(Meta meta, String why) {
        return CompletableFuture.supplyAsync(() -> skipped.skip(meta, "request body could not be read: " + why, false,
                ErrorKind.BAD_REQUEST), executor).exceptionally(e -> Decision.UNCHANGED);
    }

    private Decision decide(RequestBody body, Meta meta, SlashCommands commands, CompletableFuture<?> cancel,
            Consumer<HookRun> onRun) {
        ObjectNode shared; // the body's own tree, read here once and never changed: the first change copies it
        try {
            shared = body.json();
        } catch (UnreadableBodyException e) {
            return skipped.skip(meta, "request body could not be read: " + e.getMessage(), e.ambiguous(),
                    ErrorKind.BAD_REQUEST);
        }
        ObjectNode json = shared;
        ApiDialect turn = ApiDialect.forPath(meta.path());
        boolean changed = false;
        TurnNotes notes = new TurnNotes();
        if (commands != null) {
            SlashCommands.Result command;
            json = shared.deepCopy(); // a command expands in place
            try {
                command = commands.apply(json, turn, meta, cancel);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Decision.UNCHANGED;
            }
            if (command.reply() != null) {
                return notes.reply(command.reply(), json.path("stream").asBoolean());
            }
            changed = command.expanded();
            if (changed && pipeline.has(HookEvent.USER_PROMPT_EXPANSION, meta.claudeCode())) {
                ObjectNode input = input(HookEvent.USER_PROMPT_EXPANSION, meta, SessionIds.of(meta, json),
                        TurnFacts.permissionMode(json));
                PromptExpansion.describe(input, command, turn.prompt(shared), turn.prompt(json));
                Verdict v = notes.noted(run(HookEvent.USER_PROMPT_EXPANSION, command.command(), meta, input, onRun));
                if (v.blocked()) {
                    return notes.ended(v, json.path("stream").asBoolean());
                }
                List<String> marked = new ArrayList<>();
                addMarked(marked, "UserPromptExpansion", v.contexts());
                for (String context : marked) {
                    turn.addContext(json, context); // json is the expansion's own copy
                }
            }
        }
        String session = SessionIds.of(meta, json);
        String prompt = turn.prompt(json);
        Meta m = meta.withFacts(agents.resolve(meta.facts(), prompt)); // a subagent's type, when the client sends none
        List<String> contexts = new ArrayList<>();
        String mode = TurnFacts.permissionMode(json);
        java.util.function.Function<HookEvent, ObjectNode> inputs = event -> input(event, m, session, mode);

        String source = session == null || !pipeline.has(HookEvent.SESSION_START, meta.claudeCode()) ? null
                : sessionSource(session, json);
        if (source != null) {
            ObjectNode input = inputs.apply(HookEvent.SESSION_START).put("source", source);
            Verdict v = notes.noted(run(HookEvent.SESSION_START, source, m, input, onRun));
            if (v.stopped()) {
                return notes.ended(v, json.path("stream").asBoolean());
            }
            addMarked(contexts, "SessionStart", v.contexts());
        }
        ClientFacts facts = m.facts();
        if (facts.subagent() && pipeline.has(HookEvent.SUBAGENT_START, meta.claudeCode())
                && sessions.asMap().putIfAbsent("agent:" + facts.agentId(), Boolean.TRUE) == null) {
            ObjectNode input = inputs.apply(HookEvent.SUBAGENT_START);
            addMarked(contexts, "SubagentStart", notes.noted(run(HookEvent.SUBAGENT_START, facts.agentType(), m, input,
                    onRun)).contexts());
        }
        String compaction = TurnFacts.compaction(prompt, facts);
        if (compaction != null && pipeline.has(HookEvent.PRE_COMPACT, meta.claudeCode())) {
            ObjectNode input = inputs.apply(HookEvent.PRE_COMPACT).put("trigger", compaction)
                    .put("custom_instructions", TurnFacts.customInstructions(prompt));
            notes.noted(run(HookEvent.PRE_COMPACT, compaction, m, input, onRun)); // observe: a summary cannot be refused
        }
        // As in Claude Code, neither a compaction's prompt nor a subagent's task is a prompt the person typed.
        if (prompt != null && compaction == null && !facts.subagent()
                && pipeline.has(HookEvent.USER_PROMPT_SUBMIT, meta.claudeCode())) {
            ObjectNode input = inputs.apply(HookEvent.USER_PROMPT_SUBMIT).put("prompt", prompt);
            Verdict v = notes.noted(run(HookEvent.USER_PROMPT_SUBMIT, null, m, input, onRun));
            if (v.blocked() || v.stopped()) {
                return notes.ended(v, json.path("stream").asBoolean());
            }
            if (v.prompt() != null) {
                json = own(json, shared);
                turn.replacePrompt(json, v.prompt());
                changed = true;
            }
            addMarked(contexts, "UserPromptSubmit", v.contexts());
        }
        if (prompt == null && toolResults.wanted(meta.claudeCode())) {
            ToolResultHooks.Said said = toolResults.run(turn.toolResults(json), meta.claudeCode(), inputs, onRun,
                    notes::noted);
            if (said.ended() != null) { // continue: false, or a PostToolBatch block
                return notes.ended(said.ended(), json.path("stream").asBoolean());
            }
            contexts.addAll(said.contexts());
            for (Map.Entry<Integer, String> replaced : said.replaced().entrySet()) {
                json = own(json, shared); // the model sees the hook's version of the result, never the original
                turn.replaceToolResult(json, replaced.getKey(), replaced.getValue());
                changed = true;
            }
        }
        for (String context : contexts) {
            json = own(json, shared);
            turn.addContext(json, context);
            changed = true;
        }
        if (pipeline.has(HookEvent.PRE_REQUEST, meta.claudeCode())) {
            ObjectNode input = inputs.apply(HookEvent.PRE_REQUEST);
            input.set("request", json);
            Verdict v = notes.noted(run(HookEvent.PRE_REQUEST, null, m, input, onRun));
            if (v.blocked() || v.stopped()) {
                return notes.ended(v, json.path("stream").asBoolean());
            }
            if (v.request() instanceof ObjectNode) {
                json = (ObjectNode) v.request(); // the hook's own, parsed from its output
                changed = true;
            }
            List<String> marked = new ArrayList<>();
            addMarked(marked, "PreRequest", v.contexts());
            for (String context : marked) {
                json = own(json, shared);
                turn.addContext(json, context);
                changed = true;
            }
        }
        if (!changed) {
            return notes.forward(null);
        }
        try {
            return notes.forward(RequestBody.rewritten(JSON.writeValueAsBytes(json), json));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the changed request could not be written", e); // never sent unchanged
        }
    }

    /**
     * Hook context as Claude Code hands it to the model: one {@code <system-reminder>} per event (and tool), its
     * texts joined by newlines, saying where it comes from ({@code UserPromptSubmit hook additional context: ...},
     * {@code PostToolUse:Bash hook additional context: ...}).
     */
    static void addMarked(List<String> contexts, String hookName, List<String> texts) {
        if (!texts.isEmpty()) {
            contexts.add("<system-reminder>\n" + hookName + " hook additional context: " + String.join("\n", texts)
                    + "\n</system-reminder>");
        }
    }

    /** {@code json} to change in place: a copy when it is still the body's shared tree. */
    private static ObjectNode own(ObjectNode json, ObjectNode shared) {
        return json == shared ? shared.deepCopy() : json;
    }

    private static String rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName();
    }

    private Verdict run(HookEvent event, String tool, Meta meta, ObjectNode input, Consumer<HookRun> onRun) {
        return pipeline.run(event, tool, meta.claudeCode(), input, onRun).join(); // on the hook executor
    }

    private ObjectNode input(HookEvent event, Meta meta, String session, String permissionMode) {
        return HookInput.of(event, meta, session, projectDir).put("permission_mode", permissionMode);
    }

    /**
     * How the session started, when this request starts it (once per session, shared across reloads): a session
     * id not seen before is {@code startup}, or {@code resume} when its conversation already has answers of the
     * model; a seen one whose conversation now opens with a compaction's continuation summary not seen before is
     * {@code compact}. Null when the request starts nothing. ({@code clear} gives a new id and an empty
     * conversation: it reads as {@code startup}.)
     */
    private String sessionSource(String session, ObjectNode json) {
        if (sessions.asMap().putIfAbsent(session, Boolean.TRUE) == null) {
            return TurnFacts.resumed(json) ? "resume" : "startup";
        }
        String summary = TurnFacts.continuation(json);
        if (summary != null && sessions.asMap().putIfAbsent(session + "#compact#" + summary.hashCode(), Boolean.TRUE)
                == null) {
            return "compact";
        }
        return null;
    }
}
