package dev.interpose.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Claude Code permission rule, as a settings-file hook's {@code if} filter: {@code Tool} or {@code Tool(pattern)}.
 * For {@code Bash} the pattern is a wildcard on the command ({@code Bash(git *)}; the older {@code Bash(git:*)} is a
 * prefix); for the file tools ({@code Read}, {@code Edit}, {@code Write}, {@code MultiEdit}, {@code NotebookEdit}) on
 * {@code file_path}, where a pattern without a {@code /} matches the file's name ({@code Edit(*.env)}) and one with
 * a relative path matches its end ({@code Edit(src/*)}); {@code WebFetch(domain:host)} on the URL's host; for any
 * other tool on any string of its input. Immutable.
 *
 * @param tool    the tool's name
 * @param pattern the wildcard, or null for every call of the tool
 */
public record PermissionRule(String tool, Glob pattern) {
    private static final Pattern RULE = Pattern.compile("\\s*([A-Za-z0-9_.-]+)\\s*(?:\\((.*)\\))?\\s*");
    private static final List<String> FILE_TOOLS = List.of("Read", "Edit", "Write", "MultiEdit", "NotebookEdit");

    /** The rule {@code text} writes, or null when it is not one. */
    public static PermissionRule parse(String text) {
        Matcher m = RULE.matcher(text == null ? "" : text);
        if (!m.matches()) {
            return null;
        }
        String pattern = m.group(2);
        if (pattern == null || pattern.isEmpty() || pattern.equals("*")) {
            return new PermissionRule(m.group(1), null);
        }
        if (pattern.endsWith(":*")) {
            pattern = pattern.substring(0, pattern.length() - 2) + "*";
        }
        return new PermissionRule(m.group(1), new Glob(pattern));
    }

    /** Whether a call of {@code toolName} with {@code input} is one the rule covers. */
    public boolean matches(String toolName, JsonNode input) {
        if (!tool.equals(toolName)) {
            return false;
        }
        if (pattern == null) {
            return true;
        }
        JsonNode in = input == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : input;
        if (tool.equals("Bash")) {
            return pattern.matches(in.path("command").asText("").trim());
        }
        if (FILE_TOOLS.contains(tool)) {
            String path = in.path("file_path").asText(in.path("notebook_path").asText(""));
            String p = pattern.toString();
            if (!p.contains("/")) {
                return pattern.matches(path.substring(path.lastIndexOf('/') + 1));
            }
            return pattern.matches(path) || new Glob("*/" + (p.startsWith("./") ? p.substring(2) : p)).matches(path);
        }
        if (tool.equals("WebFetch") && pattern.toString().startsWith("domain:")) {
            try {
                String host = java.net.URI.create(in.path("url").asText("")).getHost();
                return host != null && new Glob(pattern.toString().substring(7)).matches(host);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        for (Iterator<JsonNode> values = in.elements(); values.hasNext();) {
            JsonNode value = values.next();
            if (value.isTextual() && pattern.matches(value.asText())) {
                return true;
            }
        }
        return false;
    }
}
