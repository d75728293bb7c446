package dev.interpose.config;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The moments a hook can run at, as the proxy sees them in the traffic. The names are Claude Code's
 * where Claude Code has the event; {@link #PRE_REQUEST} and {@link #POST_RESPONSE} are Interpose's own.
 * Claude Code's events the traffic does not show are in {@link #UNFIRED}, each with why.
 */
public enum HookEvent {
    /** The first request of a client session; may add context to it. Matched on {@code source}. */
    SESSION_START("SessionStart", Match.SOURCE),
    /** The newest user turn is a typed prompt; may block it, add context or replace it. */
    USER_PROMPT_SUBMIT("UserPromptSubmit", Match.NONE),
    /**
     * The proxy expanded one of its own slash commands or skills; sees the command, its arguments and the
     * expansion; may block it or add context. Matched on the command's name.
     */
    USER_PROMPT_EXPANSION("UserPromptExpansion", Match.COMMAND),
    /** The request carries tool results; sees each tool's name, input and output; may add context. */
    POST_TOOL_USE("PostToolUse", Match.TOOL),
    /** The request carries a tool result that failed ({@code is_error}, a non-zero exit); may add context. */
    POST_TOOL_USE_FAILURE("PostToolUseFailure", Match.TOOL),
    /** The request carries the results of several tool calls at once; sees them all; may add context. */
    POST_TOOL_BATCH("PostToolBatch", Match.NONE),
    /** The first request of a subagent (a new agent id); may add context to it. Matched on {@code agent_type}. */
    SUBAGENT_START("SubagentStart", Match.AGENT_TYPE),
    /** The request asks the model to compact the conversation. Matched on {@code trigger}. Observe only. */
    PRE_COMPACT("PreCompact", Match.TRIGGER),
    /** The whole request JSON, last before it leaves; may replace it or block it. */
    PRE_REQUEST("PreRequest", Match.NONE),
    /** The model's response asks for a tool call; may deny it. */
    PRE_TOOL_USE("PreToolUse", Match.TOOL),
    /** After a response completed, with the assembled result. Observe only. */
    POST_RESPONSE("PostResponse", Match.NONE),
    /** After a response that ended the turn without a tool call. Observe only. */
    STOP("Stop", Match.NONE),
    /** As {@link #STOP}, for a subagent's turn. Matched on {@code agent_type}. Observe only. */
    SUBAGENT_STOP("SubagentStop", Match.AGENT_TYPE),
    /** The turn ended on an upstream error (a non-2xx answer, an error event). Matched on {@code error}. */
    STOP_FAILURE("StopFailure", Match.ERROR);

    /**
     * Claude Code's documented events the proxy cannot fire, with why: they happen inside the client, and the
     * traffic shows nothing of them. A settings file's hook for one is reported ({@code interpose list}, a warning
     * at start), never dropped silently; Claude Code runs it itself.
     */
    public static final Map<String, String> UNFIRED = Map.ofEntries(
            Map.entry("Notification", "the client's own notices reach no upstream"),
            Map.entry("PermissionRequest", "permission dialogs happen in the client"),
            Map.entry("PermissionDenied", "permission decisions happen in the client"),
            Map.entry("SessionEnd", "a session's end sends no request"),
            Map.entry("PostCompact", "the compacted history arrives only with the next turn, not marked"),
            Map.entry("Setup", "set-up runs in the client before any request"),
            Map.entry("TeammateIdle", "agent teams are coordinated in the client"),
            Map.entry("TaskCreated", "the task list lives in the client"),
            Map.entry("TaskCompleted", "the task list lives in the client"),
            Map.entry("Elicitation", "MCP elicitations happen between the client and its MCP servers"),
            Map.entry("ElicitationResult", "MCP elicitations happen between the client and its MCP servers"),
            Map.entry("ConfigChange", "the client's settings files are not traffic"),
            Map.entry("InstructionsLoaded", "instruction files are read by the client"),
            Map.entry("CwdChanged", "the client's working directory is not traffic"),
            Map.entry("FileChanged", "file watching happens in the client"),
            Map.entry("WorktreeCreate", "worktrees are made by the client"),
            Map.entry("WorktreeRemove", "worktrees are removed by the client"),
            Map.entry("MessageDisplay", "display happens in the client"));

    /** What a hook's {@code matcher} selects on for an event, as Claude Code documents it. */
    public enum Match {
        /** No matcher: every hook of the event runs. */
        NONE,
        /** The tool's name. */
        TOOL,
        /** How the session started: {@code startup}, {@code resume}, {@code clear}, {@code compact}. */
        SOURCE,
        /** What asked for the compaction: {@code manual} or {@code auto}. */
        TRIGGER,
        /** The subagent's type. */
        AGENT_TYPE,
        /** The name of the command or skill the proxy expanded ({@code UserPromptExpansion}). */
        COMMAND,
        /** The error's type: {@code rate_limit}, {@code authentication_failed}, {@code server_error}... */
        ERROR
    }

    private final String wireName;
    private final Match match;

    HookEvent(String wireName, Match match) {
        this.wireName = wireName;
        this.match = match;
    }

    /** The name hooks see as {@code hook_event_name} and write in their headers and settings. */
    public String wireName() {
        return wireName;
    }

    /** Whether a matcher selects by tool name for this event. */
    public boolean toolEvent() {
        return match == Match.TOOL;
    }

    /** What a matcher selects on for this event; {@link Match#NONE} when a matcher is ignored. */
    public Match match() {
        return match;
    }

    /** The event of that name, or null. */
    public static HookEvent of(String wireName) {
        for (HookEvent e : values()) {
            if (e.wireName.equals(wireName)) {
                return e;
            }
        }
        return null;
    }

    /** Every name, for error messages. */
    public static List<String> names() {
        return Arrays.stream(values()).map(HookEvent::wireName).toList();
    }
}
