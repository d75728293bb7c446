package dev.interpose.commands;

import java.util.Comparator;
import java.util.List;

/**
 * Turns the Claude Code placeholders of a shell line into those {@link ShellScript} makes parameter
 * references of: {@code $ARGUMENTS} stays, the 0-based {@code $N} and {@code $ARGUMENTS[N]} and a named
 * {@code $name} become {@code $(N+1)} (the positional parameter that holds word N), and any other
 * {@code $digit} text is escaped so that it stays text. Only placeholders change; what was typed is not
 * involved. Stateless.
 */
final class ShellPlaceholders {
    private ShellPlaceholders() {
    }

    static String translate(String line, List<String> names) throws ShellScript.UnsupportedTemplateException {
        List<String> sorted = names.stream().filter(n -> !n.isEmpty() && n.length() <= 64)
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
        StringBuilder out = new StringBuilder(line.length() + 8);
        int i = 0;
        while (i < line.length()) {
            if (line.charAt(i) == '\\' && i + 1 < line.length()) {
                out.append(line, i, i + 2); // an escaped character, \$1 among them, stays as the shell reads it
                i += 2;
                continue;
            }
            int length = line.charAt(i) == '$' ? Placeholders.claudeLength(line, i, sorted) : 0;
            if (length == 0) {
                out.append(line.charAt(i));
                i++;
                continue;
            }
            String placeholder = line.substring(i + 1, i + length);
            if (placeholder.equals("ARGUMENTS")) {
                out.append("$ARGUMENTS");
            } else {
                int word = placeholder.startsWith("ARGUMENTS[") ? index(placeholder.substring(10, placeholder.length() - 1))
                        : Character.isDigit(placeholder.charAt(0)) ? index(placeholder) : names.indexOf(placeholder);
                if (word < 0 || word > 8) {
                    throw new ShellScript.UnsupportedTemplateException("a shell line may use the first 9 words "
                            + "($0 to $8) only, not $" + placeholder);
                }
                out.append('$').append((char) ('1' + word));
            }
            i += length;
        }
        return out.toString();
    }

    private static int index(String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
