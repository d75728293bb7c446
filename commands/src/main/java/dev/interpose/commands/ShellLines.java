package dev.interpose.commands;

import dev.interpose.config.CommandDefinition;
import dev.interpose.config.CommandsConfig;
import dev.interpose.hooks.ProcessRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shell lines of a command template, as Claude Code finds and runs them: {@code !`command`} after
 * whitespace or at a line's start and {@code ```!} blocks, inline code spans excepted. Whether a line may run
 * (read-only, {@code allowed-tools}, {@code disallowed-tools}), running it with the typed text as parameters
 * only ({@link ShellScript}), its output as Claude Code puts it in, and the failures that abort the expansion.
 * See {@link Expander} for the rules. Blocks (processes): off the event loop. Thread-safe.
 */
final class ShellLines {
    static final Pattern SHELL_LINE = Pattern.compile("```!\\s*\\n?([\\s\\S]*?)\\n?```|(?<=^|\\s)!`([^`]+)`",
            Pattern.MULTILINE);
    private static final Pattern CODE_SPAN = Pattern.compile("`[^`\\n]+`");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$(ARGUMENTS|[1-9])");
    /** What makes a shell line more than one plain command: operators, expansions, substitutions. */
    private static final Pattern SHELL_OPERATOR = Pattern.compile("[;&|<>`\\n\\r()$*?~{}\\[\\]\\\\]");
    private static final Pattern BASH_RULE = Pattern.compile("Bash(?:\\((.*)\\))?");
    /** Longest argument text a shell line gets (it travels in argv and the environment). */
    static final int MAX_SHELL_ARGUMENT_BYTES = 64 * 1024;
    /** What Claude Code puts for a shell line that printed nothing. */
    static final String NO_OUTPUT = "(Bash completed with no output)";

    private final Path projectDir;
    private final CommandsConfig config;
    private final Executor io;

    ShellLines(Path projectDir, CommandsConfig config, Executor io) {
        this.projectDir = projectDir;
        this.config = config;
        this.io = io;
    }

    /** The shell lines of a template: group 1 is a block's command, group 2 an inline one's. */
    static Matcher find(String template) {
        return SHELL_LINE.matcher(template.contains("!`") ? maskCodeSpans(template) : template);
    }

    /** The text with inline code spans blanked, so that a {@code !`} inside one is not a shell line (as Claude Code). */
    static String maskCodeSpans(String text) {
        Matcher m = CODE_SPAN.matcher(text);
        StringBuilder out = new StringBuilder(text);
        while (m.find()) {
            char before = m.start() > 0 ? text.charAt(m.start() - 1) : 0;
            if (before != '!' && before != '`') {
                for (int i = m.start() + 1; i < m.end() - 1; i++) {
                    out.setCharAt(i, ' ');
                }
            }
        }
        return out.toString();
    }

    /** What a shell line gave: its output, or why the expansion is aborted. */
    record Shell(String output, String failure) {
    }

