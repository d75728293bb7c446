package dev.interpose.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.PatternSyntaxException;

/**
 * Codex's own hook files, as Codex 0.169 reads them: {@code hooks.json} and the {@code [hooks]} tables of
 * {@code config.toml}, in the project's {@code .codex/} and in Codex's home ({@code $CODEX_HOME}, else
 * {@code ~/.codex}). Both forms hold {@code {Event: [{matcher, hooks: [{type: "command", command, timeout,
 * async, statusMessage}]}]}}; the timeout is in seconds, {@value #DEFAULT_SECONDS} unless given. The hooks are
 * {@linkplain HookDefinition.Format#CODEX Codex-format}: Codex runs them itself, the proxy for other clients.
 * As in Codex: a file that does not parse, or breaks the shape, loads nothing (every fault is listed); a group whose
 * matcher is not a regular expression is skipped; {@code prompt} and {@code agent} handlers and empty commands
 * are not run; an unknown event is ignored. A hook switched off in the user's {@code config.toml}
 * ({@code [hooks.state."<file>:<event>:<group>:<handler>"] enabled = false}) is off, and
 * {@code [features] hooks = false} (or {@code codex_hooks}) turns every one off. Events Codex has and the proxy does
 * not fire are listed with a note. Plain file reading, called off the event loop.
 */
final class CodexHooks {
    static final long DEFAULT_SECONDS = 600;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TomlMapper TOML = new TomlMapper();
    /** Codex 0.169's hook events; of these the proxy fires the ones {@link HookEvent} has. */
    static final Set<String> CODEX_EVENTS = Set.of("PreToolUse", "PermissionRequest", "PostToolUse", "PreCompact",
            "PostCompact", "SessionStart", "SessionEnd", "UserPromptSubmit", "SubagentStart", "SubagentStop", "Stop",
            "Interrupt");
    /** The events whose matcher Codex ignores. */
    private static final Set<String> NO_MATCHER = Set.of("PreCompact", "PostCompact", "UserPromptSubmit", "Stop");

    private CodexHooks() {
    }

    /** Codex's home: {@code $CODEX_HOME} when set, else {@code ~/.codex}. */
    static Path home(Map<String, String> env, Path userHome) {
        String set = env.get("CODEX_HOME");
        return set == null || set.isBlank() ? userHome.resolve(".codex") : Path.of(set);
    }

    /** The files read: the project's {@code .codex/hooks.json} and {@code config.toml}, then Codex's home's. */
    static List<Path> files(Path projectDir, Path codexHome) {
        List<Path> files = new ArrayList<>(List.of(projectDir.resolve(".codex/hooks.json"),
                projectDir.resolve(".codex/config.toml")));
        if (!same(projectDir.resolve(".codex"), codexHome)) {
            files.add(codexHome.resolve("hooks.json"));
            files.add(codexHome.resolve("config.toml"));
        }
        return files;
    }

    /** Reads every file of {@link #files} into {@code out}, the project's first. */
    static void read(Path projectDir, Path codexHome, List<Extension> out) {
        Path userConfig = codexHome.resolve("config.toml");
        JsonNode userToml = tomlOrNull(userConfig);
        String off = featureOff(tomlOrNull(projectDir.resolve(".codex/config.toml")), projectDir.resolve(".codex/config.toml"));
        if (off == null) {
            off = featureOff(userToml, userConfig);
        }
        JsonNode states = userToml == null ? JSON.missingNode() : userToml.path("hooks").path("state");
        for (Path file : files(projectDir, codexHome)) {
            String scope = file.startsWith(projectDir.resolve(".codex")) && !same(projectDir.resolve(".codex"), codexHome)
                    ? "project" : "user";
            List<Extension> found = new ArrayList<>();
            readFile(file, scope, states, found);
            for (Extension e : found) {
                out.add(off != null && e.hook() != null ? new Extension(e.kind(), e.name(), e.file(), e.scope(), null,
                        null, null, null, "off: " + off) : e);
            }
        }
    }

