package dev.interpose.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How to run one hook: a script from a hooks folder (declared in its header comment, see
 * {@link HookHeader}) or a command from the {@code hooks} section of a Claude Code settings file.
 *
 * @param name          unique label for logs and metrics: the script's file name, or
 *                      {@code settings:Event[matcher]#n}
 * @param events        the events it runs at
 * @param matcher       which tools (or sources, triggers, agent types, errors: {@link HookEvent#match()}), read as
 *                      Claude Code reads a matcher ({@link ToolMatcher}); null for all
 * @param order         merge order among the hooks of one event: lower first, then by name
 * @param timeout       the process tree is killed after this long
 * @param failClosed    a hook error blocks the request instead of letting it go on
 * @param command       the program and its arguments
 * @param claudeSettings from {@code .claude/settings.json}: Claude Code runs it itself, so the proxy runs
 *                      it only for other clients
 * @param options       the settings file's handler options ({@link Options#NONE} for a script)
 */
public record HookDefinition(
        String name,
        Set<HookEvent> events,
        ToolMatcher matcher,
        int order,
        Duration timeout,
        boolean failClosed,
        List<String> command,
        boolean claudeSettings,
        Options options) {

    /**
     * What a settings-file handler may add, as Claude Code reads it.
     *
     * @param async         runs in the background: nothing waits for it and its answer decides nothing
     * @param once          runs once per session
     * @param statusMessage what Claude Code shows while it runs (logged here), or null
     * @param ifRule        a permission rule the tool call must match for it to run ({@code Bash(git *)},
     *                      {@code Edit(*.env)}), or null
     */
    public record Options(boolean async, boolean once, String statusMessage, String ifRule) {
        public static final Options NONE = new Options(false, false, null, null);
    }

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** A settings-file command's timeout when it gives none, as Claude Code documents it. */
    public static final Duration SETTINGS_TIMEOUT = Duration.ofSeconds(600);
    public static final int DEFAULT_ORDER = 100;

    public HookDefinition {
        Objects.requireNonNull(name, "name");
        events = Set.copyOf(events);
        Objects.requireNonNull(timeout, "timeout");
        command = List.copyOf(command);
        options = options == null ? Options.NONE : options;
    }

    public HookDefinition(String name, Set<HookEvent> events, ToolMatcher matcher, int order, Duration timeout,
            boolean failClosed, List<String> command, boolean claudeSettings) {
        this(name, events, matcher, order, timeout, failClosed, command, claudeSettings, Options.NONE);
    }

    /**
     * Whether the hook runs for this subject of the event: the tool for a tool event, the source, trigger, agent
     * type or error for the events Claude Code matches on those ({@link HookEvent#match()}); always for the others.
     */
    public boolean matches(HookEvent event, String subject) {
        return matcher == null || event.match() == HookEvent.Match.NONE || matcher.matches(subject);
    }

    /** A matcher as Claude Code reads one ({@link ToolMatcher#of}): null for all; a bad regular expression throws. */
    public static ToolMatcher matcher(String text) {
        return ToolMatcher.of(text);
    }
}
