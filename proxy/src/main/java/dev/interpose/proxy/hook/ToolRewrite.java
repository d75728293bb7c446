package dev.interpose.proxy.hook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@code PreToolUse} hook's {@code updatedInput}, written for the {@link ToolView} it saw, turned back into the
 * input of the call as sent (docs/hook-tool-names.md, read backwards). A tool shown as it is takes the new input as
 * it is. For Codex's shell tools the new {@code command} goes where the call keeps its command: {@code cmd} of
 * {@code exec_command}, {@code command} of {@code shell_command}, an argument vector for {@code shell} and
 * {@code local_shell} ({@code [bash, -lc, command]}, or the call's own shell and flag when it ran a script that
 * way), {@code chars} of {@code write_stdin}; the other fields the hook gave stay, but Claude Code's own
 * ({@code description}, {@code timeout}, {@code run_in_background}) that the call does not have. A patch of one file
 * becomes the patch of the new {@code Write} (an added file) or {@code Edit} (its old lines replaced by the new).
 * What cannot be put back (one file of several in a patch, a file of a shell command's patch) throws, and the call
 * is then denied: a hook that rewrote a call expects the rewritten one to run, never the original.
 */
final class ToolRewrite {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Fields of Claude Code's Bash input that Codex's shell tools do not take. */
    private static final List<String> BASH_ONLY = List.of("description", "timeout", "run_in_background",
            "dangerouslyDisableSandbox");

    private ToolRewrite() {
    }

    /** Cannot be put back into the call as sent. */
    static final class Unmappable extends RuntimeException {
        Unmappable(String message) {
            super(message);
        }
    }

    /**
     * The input the call goes out with.
     *
     * @param wireName  the tool the call names on the wire
     * @param wireInput its input as sent ({@link dev.interpose.proxy.dialect.ToolCall#input})
     * @param views     every view of the call
     * @param view      the one whose hooks gave {@code updated}
     * @param updated   the hook's {@code updatedInput}, for {@code view}
     */
    static JsonNode wireInput(String wireName, JsonNode wireInput, List<ToolView> views, ToolView view,
            JsonNode updated, Path projectDir) {
        if (view.wire() == null) {
            return updated;
        }
        if (view.name().equals("Bash")) {
            return shell(wireName, wireInput, view, updated);
        }
        if (views.size() != 1) {
            throw new Unmappable("the hook rewrote one file (" + view.name() + ") of a call that also does "
                    + (views.size() - 1) + " other thing(s), which cannot be rewritten apart");
        }
        return patch(wireInput, view, updated, projectDir);
    }

    private static JsonNode shell(String wireName, JsonNode wireInput, ToolView view, JsonNode updated) {
        JsonNode command = updated.path("command");
        if (!command.isTextual()) {
            throw new Unmappable("its updatedInput for Bash has no \"command\" string");
        }
        boolean unchanged = command.asText().equals(view.input().path("command").asText(null));
        ObjectNode out = ((ObjectNode) updated).deepCopy();
        out.remove("command");
        BASH_ONLY.forEach(field -> {
            if (wireInput == null || !wireInput.has(field)) {
                out.remove(field);
            }
        });
        switch (wireName) {
            case "exec_command" -> out.put("cmd", command.asText());
            case "write_stdin" -> out.put("chars", command.asText());
            case "shell_command" -> out.put("command", command.asText());
            default -> { // shell, container.exec, local_shell: an argument vector
                JsonNode was = wireInput == null ? null : wireInput.path("command");
                out.set("command", unchanged && was != null && !was.isMissingNode() ? was
                        : argv(was, command.asText()));
            }
        }
        return out;
    }

    /** {@code [shell, flag, command]}: the call's own shell and flag when it ran a script that way, else bash -lc. */
    private static JsonNode argv(JsonNode was, String command) {
        JsonNode old = was;
        if (was != null && was.isTextual() && was.asText().trim().startsWith("[")) {
            try {
                old = new com.fasterxml.jackson.databind.ObjectMapper().readTree(was.asText());
            } catch (java.io.IOException e) {
                old = null;
            }
        }
        ArrayNode argv = NODES.arrayNode();
        boolean script = old != null && old.isArray() && old.size() == 3 && ShellWords.command(old) != null
                && ShellWords.command(old).equals(old.get(2).asText());
        argv.add(script ? old.get(0).asText() : "bash").add(script ? old.get(1).asText() : "-lc").add(command);
        return was != null && was.isTextual() ? NODES.textNode(argv.toString()) : argv;
    }

    private static JsonNode patch(JsonNode wireInput, ToolView view, JsonNode updated, Path projectDir) {
        String change = view.wire().path("change").asText();
        String asWritten = view.wire().path("path").asText();
        String filePath = updated.path("file_path").asText(view.input().path("file_path").asText());
        String path = filePath.equals(view.input().path("file_path").asText()) ? asWritten
                : relative(filePath, projectDir);
        StringBuilder patch = new StringBuilder("*** Begin Patch\n");
        if (view.name().equals("Write") && change.equals("add")) {
            patch.append("*** Add File: ").append(path).append('\n');
            lines(patch, '+', updated.path("content").asText(""));
        } else if (view.name().equals("Edit") && change.equals("update")) {
            patch.append("*** Update File: ").append(path).append("\n@@\n");
            lines(patch, '-', updated.path("old_string").asText(""));
            lines(patch, '+', updated.path("new_string").asText(""));
        } else {
            throw new Unmappable("a rewritten " + view.name() + " of a patch's " + change + " cannot be written back");
        }
        patch.append("*** End Patch\n");
        if (wireInput != null && wireInput.isObject()) {
            return ((ObjectNode) wireInput.deepCopy()).put("input", patch.toString());
        }
        return NODES.textNode(patch.toString());
    }

    private static void lines(StringBuilder patch, char mark, String text) {
        if (text.isEmpty()) {
            return;
        }
        if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        for (String line : text.split("\n", -1)) {
            patch.append(mark).append(line).append('\n');
        }
    }

    private static String relative(String path, Path projectDir) {
        try {
            Path p = Path.of(path);
            return p.isAbsolute() && p.normalize().startsWith(projectDir) ? projectDir.relativize(p.normalize()).toString()
                    : path;
        } catch (java.nio.file.InvalidPathException e) {
            return path;
        }
    }
}
