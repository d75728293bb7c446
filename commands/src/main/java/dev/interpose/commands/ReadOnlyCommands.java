package dev.interpose.commands;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The shell lines Claude Code runs for a command without asking, whatever its {@code allowed-tools}: plain
 * read-only commands ({@code git status}, {@code git diff HEAD}, {@code git branch --show-current}, {@code ls},
 * {@code cat}...), alone or piped into each other. Claude Code's own list is longer; this one is what public
 * command files use, each tried against the pinned CLI. Anything else (a redirection, {@code ;}, {@code &&}, a
 * substitution, a command that writes) needs a rule in {@code allowed-tools}, as in Claude Code. Stateless.
 */
final class ReadOnlyCommands {
    /** What makes a line more than a pipeline of plain commands. */
    private static final Pattern OPERATOR = Pattern.compile("[;&<>`\\n\\r()$\\\\{}]|\\|\\|");
    private static final Set<String> PLAIN = Set.of("echo", "printf", "cat", "head", "tail", "wc", "pwd", "ls",
            "date", "which", "grep", "rg", "tree", "file", "stat", "du", "df", "whoami", "uname", "basename",
            "dirname", "realpath", "uniq", "cut", "nl", "true", "hostname", "id", "env", "printenv");
    private static final Set<String> GIT = Set.of("status", "diff", "log", "show", "rev-parse", "describe",
            "blame", "ls-files", "shortlog", "merge-base", "rev-list", "cat-file", "ls-tree", "reflog", "whatchanged");
    private static final Set<String> WRITING_FLAGS = Set.of("-exec", "-execdir", "-delete", "-ok", "-okdir",
            "-fprint", "-fprint0", "-fprintf", "-fls", "--output", "-o");

    private ReadOnlyCommands() {
    }

    /** Whether Claude Code runs this line without a rule. */
    static boolean isReadOnly(String line) {
        if (line.isBlank() || OPERATOR.matcher(line).find()) {
            return false;
        }
        for (String stage : line.split("\\|")) {
            List<String> words = ShellWords.split(stage);
            if (words.isEmpty() || !readOnly(words)) {
                return false;
            }
        }
        return true;
    }

    private static boolean readOnly(List<String> words) {
        String command = words.get(0);
        if (words.stream().anyMatch(w -> WRITING_FLAGS.contains(w) || w.startsWith("--output="))) {
            return false;
        }
        if (command.equals("find") || command.equals("sort")) {
            return true; // their writing flags are refused above
        }
        if (command.equals("env") || command.equals("printenv")) {
            return words.size() <= 2 && words.stream().skip(1).noneMatch(w -> w.contains("="));
        }
        if (PLAIN.contains(command)) {
            return true;
        }
        if (!command.equals("git") || words.size() < 2) {
            return false;
        }
        String sub = words.get(1);
        if (GIT.contains(sub)) {
            return true;
        }
        List<String> rest = words.subList(2, words.size());
        switch (sub) {
            case "branch":
                // listing only: no name to create, no -d/-m/-c...
                return rest.stream().allMatch(w -> Set.of("--show-current", "-a", "--all", "-r", "--remotes", "-v",
                        "-vv", "--list", "-l", "--verbose", "--no-color", "--color").contains(w));
            case "remote":
                return rest.isEmpty() || rest.equals(List.of("-v")) || rest.equals(List.of("--verbose"));
            case "tag":
                return rest.isEmpty() || rest.equals(List.of("-l")) || rest.equals(List.of("--list"));
            case "stash":
                return !rest.isEmpty() && (rest.get(0).equals("list") || rest.get(0).equals("show"));
            case "config":
                return !rest.isEmpty() && (rest.get(0).equals("--get") || rest.get(0).equals("--list")
                        || rest.get(0).equals("-l"));
            default:
                return false;
        }
    }
}
