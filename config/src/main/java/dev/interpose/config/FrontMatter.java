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
 * A markdown file with optional YAML front matter between {@code ---} lines, as Claude Code's command and
 * agent files are: the fields (empty when there is no front matter) and the body after it.
 *
 * @param fields the front matter's keys and values; unknown keys are kept
 * @param body   the markdown after the front matter
 */
public record FrontMatter(ObjectNode fields, String body) {
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

    public static FrontMatter read(Path file) throws Invalid {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new Invalid("cannot read: " + e.getMessage());
        }
    }

    public static FrontMatter parse(String text) throws Invalid {
        if (!text.startsWith("---\n") && !text.startsWith("---\r\n")) {
            return new FrontMatter(YAML.createObjectNode(), text);
        }
        int end = text.indexOf("\n---", 3);
        if (end < 0) {
            throw new Invalid("front matter opened with --- on line 1 is never closed");
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
                return new FrontMatter(YAML.createObjectNode(), body);
            }
            if (!node.isObject()) {
                throw new Invalid("front matter: expected key: value lines");
            }
            return new FrontMatter((ObjectNode) node, body);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new Invalid("front matter is not valid YAML at line " + (at == null ? "?" : at.getLineNr() + 1) + ": "
                    + e.getOriginalMessage());
        }
    }

    /** A text field, or null when absent; a non-text value is an error naming the key. */
    public String text(String key) throws Invalid {
        JsonNode value = fields.get(key);
        if (value == null || value.isNull()) {
            return null;
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