    Shell run(CommandDefinition command, String raw, String line, String arguments, List<String> words,
            int[] counts) throws InterruptedException {
        String template;
        try {
            template = ShellPlaceholders.translate(line, command.argumentNames());
        } catch (ShellScript.UnsupportedTemplateException e) {
            counts[2]++;
            return new Shell(null, "Shell command failed for pattern \"" + raw + "\": " + e.getMessage());
        }
        // Judged on the template (placeholders as plain words): the values are never part of the shell source.
        String judged = PLACEHOLDER.matcher(template).replaceAll("ARG").strip();
        if (!config.shell()) {
            counts[2]++;
            return new Shell("[Interpose: " + raw + " did not run: shell commands in command files are off "
                    + "(commands.shell: false)]", null);
        }
        String refusal = null;
        if (!command.disallowedTools().isEmpty() && permitted(command.disallowedTools(), judged)) {
            refusal = "disallowed-tools of /" + command.name() + " refuses it";
        } else if (!ReadOnlyCommands.isReadOnly(judged) && !permitted(command.allowedTools(), judged)) {
            refusal = "allowed-tools of /" + command.name() + " does not permit it";
        }
        if (refusal != null) {
            counts[2]++;
            return new Shell(null, "Shell command permission check failed for pattern \"" + raw + "\": " + refusal);
        }
        String script;
        try {
            if (arguments.getBytes(StandardCharsets.UTF_8).length > MAX_SHELL_ARGUMENT_BYTES) {
                throw new ShellScript.UnsupportedTemplateException("the arguments exceed " + MAX_SHELL_ARGUMENT_BYTES
                        + " bytes, too long for a shell command");
            }
            script = ShellScript.of(template);
        } catch (ShellScript.UnsupportedTemplateException e) {
            counts[2]++;
            return new Shell(null, "Shell command failed for pattern \"" + raw + "\": " + e.getMessage());
        }
        counts[1]++;
        // The values travel as argv and environment, which cannot carry NUL: it is dropped.
        String text = arguments.replace("\0", "");
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", script, "sh"));
        for (String word : words) {
            argv.add(word.replace("\0", "")); // the words the placeholders were filled with, as parameters
        }
        ProcessBuilder builder = ProcessRun.in(projectDir, argv);
        builder.redirectErrorStream(true);
        builder.environment().put("INTERPOSE_PROJECT_DIR", projectDir.toString());
        builder.environment().put("CLAUDE_PROJECT_DIR", projectDir.toString());
        builder.environment().put(ShellScript.ARGUMENTS_VARIABLE, text);
        ProcessRun run = ProcessRun.run(builder, new byte[0], config.shellTimeout(), config.maxIncludeBytes(), 1024, io);
        String output = output(run.stdout().text());
        if (run.failed()) {
            return new Shell(null, "Shell command failed for pattern \"" + raw + "\": " + run.failure());
        }
        if (run.exit() != 0) {
            return new Shell(null, "Shell command failed for pattern \"" + raw + "\": "
                    + (output.isEmpty() ? "" : "[stderr]\n" + output));
        }
        return new Shell(output.isEmpty() ? NO_OUTPUT : output, null);
    }

    /**
     * A shell line's output as Claude Code puts it in: blank lines at the start and trailing whitespace dropped;
     * {@link #NO_OUTPUT} when nothing is left.
     */
    static String output(String printed) {
        String text = printed.stripTrailing();
        int start = 0;
        for (int nl = text.indexOf('\n'); nl >= 0 && text.substring(start, nl).isBlank(); nl = text.indexOf('\n', start)) {
            start = nl + 1;
        }
        return text.substring(start);
    }

    /**
     * Why each shell line of a command will not run when the command is used, one line each (for
     * {@code interpose list}); empty when every line would run or there are none.
     */
    static List<String> notes(CommandDefinition command, CommandsConfig config) {
        List<String> notes = new ArrayList<>();
        if (command.style() == CommandDefinition.Style.CODEX_PROMPT) {
            return notes;
        }
        String body = command.body();
        Matcher m = find(body);
        while (m.find()) {
            String line = (m.group(1) != null ? m.group(1) : m.group(2)).strip();
            String raw = body.substring(m.start(), m.end());
            String why;
            try {
                String judged = PLACEHOLDER.matcher(ShellPlaceholders.translate(line, command.argumentNames()))
                        .replaceAll("ARG").strip();
                if (!config.shell()) {
                    why = "shell commands in command files are off (commands.shell: false)";
                } else if (!command.disallowedTools().isEmpty() && permitted(command.disallowedTools(), judged)) {
                    why = "disallowed-tools refuses it";
                } else if (!ReadOnlyCommands.isReadOnly(judged) && !permitted(command.allowedTools(), judged)) {
                    why = "allowed-tools does not permit it, and it is not a read-only command (using the command "
                            + "fails, as in Claude Code)";
                } else {
                    continue;
                }
            } catch (ShellScript.UnsupportedTemplateException e) {
                why = e.getMessage();
            }
            notes.add(raw.replace('\n', ' ') + " will not run: " + why);
        }
        return notes;
    }

    /** Whether Claude Code-style permission rules let this shell command run. */
    static boolean permitted(List<String> rules, String line) {
        boolean operators = SHELL_OPERATOR.matcher(line).find();
        for (String rule : rules) {
            Matcher m = BASH_RULE.matcher(rule.strip());
            if (!m.matches()) {
                continue;
            }
            String pattern = m.group(1) == null ? "*" : m.group(1).strip();
            if (pattern.equals("*")) {
                return true;
            }
            if (pattern.isEmpty()) {
                continue; // Bash() names no command: it allows nothing
            }
            if (operators) {
                continue;
            }
            if (pattern.endsWith(":*")) {
                String prefix = pattern.substring(0, pattern.length() - 2).strip();
                if (line.equals(prefix) || line.startsWith(prefix + " ")) {
                    return true;
                }
            } else if (line.equals(pattern)) {
                return true;
            }
        }
        return false;
    }
}
