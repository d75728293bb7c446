package dev.interpose.proxy.hook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A tool call as a hook sees it. Hooks speak Claude Code's protocol, so a call of one of Codex's tools is shown
 * under the name and input Claude Code gives the same act (docs/hook-tool-names.md): a shell command
 * ({@code exec_command}, {@code shell}, {@code shell_command}, {@code local_shell}, typing into one with
 * {@code write_stdin}) is {@code Bash} with the command as one string in {@code tool_input.command}; each file an
 * {@code apply_patch} touches is an {@code Edit} (updated, deleted, or moved away from) or a {@code Write} (added,
 * or moved to) with its {@code tool_input.file_path}. One call may so be several views (a patch of three files is
 * three); a hook judges each, and a denial of any denies the call. A hook's matcher is tried on the view's name,
 * then on the names the call has on the wire, so a matcher written for those still matches. The call as sent is
 * kept in {@code interpose.tool_call}. Any other tool is shown as it is.
 *
 * @param name       the tool's name for the hook ({@code tool_name})
 * @param input      its input for the hook ({@code tool_input})
 * @param matchNames the names a matcher is tried on: {@code name}, then the call's names on the wire
 * @param wire       the call as sent ({@code name}, {@code input}, and for a file of a patch its {@code change} and
 *                   {@code path} as written), or null when the view is the call itself
 */
record ToolView(String name, JsonNode input, List<String> matchNames, ObjectNode wire) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASH = "Bash";
    private static final String EDIT = "Edit";
    private static final String WRITE = "Write";
    private static final String APPLY_PATCH = dev.interpose.proxy.dialect.ToolNames.APPLY_PATCH;
    private static final List<String> SHELLS = dev.interpose.proxy.dialect.ToolNames.SHELLS;
    /** For each mapped tool, the names a hook may match its views by, known before its input is. */
    private static final Map<String, List<String>> WATCHED = watched();

    /**
     * The names a hook may match a call of {@code wireName} by, before its input is known; null for a tool shown as
     * it is, which is matched by {@code wireName} alone. Cheap: no allocation.
     */
    static List<String> watchNames(String wireName) {
        return wireName == null ? null : WATCHED.get(wireName);
    }

    /**
     * The views of a call of {@code wireName} with {@code wireInput}; relative paths of a patch are resolved against
     * {@code projectDir}, the {@code cwd} hooks are given. Never empty.
     */
    static List<ToolView> of(String wireName, JsonNode wireInput, Path projectDir) {
        JsonNode raw = wireInput == null || wireInput.isMissingNode() ? null : wireInput;
        if (wireName == null) {
            return List.of(new ToolView(null, raw, java.util.Collections.singletonList(null), null));
        }
        if (SHELLS.contains(wireName) || wireName.equals("write_stdin")) {
            return shell(wireName, raw, projectDir);
        }
        if (wireName.equals(APPLY_PATCH)) {
            String patch = raw == null ? null : raw.isTextual() ? raw.asText() : raw.path("input").asText(null);
            List<ToolView> files = files(wireName, raw, patch, projectDir);
            if (!files.isEmpty()) {
                return files;
            }
        }
        return List.of(new ToolView(wireName, raw, List.of(wireName), null));
    }

    /** Sets {@code tool_name}, {@code tool_input} and, for a mapped call, {@code interpose.tool_call} of a hook's input. */
    void describe(ObjectNode hookInput) {
        hookInput.put("tool_name", name);
        hookInput.set("tool_input", input);
        if (wire != null) {
            hookInput.with("interpose").set("tool_call", wire);
        }
    }

    private static List<ToolView> shell(String wireName, JsonNode raw, Path projectDir) {
        String command = command(wireName, raw);
        if (wireName.equals("write_stdin") && (command == null || command.isEmpty())) {
            return List.of(new ToolView(wireName, raw, List.of(wireName), null)); // a poll: nothing is typed
        }
        ObjectNode input = JSON.createObjectNode();
        input.put("command", command);
        if (raw != null && raw.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = raw.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!input.has(field.getKey())) {
                    input.set(field.getKey(), field.getValue()); // the call's own fields stay where they were
                }
            }
        }
        List<ToolView> views = new ArrayList<>();
        views.add(new ToolView(BASH, input, List.of(BASH, wireName), wire(wireName, raw)));
        if (command != null && (command.contains("apply_patch") || command.contains("applypatch"))) {
            views.addAll(files(wireName, raw, command, projectDir)); // Codex applies such a command as a patch
        }
        return views;
    }

    /** The command a shell tool's input runs, as one string; null when it names none. */
    private static String command(String wireName, JsonNode raw) {
        if (raw == null) {
            return null;
        }
        JsonNode command = switch (wireName) {
            case "exec_command" -> raw.path("cmd");
            case "write_stdin" -> raw.path("chars");
            default -> raw.path("command");
        };
        if (command.isArray()) {
            return ShellWords.command(command);
        }
        if (!command.isTextual()) {
            return null;
        }
        String text = command.asText();
        if (!wireName.equals("shell_command") && !wireName.equals("exec_command") && text.trim().startsWith("[")) {
            try { // Codex takes an argument vector written as a JSON text too
                JsonNode argv = JSON.readTree(text);
                if (argv.isArray()) {
                    return ShellWords.command(argv);
                }
            } catch (java.io.IOException e) {
                // a command string after all
            }
        }
        return text;
    }

    private static List<ToolView> files(String wireName, JsonNode raw, String patch, Path projectDir) {
        List<ToolView> views = new ArrayList<>();
        for (PatchText.FileChange file : PatchText.files(patch)) {
            ObjectNode input = JSON.createObjectNode();
            input.put("file_path", absolute(file.path(), projectDir));
            String name;
            if (file.change() == PatchText.Change.ADD || file.change() == PatchText.Change.MOVE) {
                name = WRITE;
                input.put("content", file.added());
            } else {
                name = EDIT;
                input.put("old_string", file.removed()).put("new_string", file.added()).put("replace_all", false);
            }
            ObjectNode wire = wire(wireName, raw);
            wire.put("change", file.change().name().toLowerCase(java.util.Locale.ROOT)).put("path", file.path());
            views.add(new ToolView(name, input, List.of(name, APPLY_PATCH), wire));
        }
        return views;
    }

    private static ObjectNode wire(String wireName, JsonNode raw) {
        ObjectNode wire = JSON.createObjectNode().put("name", wireName);
        wire.set("input", raw);
        return wire;
    }

    private static String absolute(String path, Path projectDir) {
        try {
            return projectDir.resolve(path).normalize().toString();
        } catch (InvalidPathException e) {
            return path;
        }
    }

    private static Map<String, List<String>> watched() {
        Map<String, List<String>> out = new java.util.HashMap<>();
        for (String shell : SHELLS) {
            out.put(shell, List.of(BASH, shell, EDIT, WRITE, APPLY_PATCH));
        }
        out.put("write_stdin", List.of(BASH, "write_stdin"));
        out.put(APPLY_PATCH, List.of(EDIT, WRITE, APPLY_PATCH));
        return Map.copyOf(out);
    }
}
