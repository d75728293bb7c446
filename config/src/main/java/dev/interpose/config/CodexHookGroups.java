package dev.interpose.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * The matcher groups of one event of a Codex hook file, judged as Codex judges them. A fault of shape (a group
 * that is not an object, a handler without {@code type} or {@code command}, a timeout that is not a whole number) is
 * one line naming the line, the key and what was expected, and makes the whole file fail, as it does in Codex. What
 * Codex skips with a warning (a bad regular expression, an empty command, a {@code prompt} or {@code agent}
 * handler) is listed and skipped alone.
 */
final class CodexHookGroups {
    private final Path file;
    private final String scope;
    private final String prefix;
    private final String source;
    private final String event;
    private final boolean ignoresMatcher;
    private final CodexHookLines lines;
    private final JsonNode states;

    CodexHookGroups(Path file, String scope, String prefix, String source, String event, boolean ignoresMatcher,
            CodexHookLines lines, JsonNode states) {
        this.file = file;
        this.scope = scope;
        this.prefix = prefix;
        this.source = source;
        this.event = event;
        this.ignoresMatcher = ignoresMatcher;
        this.lines = lines;
        this.states = states;
    }

    void read(JsonNode groups, List<String> faults, List<Extension> found) {
        String key = "hooks." + event;
        if (!groups.isArray()) {
            faults.add(fault(key, groups, "a list of {matcher, hooks} groups"));
            return;
        }
        int n = 0;
        for (int g = 0; g < groups.size(); g++) {
            JsonNode group = groups.get(g);
            String at = key + "[" + g + "]";
            if (!group.isObject()) {
                faults.add(fault(at, group, "an object with \"matcher\" and \"hooks\""));
                continue;
            }
            JsonNode matcherNode = group.path("matcher");
            if (!matcherNode.isMissingNode() && !matcherNode.isNull() && !matcherNode.isTextual()) {
                faults.add(fault(at + ".matcher", matcherNode, "a string"));
                continue;
            }
            String matcherText = matcherNode.isTextual() && !ignoresMatcher ? matcherNode.asText() : null;
            JsonNode handlers = group.path("hooks");
            if (!handlers.isMissingNode() && !handlers.isArray()) {
                faults.add(fault(at + ".hooks", handlers, "a list of handlers"));
                continue;
            }
            ToolMatcher matcher;
            try {
                matcher = CodexHooks.matcher(matcherText);
            } catch (PatternSyntaxException e) {
                found.add(failed(event + "[" + matcherText + "]", "line " + lines.of(at + ".matcher") + ": " + at
                        + ".matcher: \"" + matcherText + "\" (expected: a regular expression); Codex skips this group"));
                continue;
            }
            for (int h = 0; h < handlers.size(); h++) {
                String name = prefix + event + "[" + (matcherText == null ? "" : matcherText) + "]#" + (++n);
                Extension e = handler(name, at + ".hooks[" + h + "]", handlers.get(h), matcher, g, h, faults);
                if (e != null) {
                    found.add(e);
                }
            }
        }
    }

    private Extension handler(String name, String at, JsonNode handler, ToolMatcher matcher, int g, int h,
            List<String> faults) {
        if (!handler.isObject()) {
            faults.add(fault(at, handler, "an object with \"type\" and \"command\""));
            return null;
        }
        JsonNode type = handler.path("type");
        if (!type.isTextual() || !List.of("command", "prompt", "agent").contains(type.asText())) {
            faults.add(fault(at + ".type", type, "\"command\", \"prompt\" or \"agent\""));
            return null;
        }
        if (!type.asText().equals("command")) {
            return note(name, at + ".type: a \"" + type.asText() + "\" handler, which Codex does not run yet, nor does"
                    + " the proxy");
        }
        JsonNode command = handler.path("command");
        JsonNode timeout = handler.path("timeout");
        JsonNode async = handler.path("async");
        JsonNode status = handler.path("statusMessage");
        if (!command.isTextual()) {
            faults.add(fault(at + ".command", command, "a string"));
        } else if (!timeout.isMissingNode() && !timeout.isNull() && !(timeout.canConvertToLong() && timeout.isIntegralNumber()
                && timeout.asLong() >= 0)) {
            faults.add(fault(at + ".timeout", timeout, "a whole number of seconds"));
        } else if (!async.isMissingNode() && !async.isBoolean()) {
            faults.add(fault(at + ".async", async, "true or false"));
        } else if (!status.isMissingNode() && !status.isNull() && !status.isTextual()) {
            faults.add(fault(at + ".statusMessage", status, "a string"));
        } else if (command.asText().isBlank()) {
            return note(name, at + ".command: empty, so Codex skips it and so does the proxy");
        } else if (states.path(source + ":" + label(event) + ":" + g + ":" + h).path("enabled").asBoolean(true)) {
            HookEvent fired = HookEvent.of(event);
            if (fired == null) {
                return note(name, event + ": Codex runs it itself; the proxy does not fire this event");
            }
            long seconds = timeout.isIntegralNumber() ? timeout.asLong() : CodexHooks.DEFAULT_SECONDS;
            HookDefinition hook = CodexHooks.definition(name, fired, matcher, command.asText(), seconds,
                    async.asBoolean(false), status.isTextual() ? status.asText() : null);
            return new Extension(Extension.Kind.HOOK, name, file, scope, null, null, hook, null, event
                    + (!fired.toolEvent() ? "" : matcher == null ? " (every tool)" : " matcher " + matcher) + ", timeout " + hook.timeout().toSeconds()
                    + "s, runs `" + command.asText() + "`: for Claude Code and other clients, not for Codex, which runs"
                    + " it itself");
        } else {
            return note(name, "off: enabled = false for it in [hooks.state] of Codex's config.toml");
        }
        return null;
    }

    /** {@code PreToolUse} as Codex writes it in a {@code [hooks.state]} key: {@code pre_tool_use}. */
    static String label(String event) {
        return event.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
    }

    private String fault(String key, JsonNode value, String expected) {
        String shown = value.isMissingNode() ? "missing" : value.toString();
        return "line " + lines.of(key) + ": " + key + ": " + shown + " (expected: " + expected + ")";
    }

    private Extension failed(String name, String error) {
        return new Extension(Extension.Kind.HOOK, prefix + name, file, scope, error, null);
    }

    private Extension note(String name, String note) {
        return new Extension(Extension.Kind.HOOK, name, file, scope, null, null, null, null, note);
    }
}
