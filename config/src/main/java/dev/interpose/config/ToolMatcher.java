package dev.interpose.config;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A hook's {@code matcher} on tool names, read as Claude Code reads it:
 * <ul>
 *   <li>empty or {@code *}: every tool ({@link #of} returns null);</li>
 *   <li>only letters, digits, {@code _}, {@code -}, {@code ,}, {@code |} and spaces: an exact list of names split
 *       on {@code |} or {@code ,}, each trimmed ({@code Bash}, {@code Edit|Write}, {@code Edit, Write});</li>
 *   <li>anything else: a regular expression found anywhere in the name ({@code ^Notebook}, {@code mcp__github__.*},
 *       {@code Web.*}).</li>
 * </ul>
 * MCP tools are named {@code mcp__<server>__<tool>}, so a server's tools are {@code mcp__github__.*}. Immutable.
 *
 * @param text  the matcher as written, trimmed
 * @param names the exact names, for a list; else null
 * @param regex the expression, for anything else; else null
 */
public record ToolMatcher(String text, List<String> names, Pattern regex) {
    private static final Pattern EXACT_LIST = Pattern.compile("[A-Za-z0-9_,| -]+");

    /** The matcher {@code text} stands for, or null for every tool; a bad regular expression throws. */
    public static ToolMatcher of(String text) throws PatternSyntaxException {
        String trimmed = text == null ? "" : text.trim();
        if (trimmed.isEmpty() || trimmed.equals("*")) {
            return null;
        }
        if (EXACT_LIST.matcher(trimmed).matches()) {
            List<String> names = Arrays.stream(trimmed.split("[|,]")).map(String::trim).filter(s -> !s.isEmpty())
                    .toList();
            return new ToolMatcher(trimmed, names, null);
        }
        return new ToolMatcher(trimmed, null, Pattern.compile(trimmed));
    }

    private static final Pattern CODEX_EXACT = Pattern.compile("[A-Za-z0-9_|]+");

    /**
     * The matcher {@code text} stands for as Codex reads one (its {@code hooks.json} and {@code config.toml}), or null
     * for every tool: empty or {@code *} is every tool; only ASCII letters, digits, {@code _} and {@code |} is an
     * exact list split on {@code |}; anything else a regular expression found anywhere in the name. Nothing is
     * trimmed and {@code ,} does not separate names. A bad regular expression throws.
     */
    public static ToolMatcher codex(String text) throws PatternSyntaxException {
        if (text == null || text.isEmpty() || text.equals("*")) {
            return null;
        }
        if (CODEX_EXACT.matcher(text).matches()) {
            return new ToolMatcher(text, List.of(text.split("\\|", -1)), null);
        }
        return new ToolMatcher(text, null, Pattern.compile(text));
    }

    /** Whether the tool of this name is one it selects. */
    public boolean matches(String toolName) {
        if (toolName == null) {
            return false;
        }
        return names != null ? names.contains(toolName) : regex.matcher(toolName).find();
    }

    // Records compare Patterns by identity: the text says it all.
    @Override
    public boolean equals(Object o) {
        return o instanceof ToolMatcher m && text.equals(m.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
