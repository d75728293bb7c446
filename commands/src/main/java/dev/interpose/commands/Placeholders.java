package dev.interpose.commands;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills a template's placeholders with what was typed, by the rules of the client the file was written for.
 * One pass over the template: a value put in is never scanned again.
 *
 * <p>Claude Code's rules (its commands and skills, and ours in {@code .interpose/commands}), as the pinned Claude
 * Code 2.1.328 does them:
 * <ul>
 *   <li>{@code $ARGUMENTS}: the argument text as typed;</li>
 *   <li>{@code $ARGUMENTS[N]} and {@code $N}: the N-th word, <b>0-based</b>, split as a shell would with the
 *       quotes removed ({@link ShellWords}); a missing one stays as written;</li>
 *   <li>{@code $name} for a name of the front matter's {@code arguments:}: the word at that name's position,
 *       empty when missing;</li>
 *   <li>{@code \$} before a placeholder: a literal {@code $};</li>
 *   <li>a template where nothing was filled in gets {@code \n\nARGUMENTS: <text>} appended;</li>
 *   <li>in what is put in, a {@code !} that could start a shell line is defused as Claude Code defuses it
 *       ({@code !`} becomes {@code ! `}, a {@code !} at a word's start {@code \!}).</li>
 * </ul>
 * Codex's rules (its prompts in {@code ~/.codex/prompts}): a template with {@code $NAME} placeholders (capitals)
 * takes {@code NAME=value} arguments and refuses others or missing ones; otherwise {@code $1}…{@code $9} are
 * the words, <b>1-based</b>, empty when missing, {@code $ARGUMENTS} the words joined by spaces, {@code $$} stays.
 * Stateless; thread-safe.
 */
public final class Placeholders {
    private static final Pattern CODEX_NAMED = Pattern.compile("\\$[A-Z][A-Z0-9_]*");
    private static final int MAX_NAMES = 64;

    private Placeholders() {
    }

    /** What Claude Code's rules made of a template: the text and whether any placeholder was filled in. */
    record Filled(String text, boolean used) {
    }

    /** A Codex prompt's arguments that do not fit its template: the message Codex shows. */
    public static final class Usage extends Exception {
        Usage(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * A piece of a template under Claude Code's rules, without the {@code ARGUMENTS:} line.
     *
     * @param template  the text
     * @param arguments the argument text as typed
     * @param words     its words
     * @param names     the {@code arguments:} names
     */
    static Filled claude(String template, String arguments, List<String> words, List<String> names,
            java.util.function.UnaryOperator<String> variables) {
        List<String> sorted = claudeNames(names);
        StringBuilder out = new StringBuilder(template.length() + arguments.length());
        boolean used = false;
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '\\' && i + 1 < template.length() && template.charAt(i + 1) == '$'
                    && (i == 0 || template.charAt(i - 1) != '\\') && escapes(template, i + 2, sorted)) {
                out.append('$'); // \$1: a literal $1
                i += 2;
                continue;
            }
            int length = c == '$' ? claudeLength(template, i, sorted) : 0;
            if (length == 0) {
                out.append(c);
                i++;
                continue;
            }
            String placeholder = template.substring(i, i + length);
            String value = claudeValue(placeholder, arguments, words, names);
            if (value == null) {
                out.append(placeholder);
            } else {
                out.append(defuse(variables.apply(value)));
                used = true;
            }
            i += length;
        }
        return new Filled(out.toString(), used);
    }

    /** The line Claude Code appends when no placeholder was filled in. */
    static String argumentsLine(String arguments, java.util.function.UnaryOperator<String> variables) {
        return "\n\nARGUMENTS: " + defuse(variables.apply(arguments));
    }

    /** Whether {@code \$} before {@code at} escapes: a digit, {@code ARGUMENTS} or a name follows, as Claude Code checks. */
    private static boolean escapes(String text, int at, List<String> names) {
        if (at >= text.length()) {
            return false;
        }
        if (text.charAt(at) >= '0' && text.charAt(at) <= '9' || text.startsWith("ARGUMENTS", at)) {
            return true;
        }
        for (String name : names) {
            int end = at + name.length();
            if (text.startsWith(name, at) && (end >= text.length() || !wordOrBracket(text.charAt(end)))) {
                return true;
            }
        }
        return false;
    }

    /** The names Claude Code honours: non-blank, at most 64 characters, the first 64, longest first. */
    private static List<String> claudeNames(List<String> names) {
        List<String> out = new ArrayList<>();
        for (String name : names) {
            if (!name.isEmpty() && name.length() <= MAX_NAMES && out.size() < MAX_NAMES) {
                out.add(name);
            }
        }
        out.sort(Comparator.comparingInt(String::length).reversed());
        return out;
    }

    /** The length of the Claude Code placeholder at {@code i} (a {@code $}), or 0. */
    static int claudeLength(String text, int i, List<String> names) {
        if (text.charAt(i) != '$' || i + 1 >= text.length()) {
            return 0;
        }
        for (String name : names) {
            int end = i + 1 + name.length();
            if (text.startsWith(name, i + 1) && (end >= text.length() || !wordOrBracket(text.charAt(end)))) {
                return 1 + name.length();
            }
        }
        if (text.startsWith("ARGUMENTS[", i + 1)) {
            int j = i + 1 + "ARGUMENTS[".length();
            int digits = j;
            while (digits < text.length() && Character.isDigit(text.charAt(digits)) && text.charAt(digits) < 128) {
                digits++;
            }
            if (digits > j && digits < text.length() && text.charAt(digits) == ']') {
                return digits + 1 - i;
            }
        }
        if (text.startsWith("ARGUMENTS", i + 1)) {
            return 1 + "ARGUMENTS".length();
        }
        int j = i + 1;
        while (j < text.length() && text.charAt(j) >= '0' && text.charAt(j) <= '9') {
            j++;
        }
        if (j > i + 1 && (j >= text.length() || !word(text.charAt(j)))) {
            return j - i;
        }
        return 0;
    }

    /** The value of a Claude Code placeholder, or null when it stays as written (a missing position). */
    private static String claudeValue(String placeholder, String arguments, List<String> words, List<String> names) {
        String name = placeholder.substring(1);
        if (name.equals("ARGUMENTS")) {
            return arguments;
        }
        String index = name.startsWith("ARGUMENTS[") ? name.substring(10, name.length() - 1)
                : Character.isDigit(name.charAt(0)) ? name : null;
        if (index != null) {
            int n = parseIndex(index);
            return n >= 0 && n < words.size() ? words.get(n) : null;
        }
        int n = names.indexOf(name);
        return n >= 0 && n < words.size() ? words.get(n) : "";
    }

    private static int parseIndex(String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean word(char c) {
        return c == '_' || (c < 128 && Character.isLetterOrDigit(c));
    }

    private static boolean wordOrBracket(char c) {
        return c == '[' || word(c);
    }

    /** Claude Code's defusing of {@code !} in a value, so that nothing typed can become a shell line. */
    static String defuse(String value) {
        String v = value.replace("`!", "` !").replace("!`", "! `");
        StringBuilder out = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '!' && (i == 0 || Character.isWhitespace(v.charAt(i - 1)) || v.charAt(i - 1) == '\n')) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /** A Codex prompt expanded by Codex's rules; {@code command} ({@code /prompts:name}) is for the messages. */
    public static String codex(String template, String arguments, String command) throws Usage {
        List<String> required = codexNames(template);
        if (!required.isEmpty()) {
            Map<String, String> inputs = new HashMap<>();
            for (String token : arguments.isBlank() ? List.<String>of() : ShellWords.split(arguments)) {
                int eq = token.indexOf('=');
                if (eq < 0) {
                    throw new Usage("Could not parse " + command + ": expected key=value but found '" + token
                            + "'. Wrap values in double quotes if they contain spaces.");
                }
                if (eq == 0) {
                    throw new Usage("Could not parse " + command + ": expected a name before '=' in '" + token + "'.");
                }
                inputs.put(token.substring(0, eq), token.substring(eq + 1));
            }
            inputs.remove("max_output_tokens");
            inputs.remove("history_depth");
            List<String> missing = required.stream().filter(k -> !inputs.containsKey(k)).toList();
            if (!missing.isEmpty()) {
                throw new Usage("Missing required args for " + command + ": " + String.join(", ", missing)
                        + ". Provide as key=value (quote values with spaces).");
            }
            Matcher m = CODEX_NAMED.matcher(template);
            StringBuilder out = new StringBuilder();
            int cursor = 0;
            while (m.find()) {
                out.append(template, cursor, m.start());
                String key = template.substring(m.start() + 1, m.end());
                boolean escaped = m.start() > 0 && template.charAt(m.start() - 1) == '$';
                out.append(!escaped && inputs.containsKey(key) ? inputs.get(key) : m.group());
                cursor = m.end();
            }
            return out.append(template.substring(cursor)).toString();
        }
        List<String> args = new ArrayList<>();
        for (String token : arguments.isBlank() ? List.<String>of() : ShellWords.split(arguments)) {
            if (!token.startsWith("max_output_tokens=") && !token.startsWith("history_depth=")) {
                args.add(token);
            }
        }
        StringBuilder out = new StringBuilder(template.length());
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '$' && i + 1 < template.length()) {
                char next = template.charAt(i + 1);
                if (next == '$') {
                    out.append("$$");
                    i += 2;
                    continue;
                }
                if (next >= '1' && next <= '9') {
                    int n = next - '1';
                    out.append(n < args.size() ? args.get(n) : "");
                    i += 2;
                    continue;
                }
                if (template.startsWith("ARGUMENTS", i + 1)) {
                    out.append(String.join(" ", args));
                    i += 1 + "ARGUMENTS".length();
                    continue;
                }
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    /** Codex's named placeholders: {@code $NAME} not after another {@code $}, {@code $ARGUMENTS} excepted. */
    private static List<String> codexNames(String template) {
        List<String> names = new ArrayList<>();
        Matcher m = CODEX_NAMED.matcher(template);
        while (m.find()) {
            if (m.start() > 0 && template.charAt(m.start() - 1) == '$') {
                continue;
            }
            String name = m.group().substring(1);
            if (!name.equals("ARGUMENTS") && !names.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }
}
