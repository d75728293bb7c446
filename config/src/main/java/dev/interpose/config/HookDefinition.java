package dev.interpose.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How to run one hook: a script from a hooks folder (declared in its header comment, see
 * {@link HookHeader}) or a command from the {@code hooks} section of a Claude Code settings file.
 *
 * @param name          unique label for logs and metrics: the script's file name, or
 *                      {@code settings:Event[matcher]#n}
 * @param events        the events it runs at
 * @param matcher       tool-name pattern for tool events (a regular expression, as Claude Code's); null for all
 * @param order         merge order among the hooks of one event: lower first, then by name
 * @param timeout       the process tree is killed after this long
 * @param failClosed    a hook error blocks the request instead of letting it go on
 * @param command       the program and its arguments
 * @param claudeSettings from {@code .claude/settings.json}: Claude Code runs it itself, so the proxy runs
 *                      it only for other clients
 */
public record HookDefinition(
        String name,
        Set<HookEvent> events,
        Pattern matcher,
        int order,
        Duration timeout,
        boolean failClosed,
        List<String> command,
        boolean claudeSettings) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_ORDER = 100;

    public HookDefinition {
        Objects.requireNonNull(name, "name");
        events = Set.copyOf(events);
        Objects.requireNonNull(timeout, "timeout");
        command = List.copyOf(command);
    }

    /** Whether the hook runs for this tool (always for events without a tool). */
    public boolean matches(HookEvent event, String toolName) {
        return matcher == null || !event.toolEvent() || (toolName != null && matcher.matcher(toolName).matches());
    }

    /** A matcher as Claude Code reads one: empty or {@code *} for all, else a regular expression. */
    public static Pattern matcher(String text) {
        String trimmed = text == null ? "" : text.trim();
        return trimmed.isEmpty() || trimmed.equals("*") ? null : Pattern.compile(trimmed);
    }

    // Records compare Patterns by identity; compare their text so an unchanged file reloads as unchanged.
    @Override
    public boolean equals(Object o) {
        return o instanceof HookDefinition h && name.equals(h.name) && events.equals(h.events)
                && String.valueOf(matcher).equals(String.valueOf(h.matcher)) && order == h.order
                && timeout.equals(h.timeout) && failClosed == h.failClosed && command.equals(h.command)
                && claudeSettings == h.claudeSettings;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, events, String.valueOf(matcher), order, timeout, failClosed, command, claudeSettings);
    }
}
