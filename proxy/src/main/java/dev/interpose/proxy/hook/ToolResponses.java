package dev.interpose.proxy.hook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.dialect.ApiDialect;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tool's result as a {@code PostToolUse} hook is shown it: in the shape Claude Code gives that tool's own output
 * ({@code tool_response}), and whether it failed, as far as the request shows. The wire carries only the text the
 * model sees, so the fields Claude Code fills from inside the tool (a file's original text, the structured patch)
 * are empty. Stateless.
 * <ul>
 *   <li>{@code Bash}: {@code {stdout, stderr, interrupted, isImage}}; for a Codex shell call, {@code stdout} is the
 *       text after its {@code Output:} line;</li>
 *   <li>{@code Read}: {@code {type: "text", file: {filePath, content, numLines, startLine, totalLines}}};</li>
 *   <li>{@code Write}: {@code {type: "create", filePath, content, structuredPatch: [], originalFile: null}};</li>
 *   <li>{@code Edit}: {@code {filePath, oldString, newString, originalFile: null, structuredPatch: [],
 *       userModified: false, replaceAll}};</li>
 *   <li>any other tool: the result's text.</li>
 * </ul>
 */
final class ToolResponses {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How Codex reports a shell command's end ({@code Process exited with code 1}, {@code Exit code: 1}). */
    private static final Pattern EXIT = Pattern.compile("(?m)^(?:Process exited with code|Exit code:) (-?\\d+)\\s*$");

    private ToolResponses() {
    }

    /** The {@code tool_response} of {@code view}'s call whose result is {@code result}. */
    static JsonNode of(ToolView view, ApiDialect.ToolResult result) {
        String text = result.output() == null ? "" : result.output();
        JsonNode in = view.input() == null ? JSON.missingNode() : view.input();
        String name = view.name() == null ? "" : view.name();
        switch (name) {
            case "Bash" -> {
                return JSON.createObjectNode().put("stdout", view.wire() != null ? codexOutput(text) : text)
                        .put("stderr", "").put("interrupted", false).put("isImage", false);
            }
            case "Read" -> {
                ObjectNode out = JSON.createObjectNode().put("type", "text");
                int lines = text.isEmpty() ? 0 : text.split("\n", -1).length;
                out.putObject("file").put("filePath", in.path("file_path").asText(null)).put("content", text)
                        .put("numLines", lines).put("startLine", in.path("offset").asInt(1))
                        .put("totalLines", lines);
                return out;
            }
            case "Write" -> {
                ObjectNode out = JSON.createObjectNode().put("type", "create")
                        .put("filePath", in.path("file_path").asText(null)).put("content", in.path("content").asText(""));
                out.putArray("structuredPatch");
                out.putNull("originalFile");
                return out;
            }
            case "Edit" -> {
                ObjectNode out = JSON.createObjectNode().put("filePath", in.path("file_path").asText(null))
                        .put("oldString", in.path("old_string").asText("")).put("newString", in.path("new_string").asText(""));
                out.putNull("originalFile");
                out.putArray("structuredPatch");
                out.put("userModified", false).put("replaceAll", in.path("replace_all").asBoolean(false));
                return out;
            }
            default -> {
                return JSON.getNodeFactory().textNode(text);
            }
        }
    }

    /**
     * Why the call failed, for {@code PostToolUseFailure}'s {@code error}, or null when the result does not say it
     * failed: Anthropic's {@code is_error}, or a Codex shell command's non-zero exit code (in its text, or in the
     * {@code metadata.exit_code} of an older JSON output).
     */
    static String failure(ApiDialect.ToolResult result) {
        String text = result.output() == null ? "" : result.output();
        if (result.failed()) {
            return text;
        }
        Matcher exit = EXIT.matcher(text);
        if (exit.find() && !exit.group(1).equals("0")) {
            return "Command exited with non-zero status code " + exit.group(1) + "\n" + codexOutput(text);
        }
        if (text.startsWith("{") && text.contains("exit_code")) {
            try {
                JsonNode json = JSON.readTree(text);
                int code = json.path("metadata").path("exit_code").asInt(0);
                if (code != 0) {
                    return "Command exited with non-zero status code " + code + "\n" + json.path("output").asText("");
                }
            } catch (java.io.IOException e) {
                return null; // not Codex's JSON after all
            }
        }
        return null;
    }

    /**
     * The text the model sees for a hook's {@code updatedToolOutput}: a string as it is; in the tool's own shape
     * ({@link #of}), its text ({@code Bash}'s {@code stdout} and {@code stderr}, {@code Read}'s {@code file.content});
     * anything else as its JSON.
     */
    static String text(ToolView view, JsonNode updated) {
        if (updated.isTextual()) {
            return updated.asText();
        }
        if ("Bash".equals(view.name()) && updated.path("stdout").isTextual()) {
            String stderr = updated.path("stderr").asText("");
            return updated.path("stdout").asText() + (stderr.isEmpty() ? "" : "\n" + stderr);
        }
        if ("Read".equals(view.name()) && updated.path("file").path("content").isTextual()) {
            return updated.path("file").path("content").asText();
        }
        return updated.toString();
    }

    /** What a Codex shell command printed: the text after its {@code Output:} line, else all of it. */
    private static String codexOutput(String text) {
        int at = text.indexOf("\nOutput:\n");
        if (at >= 0) {
            return text.substring(at + "\nOutput:\n".length());
        }
        return text.startsWith("Output:\n") ? text.substring("Output:\n".length()) : text;
    }
}
