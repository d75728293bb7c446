package dev.interpose.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code hooks} of Claude Code's settings files, as Claude Code reads them: {@code .claude/settings.json} and
 * {@code .claude/settings.local.json} of the project, {@code ~/.claude/settings.json} of the user. A handler is
 * {@code {"type": "command", "command": "...", "args": [...], "timeout": s, "async": b, "once": b,
 * "statusMessage": "...", "if": "Bash(git *)"}}: with {@code args} the command runs without a shell, else through
 * {@code /bin/sh -c}; the timeout is {@value #DEFAULT_SECONDS} s unless given. An {@code "type": "http"} handler
 * ({@code url}, {@code headers}, {@code allowedEnvVars}, {@link HttpHandlers}) is POSTed the input instead.
 * {@code "disableAllHooks": true} in any of the files turns every settings-file hook off. A hook of an event the
 * proxy cannot fire (one only Claude Code sees, {@link HookEvent#UNFIRED}) or of an event no one documents is kept
 * as a note, shown by {@code interpose list} and warned of at start: it never disappears silently.
 */
final class ClaudeSettingsHooks {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final long DEFAULT_SECONDS = 600;

    private ClaudeSettingsHooks() {
    }

    /** The settings files of a base folder ({@code settings.local.json} only for the project). */
    static List<Path> files(Path claudeDir, boolean project) {
        return project ? List.of(claudeDir.resolve("settings.json"), claudeDir.resolve("settings.local.json"))
                : List.of(claudeDir.resolve("settings.json"));
    }

    /** Whether a file sets {@code disableAllHooks}. */
    static boolean disablesAll(Path settings) {
        try {
            return Files.isRegularFile(settings) && JSON.readTree(settings.toFile()).path("disableAllHooks").asBoolean(false);
        } catch (IOException e) {
            return false;
        }
    }

    static void read(Path settings, String scope, List<Extension> out) {
        if (!Files.isRegularFile(settings)) {
            return;
        }
        JsonNode root;
        try {
            root = JSON.readTree(settings.toFile());
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            out.add(new Extension(Extension.Kind.HOOK, "hooks", settings, scope, "not valid JSON at "
                    + (at == null ? "?" : at.getLineNr() + ":" + at.getColumnNr()) + ": " + e.getOriginalMessage(), null));
            return;
        } catch (IOException e) {
            out.add(new Extension(Extension.Kind.HOOK, "hooks", settings, scope, "cannot read: " + e.getMessage(), null));
            return;
        }
        JsonNode hooks = root.path("hooks");
        if (hooks.isMissingNode()) {
            return;
        }
        if (!hooks.isObject()) {
            out.add(new Extension(Extension.Kind.HOOK, "hooks", settings, scope,
                    "hooks: expected an object of event names", null));
            return;
        }
        String prefix = settings.getFileName().toString().equals("settings.local.json") ? "settings.local:" : "settings:";
        for (Iterator<Map.Entry<String, JsonNode>> events = hooks.fields(); events.hasNext();) {
            Map.Entry<String, JsonNode> event = events.next();
            if (!event.getValue().isArray()) {
                out.add(new Extension(Extension.Kind.HOOK, event.getKey(), settings, scope,
                        "hooks." + event.getKey() + ": expected a list of {matcher, hooks}", null));
                continue;
            }
            HookEvent hookEvent = HookEvent.of(event.getKey());
            if (hookEvent == null) {
                out.add(unfired(event.getKey(), event.getValue(), settings, scope, prefix));
                continue;
            }
            int n = 0;
            for (JsonNode group : event.getValue()) {
                String matcher = group.path("matcher").asText("");
                for (JsonNode hook : group.path("hooks")) {
                    String name = prefix + event.getKey() + "[" + matcher + "]#" + (++n);
                    out.add(hook(hookEvent, name, matcher, hook, settings, scope));
                }
            }
        }
    }

    /** The note for the hooks of an event the proxy does not fire: which, and why. */
    private static Extension unfired(String event, JsonNode groups, Path settings, String scope, String prefix) {
        int n = 0;
        for (JsonNode group : groups) {
            n += group.path("hooks").size();
        }
        String why = HookEvent.UNFIRED.get(event);
        String note = "hooks." + event + ": " + n + (n == 1 ? " hook" : " hooks") + " not run by the proxy: "
                + (why != null ? "an event the traffic does not show (" + why + "); Claude Code runs it itself"
                : "not an event Claude Code documents (events the proxy fires: " + String.join(", ", HookEvent.names())
                        + ")");
        return new Extension(Extension.Kind.HOOK, prefix + event, settings, scope, null, null, null, null, note);
    }

    private static Extension hook(HookEvent event, String name, String matcher, JsonNode hook, Path settings,
            String scope) {
        String where = "hooks." + event.wireName() + ": ";
        String type = hook.path("type").asText("command");
        if (!type.equals("command") && !type.equals("http")) {
            return new Extension(Extension.Kind.HOOK, name, settings, scope,
                    where + "a \"" + type + "\" hook, which the proxy does not run (only \"command\" and \"http\")",
                    null);
        }
        HookDefinition.Http http = null;
        if (type.equals("http")) {
            String problem = HttpHandlers.problem(hook);
            if (problem != null) {
                return new Extension(Extension.Kind.HOOK, name, settings, scope, where + problem, null);
            }
            http = HttpHandlers.of(hook);
        } else if (!hook.path("command").isTextual()) {
            return new Extension(Extension.Kind.HOOK, name, settings, scope,
                    where + "a hook without a \"command\" string", null);
        }
        ToolMatcher pattern;
        try {
            pattern = HookDefinition.matcher(matcher);
        } catch (PatternSyntaxException e) {
            return new Extension(Extension.Kind.HOOK, name, settings, scope,
                    where + "matcher \"" + matcher + "\" is not a regular expression", null);
        }
        Duration timeout = Duration.ofSeconds(DEFAULT_SECONDS);
        if (hook.has("timeout")) {
            if (!hook.path("timeout").canConvertToLong() || hook.path("timeout").asLong() <= 0) {
                return new Extension(Extension.Kind.HOOK, name, settings, scope,
                        where + "timeout " + hook.path("timeout") + " (expected: a positive number of seconds)", null);
            }
            timeout = Duration.ofSeconds(hook.path("timeout").asLong());
        }
        List<String> command;
        if (http != null) {
            command = List.of();
        } else if (hook.has("args")) {
            if (!hook.path("args").isArray()) {
                return new Extension(Extension.Kind.HOOK, name, settings, scope,
                        where + "args " + hook.path("args") + " (expected: a list of strings)", null);
            }
            command = new ArrayList<>();
            command.add(hook.path("command").asText());
            hook.path("args").forEach(arg -> command.add(arg.asText()));
        } else {
            command = List.of("/bin/sh", "-c", hook.path("command").asText());
        }
        String ifRule = hook.path("if").isTextual() ? hook.path("if").asText() : null;
        if (ifRule != null && PermissionRule.parse(ifRule) == null) {
            return new Extension(Extension.Kind.HOOK, name, settings, scope,
                    where + "if \"" + ifRule + "\" (expected: a permission rule such as Bash(git *))", null);
        }
        HookDefinition.Options options = new HookDefinition.Options(hook.path("async").asBoolean(false),
                hook.path("once").asBoolean(false), hook.path("statusMessage").asText(null), ifRule, http);
        return Extension.hook(new HookDefinition(name, EnumSet.of(event), pattern, HookDefinition.DEFAULT_ORDER,
                timeout, false, command, true, options), settings, scope);
    }
}
