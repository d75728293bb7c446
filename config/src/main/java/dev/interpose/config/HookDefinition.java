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
 * @param format        whose protocol the hook speaks: Claude Code's (scripts, settings files, plugins) or Codex's
 *                      (its {@code hooks.json} and {@code [hooks]} in {@code config.toml}: Codex runs these itself, so
 *                      the proxy runs them only for other clients)
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
        Options options,
        Format format) {

    /** The protocol of a hook's input and tool names (docs/hook-tool-names.md). */
    public enum Format {
        /** Claude Code's: tools under Claude Code's names ({@code Bash}, {@code Edit}, {@code Write}...). */
        CLAUDE,
        /** Codex's: shell tools as {@code Bash}, file edits as {@code apply_patch}, with Codex's input fields. */
        CODEX
    }

    /**
     * What a settings-file handler may add, as Claude Code reads it.
     *
     * @param async         runs in the background: nothing waits for it and its answer decides nothing
     * @param once          runs once per session
     * @param statusMessage what Claude Code shows while it runs (logged here), or null
     * @param ifRule        a permission rule the tool call must match for it to run ({@code Bash(git *)},
     *                      {@code Edit(*.env)}), or null
     * @param http          for a {@code "type": "http"} handler, where its input is posted (the command is then
     *                      empty); null for a command
     */
    public record Options(boolean async, boolean once, String statusMessage, String ifRule, Http http) {
        public static final Options NONE = new Options(false, false, null, null, null);

        public Options(boolean async, boolean once, String statusMessage, String ifRule) {
            this(async, once, statusMessage, ifRule, null);
        }
    }

    /**
     * A {@code "type": "http"} handler of a settings file: its input is POSTed as JSON to {@code url}, and the
     * response body is read as a command's stdout is.
     *
     * @param url            an http or https URL
     * @param headers        headers sent with it; {@code $VAR} and {@code ${VAR}} in a value are replaced by the
     *                       environment variable when {@code allowedEnvVars} lists it, else by nothing
     * @param allowedEnvVars the environment variables a header value may name
     */
    public record Http(java.net.URI url, java.util.Map<String, String> headers, List<String> allowedEnvVars) {
        public Http {
            Objects.requireNonNull(url, "url");
            headers = java.util.Map.copyOf(headers);
            allowedEnvVars = List.copyOf(allowedEnvVars);
        }
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
        format = format == null ? Format.CLAUDE : format;
    }

    public HookDefinition(String name, Set<HookEvent> events, ToolMatcher matcher, int order, Duration timeout,
            boolean failClosed, List<String> command, boolean claudeSettings, Options options) {
        this(name, events, matcher, order, timeout, failClosed, command, claudeSettings, options, Format.CLAUDE);
    }

    public HookDefinition(String name, Set<HookEvent> events, ToolMatcher matcher, int order, Duration timeout,
            boolean failClosed, List<String> command, boolean claudeSettings) {
        this(name, events, matcher, order, timeout, failClosed, command, claudeSettings, Options.NONE, Format.CLAUDE);
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
