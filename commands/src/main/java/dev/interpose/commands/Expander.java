package dev.interpose.commands;

import dev.interpose.config.CommandDefinition;
import dev.interpose.config.CommandsConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;

/**
 * Expands a command's template by the rules of the client its file was written for ({@link Placeholders}).
 * The template is scanned once for shell lines, and what the person typed is substituted into the pieces
 * found, never scanned again: arguments cannot smuggle in a shell command.
 *
 * <p>A command file, skill or {@code .interpose} command (Claude Code's rules, as the pinned CLI does them):
 * <ul>
 *   <li>a skill's text starts with {@code Base directory for this skill: <dir>} and a blank line;</li>
 *   <li>placeholders as {@link Placeholders#claude}; {@code ${CLAUDE_SKILL_DIR}}, {@code ${CLAUDE_PROJECT_DIR}}
 *       and (when the request names its session) {@code ${CLAUDE_SESSION_ID}} are expanded;</li>
 *   <li>{@code !`command`} after whitespace or at a line's start, and {@code ```!} blocks: the command's
 *       output, when {@code commands.shell} is on and Claude Code would run it: a plain read-only command
 *       ({@link ReadOnlyCommands}), or one the command's {@code allowed-tools} permits ({@code Bash},
 *       {@code Bash(git status)} for exactly that, {@code Bash(git status:*)} for it and its arguments; a line
 *       with shell operators ({@code ; & | < > $( `} or a newline) is permitted by plain {@code Bash} only) and
 *       its {@code disallowed-tools} does not refuse. Run with {@code /bin/sh -c SCRIPT sh word0 word1 …} in the
 *       project directory, the placeholders of the template turned into parameter references
 *       ({@link ShellScript}): what was typed reaches the shell as argv and environment, never as source.
 *       A line that is refused, fails (exits non-zero), times out or gets arguments over
 *       {@value #MAX_SHELL_ARGUMENT_BYTES} bytes aborts the expansion with Claude Code's message
 *       ({@link Expansion#failure}); with {@code commands.shell} off, a note stands in its place;</li>
 *   <li>{@code @relative/path} (at the start or after whitespace) in the expanded text stays as written, as in
 *       Claude Code, and the project's file it names is attached ({@link Expansion#attachments}, between
 *       {@code <file path="…">} tags). Not attached, with a note, when the path is absolute, leaves the project
 *       directory (through {@code ..} or a symbolic link), is not a file, exceeds
 *       {@code commands.max-include-bytes}, or is not UTF-8 text; a name that is no file
 *       ({@code @agent-name}, {@code @someone}) is left alone.</li>
 * </ul>
 * A Codex prompt: {@link Placeholders#codex} only; arguments that do not fit fail with Codex's message.
 * Blocks (file reads, processes): call it off the event loop. Thread-safe.
 */
public final class Expander {
    /** Longest argument text a shell line gets (it travels in argv and the environment). */
    static final int MAX_SHELL_ARGUMENT_BYTES = ShellLines.MAX_SHELL_ARGUMENT_BYTES;
    /** What Claude Code puts for a shell line that printed nothing. */
    static final String NO_OUTPUT = ShellLines.NO_OUTPUT;

    private final Path projectDir;
    private final ShellLines shellLines;
    private final Attachments attachments;

    public Expander(Path projectDir, CommandsConfig config, Executor io) {
        this.projectDir = projectDir.toAbsolutePath().normalize();
        this.shellLines = new ShellLines(this.projectDir, config, io);
        this.attachments = new Attachments(this.projectDir, config);
    }

    /**
     * Why each shell line of a command will not run when the command is used, one line each (for
     * {@code interpose list}); empty when every line would run or there are none.
     */
    public static List<String> shellNotes(CommandDefinition command, CommandsConfig config) {
        return ShellLines.notes(command, config);
    }

    /** A shell line's output as Claude Code puts it in (see {@link ShellLines#output}). */
    static String output(String printed) {
        return ShellLines.output(printed);
    }

