package dev.interpose.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.interpose.config.HookEvent;
import java.time.Duration;
import java.util.Set;

/**
 * A hook: something that sees an event of the traffic and may change or stop it. Implemented by
 * {@link ScriptHook} for scripts, and by in-process Java hooks for what must be fast. {@link #run} is
 * called on the pipeline's executor, never on an event loop, and may block.
 */
public interface Hook {

    /** Unique label for logs and metrics. */
    String name();

    /** The events it runs at. */
    Set<HookEvent> events();

    /** Whether it runs for this tool (for tool events; others pass null). */
    default boolean matches(HookEvent event, String toolName) {
        return true;
    }

    /** Merge order among the hooks of one event: lower first, then by name. */
    default int order() {
        return 100;
    }

    /** How long it may take before it counts as failed. */
    default Duration timeout() {
        return Duration.ofSeconds(60);
    }

    /** Whether a failure of this hook blocks the request (fail-closed) instead of letting it go on. */
    default boolean failClosed() {
        return false;
    }

    /**
     * Whether it runs for a request from this client. Hooks imported from Claude Code's settings return
     * false for Claude Code, which runs them itself: a hook never runs twice for one event.
     */
    default boolean runsFor(boolean claudeCode) {
        return true;
    }

    /**
     * Runs the hook.
     *
     * @param input the event as Claude Code would send it ({@code session_id}, {@code hook_event_name},
     *              {@code cwd}, {@code prompt}, {@code tool_name}...) plus an {@code interpose} object
     * @return what the hook decided; an exception counts as a hook error
     */
    HookResult run(JsonNode input) throws Exception;
}