    private static void readFile(Path file, String scope, JsonNode states, List<Extension> out) {
        if (!Files.isRegularFile(file)) {
            return;
        }
        boolean toml = file.getFileName().toString().endsWith(".toml");
        String text;
        JsonNode root;
        try {
            text = Files.readString(file);
            root = toml ? TOML.readTree(text) : JSON.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            out.add(failed(file, scope, "line " + (at == null ? "?" : at.getLineNr()) + ": not valid "
                    + (toml ? "TOML" : "JSON") + ": " + e.getOriginalMessage() + "; Codex does not load this file"));
            return;
        } catch (IOException e) {
            out.add(failed(file, scope, "cannot read: " + e.getMessage()));
            return;
        }
        CodexHookLines lines = toml ? CodexHookLines.toml(text) : CodexHookLines.json(text);
        List<String> faults = new ArrayList<>();
        JsonNode hooks = root == null ? JSON.missingNode() : root.path("hooks");
        if (!toml && root != null) {
            root.fieldNames().forEachRemaining(key -> {
                if (!key.equals("hooks") && !key.equals("description")) {
                    faults.add("line " + lines.of(key) + ": " + key + ": not a key of a hooks file (expected: only"
                            + " \"hooks\" and \"description\")");
                }
            });
        }
        if (!hooks.isMissingNode() && !hooks.isObject()) {
            faults.add("line " + lines.of("hooks") + ": hooks: " + hooks.getNodeType().name().toLowerCase()
                    + " (expected: a table of event names)");
        }
        List<Extension> found = new ArrayList<>();
        String prefix = toml ? "codex-toml:" : "codex:";
        String source = file.toAbsolutePath().normalize().toString();
        for (Iterator<Map.Entry<String, JsonNode>> events = hooks.fields(); events.hasNext();) {
            Map.Entry<String, JsonNode> event = events.next();
            String name = event.getKey();
            if (toml && name.equals("state")) {
                continue; // Codex's own record of which hooks are on and trusted
            }
            if (!CODEX_EVENTS.contains(name)) {
                found.add(new Extension(Extension.Kind.HOOK, prefix + name, file, scope, null, null, null, null,
                        "hooks." + name + ": not an event Codex has, so Codex ignores it and so does the proxy"));
                continue;
            }
            new CodexHookGroups(file, scope, prefix, source, name, NO_MATCHER.contains(name), lines, states)
                    .read(event.getValue(), faults, found);
        }
        if (!faults.isEmpty()) {
            faults.forEach(f -> out.add(failed(file, scope, f + "; Codex does not load this file")));
            return;
        }
        out.addAll(found);
    }

    private static Extension failed(Path file, String scope, String error) {
        return new Extension(Extension.Kind.HOOK, "codex:" + file.getFileName(), file, scope, error, null);
    }

    /** Why {@code [features]} turns Codex's hooks off in this config, or null. */
    private static String featureOff(JsonNode toml, Path file) {
        if (toml == null) {
            return null;
        }
        for (String key : List.of("hooks", "codex_hooks")) {
            JsonNode value = toml.path("features").path(key);
            if (value.isBoolean()) {
                return value.asBoolean() ? null : "features." + key + " = false in " + file;
            }
        }
        return null;
    }

    private static JsonNode tomlOrNull(Path file) {
        try {
            return Files.isRegularFile(file) ? TOML.readTree(Files.readString(file)) : null;
        } catch (IOException e) {
            return null; // reported where the file's hooks are read
        }
    }

    private static boolean same(Path a, Path b) {
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    /** One Codex handler as a hook definition. */
    static HookDefinition definition(String name, HookEvent event, ToolMatcher matcher, String command, long seconds,
            boolean async, String statusMessage) {
        HookDefinition.Options options = new HookDefinition.Options(async, false, statusMessage, null);
        return new HookDefinition(name, EnumSet.of(event), matcher, HookDefinition.DEFAULT_ORDER,
                Duration.ofSeconds(Math.max(1, seconds)), false, List.of("/bin/sh", "-c", command), false, options,
                HookDefinition.Format.CODEX);
    }

    /** A matcher as Codex reads one; throws for a bad regular expression. */
    static ToolMatcher matcher(String text) throws PatternSyntaxException {
        return ToolMatcher.codex(text);
    }
}