    /** Whether Claude Code-style permission rules let this shell command run. */
    static boolean permitted(List<String> rules, String line) {
        return ShellLines.permitted(rules, line);
    }

    /**
     * What a command expanded to.
     *
     * @param text        the text that replaces what the person typed; null when the expansion failed
     * @param includes    files attached
     * @param shells      shell commands run
     * @param refused     includes and shell lines refused (each with a note)
     * @param failure     why the expansion was aborted, shown to the person instead; null when it was not
     * @param attachments the files named with {@code @path} (and notes for those refused), to add to the turn
     */
    public record Expansion(CommandDefinition command, String text, int includes, int shells, int refused,
            String failure, List<String> attachments) {
        public Expansion {
            attachments = List.copyOf(attachments);
        }

        public boolean failed() {
            return failure != null;
        }
    }

    public Expansion expand(CommandDefinition command, String arguments) throws InterruptedException {
        return expand(command, arguments, null);
    }

    /** @param sessionId the client's session, for {@code ${CLAUDE_SESSION_ID}}; null when not known */
    public Expansion expand(CommandDefinition command, String arguments, String sessionId) throws InterruptedException {
        if (command.style() == CommandDefinition.Style.CODEX_PROMPT) {
            try {
                return new Expansion(command, Placeholders.codex(command.body(), arguments, "/" + command.name()), 0, 0,
                        0, null, List.of());
            } catch (Placeholders.Usage e) {
                return new Expansion(command, null, 0, 0, 0, e.getMessage(), List.of());
            }
        }
        List<String> words = ShellWords.claude(arguments);
        UnaryOperator<String> variables = text -> variables(command, text, sessionId);
        Path skillDir = command.skillDir();
        String template = variables.apply(
                (skillDir == null ? "" : "Base directory for this skill: " + skillDir + "\n\n") + command.body());
        StringBuilder out = new StringBuilder();
        int[] counts = new int[3];
        boolean used = false;
        Matcher m = ShellLines.find(template);
        int last = 0;
        while (m.find()) {
            Placeholders.Filled before = fill(template.substring(last, m.start()), arguments, words, command, variables);
            out.append(before.text());
            used |= before.used();
            String line = (m.group(1) != null ? m.group(1) : m.group(2)).strip();
            String raw = template.substring(m.start(), m.end());
            used |= fill(line, arguments, words, command, variables).used();
            ShellLines.Shell result = shellLines.run(command, raw, line, arguments, words, counts);
            if (result.failure() != null) {
                return new Expansion(command, null, counts[0], counts[1], counts[2], result.failure(), List.of());
            }
            out.append(result.output());
            last = m.end();
        }
        Placeholders.Filled rest = fill(template.substring(last), arguments, words, command, variables);
        out.append(rest.text());
        used |= rest.used();
        if (!used && !arguments.isEmpty()) {
            out.append(Placeholders.argumentsLine(arguments, variables));
        }
        String text = out.toString();
        List<String> files = attachments.of(text, counts);
        return new Expansion(command, text, counts[0], counts[1], counts[2], null, files);
    }

    private static Placeholders.Filled fill(String text, String arguments, List<String> words, CommandDefinition command,
            UnaryOperator<String> variables) {
        return Placeholders.claude(text, arguments, words, command.argumentNames(), variables);
    }

    /** {@code ${CLAUDE_SKILL_DIR}}, {@code ${CLAUDE_PROJECT_DIR}} and {@code ${CLAUDE_SESSION_ID}} in {@code text}. */
    private String variables(CommandDefinition command, String text, String sessionId) {
        if (!text.contains("${CLAUDE_")) {
            return text;
        }
        String out = text;
        if (command.skillDir() != null) {
            out = out.replace("${CLAUDE_SKILL_DIR}", command.skillDir().toString());
        }
        out = out.replace("${CLAUDE_PROJECT_DIR}", projectDir.toString());
        return sessionId == null ? out : out.replace("${CLAUDE_SESSION_ID}", sessionId);
    }
}
