package dev.interpose.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A markdown file with optional YAML front matter between {@code ---} lines, as Claude Code's command,
 * skill and agent files are: the fields (empty when there is no front matter) and the body after it.
 *
 * <p>Read as leniently as Claude Code reads it: a file Claude Code loads, this loads. Front matter that is not
 * valid YAML is read again line by line ({@code key: value} at the start of a line, the rest ignored), and
 * {@link #problem} says, in one line, where the YAML broke; front matter that is never closed leaves the whole
 * file as the body. Only an unreadable file and front matter over {@link #MAX_CHARS} are refused.
 *
 * @param fields  the front matter's keys and values; unknown keys are kept
 * @param body    the markdown after the front matter
 * @param present whether the file opens with front matter
 * @param problem what was wrong with the front matter, in one line naming the line and key; null when nothing
 */
public record FrontMatter(ObjectNode fields, String body, boolean present, String problem) {
    private static final java.util.regex.Pattern KEY_LINE =
            java.util.regex.Pattern.compile("([A-Za-z0-9_][A-Za-z0-9_.-]*)[ \\t]*:(?:[ \\t]+(.*?))?[ \\t]*");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /**
     * The longest front matter read, in characters. Front matter is a few {@code key: value} lines; the YAML
     * parser slows down worse than linearly on megabytes (a 30 MB scalar took minutes), and command files
     * come with cloned projects.
     */
    static final int MAX_CHARS = 64 * 1024;

    /** A file that cannot be read or whose front matter is broken; the message says where and why. */
    public static final class Invalid extends Exception {
        public Invalid(String message) {
            super(message);
        }
    }

    public FrontMatter(ObjectNode fields, String body) {
        this(fields, body, !fields.isEmpty(), null);
    }

    public static FrontMatter read(Path file) throws Invalid {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new Invalid("cannot read: " + e.getMessage());
        }
    }

    public static FrontMatter parse(String text) throws Invalid {
        if (!text.startsWith("---\n") && !text.startsWith("---\r\n")) {
            return new FrontMatter(YAML.createObjectNode(), text, false, null);
        }
        int end = text.indexOf("\n---", 3);
        if (end < 0) {
            return new FrontMatter(YAML.createObjectNode(), text, false,
                    "line 1: front matter opened with --- is never closed; the whole file is read as text");
        }
        String yaml = text.substring(text.indexOf('\n') + 1, end + 1);
        if (yaml.length() > MAX_CHARS) {
            throw new Invalid("front matter is longer than " + MAX_CHARS + " characters");
        }
        int bodyStart = text.indexOf('\n', end + 4);
        String body = bodyStart < 0 ? "" : text.substring(bodyStart + 1);
        try {
            JsonNode node = YAML.readTree(yaml);
            if (node == null || node.isMissingNode() || node.isNull()) {
                return new FrontMatter(YAML.createObjectNode(), body, true, null);
            }
            if (!node.isObject()) {
                return new FrontMatter(lineByLine(yaml), body, true,
                        "line 2: front matter is not key: value lines; read line by line");
            }
            return new FrontMatter((ObjectNode) node, body, true, null);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            int line = at == null ? -1 : at.getLineNr() + 1;
            String key = keyAtOrBefore(yaml, line - 1);
            String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
            return new FrontMatter(lineByLine(yaml), body, true, "line " + (line < 0 ? "?" : line)
                    + (key == null ? "" : ", key " + key) + ": not valid YAML (" + message.strip()
                    + "); read line by line");
        }
    }

    /**
     * The front matter read entry by entry: each {@code key:} line at the start of a line with the indented or
     * {@code -} lines under it is read as YAML on its own, so one broken entry
     * ({@code argument-hint: [plan] [mode]}) leaves the others as YAML reads them ({@code arguments: [plan,
     * mode]} stays a list); a broken entry is its text, quotes around it removed.
     */
    private static ObjectNode lineByLine(String yaml) {
        ObjectNode fields = YAML.createObjectNode();
        String[] lines = yaml.split("\\r?\\n");
        for (int i = 0; i < lines.length; i++) {
            java.util.regex.Matcher m = KEY_LINE.matcher(lines[i]);
            if (!m.matches()) {
                continue;
            }
            StringBuilder entry = new StringBuilder(lines[i]);
            while (i + 1 < lines.length && !lines[i + 1].isEmpty()
                    && (Character.isWhitespace(lines[i + 1].charAt(0)) || lines[i + 1].startsWith("-"))) {
                entry.append('\n').append(lines[++i]);
            }
            JsonNode value = null;
            try {
                JsonNode node = YAML.readTree(entry.toString());
                value = node != null && node.isObject() ? node.get(m.group(1)) : null;
            } catch (JsonProcessingException e) {
                // this entry is not YAML: its text
            }
            if (value == null) {
                String text = m.group(2) == null ? "" : m.group(2);
                if (text.length() >= 2 && (text.charAt(0) == '"' || text.charAt(0) == '\'')
                        && text.charAt(text.length() - 1) == text.charAt(0)) {
                    text = text.substring(1, text.length() - 1);
                }
                fields.put(m.group(1), text);
            } else {
                fields.set(m.group(1), value);
            }
        }
        return fields;
    }

    /** The key of the {@code key:} line at or above the 1-based {@code line} of {@code yaml}, or null. */
    private static String keyAtOrBefore(String yaml, int line) {
        String[] lines = yaml.split("\r?\n", -1);
        for (int i = Math.min(line, lines.length) - 1; i >= 0; i--) {
            java.util.regex.Matcher m = KEY_LINE.matcher(lines[i]);
            if (m.matches()) {
                return m.group(1);
            }
        }
        return null;
    }

    /**
     * A text field, or null when absent. A YAML list of plain items ({@code argument-hint: [path-to-plan]}, the
     * common form in public collections) reads as its items, each in brackets, joined by spaces, as it was
     * written; any other non-text value is an error naming the key.
     */
    public String text(String key) throws Invalid {
        JsonNode value = fields.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isArray()) {
            java.util.List<String> items = new java.util.ArrayList<>();
            for (JsonNode item : value) {
                if (!item.isValueNode()) {
                    throw new Invalid("front matter: " + key + ": expected text, got a nested list");
                }
                items.add("[" + item.asText() + "]");
            }
            return String.join(" ", items);
        }
        if (!value.isValueNode()) {
            throw new Invalid("front matter: " + key + ": expected text, got " + value.getNodeType().name().toLowerCase());
        }
        return value.asText();
    }

    /** A list field given as a YAML list or as comma-separated text; empty when absent. */
    public java.util.List<String> list(String key) throws Invalid {
        JsonNode value = fields.get(key);
        java.util.List<String> out = new java.util.ArrayList<>();
        if (value == null || value.isNull()) {
            return out;
        }
        if (value.isArray()) {
            for (JsonNode item : value) {
                if (!item.isValueNode()) {
                    throw new Invalid("front matter: " + key + ": expected a list of text items");
                }
                out.add(item.asText().strip());
            }
        } else if (value.isValueNode()) {
            splitOutsideParentheses(value.asText(), out);
        } else {
            throw new Invalid("front matter: " + key + ": expected a list or comma-separated text");
        }
        return out;
    }

    /**
     * Adds the comma-separated items of {@code text} to {@code out}, blank ones dropped; a comma whose next
     * parenthesis is a closing one (inside {@code Bash(a, b)}) does not separate. One pass from the end:
     * linear, where a regular expression looking ahead from every comma was quadratic.
     */
    private static void splitOutsideParentheses(String text, java.util.List<String> out) {
        java.util.ArrayDeque<String> items = new java.util.ArrayDeque<>();
        boolean insideParentheses = false;
        int end = text.length();
        for (int i = text.length() - 1; i >= 0; i--) {
            char c = text.charAt(i);
            if (c == ')') {
                insideParentheses = true;
            } else if (c == '(') {
                insideParentheses = false;
            } else if (c == ',' && !insideParentheses) {
                items.addFirst(text.substring(i + 1, end));
                end = i;
            }
        }
        items.addFirst(text.substring(0, end));
        for (String item : items) {
            if (!item.isBlank()) {
                out.add(item.strip());
            }
        }
    }
}
