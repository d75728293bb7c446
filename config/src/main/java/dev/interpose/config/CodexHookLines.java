package dev.interpose.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each value of a Codex hook file is, by its key path ({@code hooks.PreToolUse[0].hooks[1].timeout}), so an
 * error names its line. A JSON file is walked as a token stream; a TOML file is read line by line, following its
 * {@code [[hooks.Event]]} and {@code [[hooks.Event.hooks]]} tables and the {@code key = value} lines under them (a
 * value written inline is found at the line of its table or key). Plain text work, no I/O.
 */
final class CodexHookLines {
    private final Map<String, Integer> lines;

    private CodexHookLines(Map<String, Integer> lines) {
        this.lines = lines;
    }

    /** The line of {@code path}, or of the nearest enclosing key that has one; 1 when none does. */
    int of(String path) {
        String p = path;
        while (!p.isEmpty()) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut < 0 ? "" : p.substring(0, cut);
        }
        return 1;
    }

    static CodexHookLines json(String text) {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser parser = new JsonFactory().createParser(text)) {
            if (parser.nextToken() == JsonToken.START_OBJECT) {
                walkObject(parser, "", lines);
            }
        } catch (IOException e) {
            // not valid JSON: the parse that follows says where
        }
        return new CodexHookLines(lines);
    }

    private static void walkObject(JsonParser parser, String prefix, Map<String, Integer> lines) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = prefix.isEmpty() ? parser.currentName() : prefix + "." + parser.currentName();
            walkValue(parser, parser.nextToken(), key, lines);
        }
    }

    private static void walkValue(JsonParser parser, JsonToken token, String key, Map<String, Integer> lines)
            throws IOException {
        lines.put(key, parser.currentTokenLocation().getLineNr());
        if (token == JsonToken.START_OBJECT) {
            walkObject(parser, key, lines);
        } else if (token == JsonToken.START_ARRAY) {
            int i = 0;
            JsonToken element;
            while ((element = parser.nextToken()) != JsonToken.END_ARRAY && element != null) {
                walkValue(parser, element, key + "[" + i++ + "]", lines);
            }
        }
    }

    static CodexHookLines toml(String text) {
        Map<String, Integer> lines = new HashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        String table = "";
        String[] all = text.split("\n", -1);
        for (int n = 0; n < all.length; n++) {
            String line = all[n].trim();
            if (line.startsWith("[[") && line.contains("]]")) {
                String name = unquote(line.substring(2, line.indexOf("]]")).trim());
                int dot = name.lastIndexOf('.');
                String parent = dot < 0 ? "" : enclosing(table, name.substring(0, dot));
                String base = parent.isEmpty() ? name : parent + name.substring(dot);
                int index = counts.merge(base, 1, Integer::sum) - 1;
                table = base + "[" + index + "]";
                lines.putIfAbsent(base, n + 1);
                lines.put(table, n + 1);
            } else if (line.startsWith("[")) {
                table = unquote(line.substring(1, Math.max(1, line.indexOf(']'))).trim());
                lines.putIfAbsent(table, n + 1);
            } else if (line.contains("=") && !line.startsWith("#")) {
                String key = unquote(line.substring(0, line.indexOf('=')).trim());
                lines.putIfAbsent(table.isEmpty() ? key : table + "." + key, n + 1);
            }
        }
        return new CodexHookLines(lines);
    }

    /** {@code hooks.PreToolUse} inside {@code hooks.PreToolUse[2].hooks[0]} is {@code hooks.PreToolUse[2]}. */
    private static String enclosing(String table, String parentName) {
        String plain = table.replaceAll("\\[\\d+]", "");
        if (!plain.startsWith(parentName)) {
            return parentName;
        }
        int depth = parentName.split("\\.").length;
        String[] parts = table.split("\\.");
        return parts.length < depth ? parentName : String.join(".", java.util.Arrays.copyOf(parts, depth));
    }

    private static String unquote(String key) {
        return key.replace("\"", "").replace("'", "");
    }
}
