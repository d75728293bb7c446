package dev.interpose.config;

import java.util.Arrays;
import java.util.List;

/**
 * The moments a hook can run at, as the proxy sees them in the traffic. The names are Claude Code's
 * where Claude Code has the event; {@link #PRE_REQUEST} and {@link #POST_RESPONSE} are Interpose's own.
 */
public enum HookEvent {
    /** The first request of a client session; may add context to it. */
    SESSION_START("SessionStart", false),
    /** The newest user turn is a typed prompt; may block it, add context or replace it. */
    USER_PROMPT_SUBMIT("UserPromptSubmit", false),
    /**
     * The proxy expanded one of its own slash commands or skills; sees the command, its arguments and the
     * expansion; may block it or add context. Its matcher selects by command name.
     */
    USER_PROMPT_EXPANSION("UserPromptExpansion", true),
    /** The request carries tool results; sees each tool's name, input and output; may add context. */
    POST_TOOL_USE("PostToolUse", true),
    /** The whole request JSON, last before it leaves; may replace it or block it. */
    PRE_REQUEST("PreRequest", false),
    /** The model's response asks for a tool call; may deny it. */
    PRE_TOOL_USE("PreToolUse", true),
    /** After a response completed, with the assembled result. Observe only. */
    POST_RESPONSE("PostResponse", false),
    /** After a response that ended the turn without a tool call. Observe only. */
    STOP("Stop", false);

    private final String wireName;
    private final boolean toolEvent;

    HookEvent(String wireName, boolean toolEvent) {
        this.wireName = wireName;
        this.toolEvent = toolEvent;
    }

    /** The name hooks see as {@code hook_event_name} and write in their headers and settings. */
    public String wireName() {
        return wireName;
    }

    /** Whether a matcher selects by name for this event: a tool's, or a command's for {@code UserPromptExpansion}. */
    public boolean toolEvent() {
        return toolEvent;
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
