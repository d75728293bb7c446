package dev.interpose.proxy.hook;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A command given as an argument vector, written as the one shell string Claude Code's {@code Bash} tool
 * takes: {@code ["bash", "-lc", "git push"]} is {@code git push} (the script a shell is asked to run), any
 * other vector its words joined with spaces, each quoted for a POSIX shell when it needs it.
 */
final class ShellWords {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");
    private static final Pattern SCRIPT_FLAG = Pattern.compile("-[a-z]*c[a-z]*");
    private static final List<String> SHELLS = List.of("bash", "sh", "zsh", "dash", "ksh");

    private ShellWords() {
    }

    /** The command {@code argv} (a JSON array of strings) runs, as one shell string; null when it is not one. */
    static String command(JsonNode argv) {
        if (argv == null || !argv.isArray() || argv.isEmpty()) {
            return null;
        }
        if (argv.size() == 3 && isShell(argv.get(0).asText()) && SCRIPT_FLAG.matcher(argv.get(1).asText()).matches()) {
            return argv.get(2).asText();
        }
        StringBuilder out = new StringBuilder();
        for (JsonNode word : argv) {
            if (out.length() > 0) {
                out.append(' ');
            }
            out.append(quote(word.isTextual() ? word.asText() : word.toString()));
        }
        return out.toString();
    }

    /** {@code word} as a POSIX shell reads it back: as it is when plain, else in single quotes. */
    static String quote(String word) {
        if (PLAIN.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    private static boolean isShell(String program) {
        String name = program.substring(program.lastIndexOf('/') + 1);
        return SHELLS.contains(name);
    }
}
