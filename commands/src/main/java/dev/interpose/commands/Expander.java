package dev.interpose.commands;

import dev.interpose.config.CommandDefinition;
import dev.interpose.config.CommandsConfig;
import dev.interpose.hooks.ProcessRun;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
    private static final Pattern SHELL_LINE = Pattern.compile("```!\\s*\\n?([\\s\\S]*?)\\n?```|(?<=^|\\s)!`([^`]+)`",
            Pattern.MULTILINE);
    private static final Pattern CODE_SPAN = Pattern.compile("`[^`\\n]+`");
    private static final Pattern MENTION = Pattern.compile("(?<=^|\\s)@([^\\s]+)");
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

    public Expander(Path projectDir, CommandsConfig config, Executor io) {
        this.projectDir = projectDir.toAbsolutePath().normalize();
        this.config = config;
        this.io = io;
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
        List<String> words = ShellWords.split(arguments);
        UnaryOperator<String> variables = text -> variables(command, text, sessionId);
        Path skillDir = command.skillDir();
        String template = variables.apply(
                (skillDir == null ? "" : "Base directory for this skill: " + skillDir + "\n\n") + command.body());
        StringBuilder out = new StringBuilder();
        int[] counts = new int[3];
        boolean used = false;
        Matcher m = SHELL_LINE.matcher(template.contains("!`") ? maskCodeSpans(template) : template);
        int last = 0;
        while (m.find()) {
            Placeholders.Filled before = fill(template.substring(last, m.start()), arguments, words, command, variables);
            out.append(before.text());
            used |= before.used();
            String line = (m.group(1) != null ? m.group(1) : m.group(2)).strip();
            String raw = template.substring(m.start(), m.end());
            used |= fill(line, arguments, words, command, variables).used();
            Shell result = shell(command, raw, line, arguments, words, counts);
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
        List<String> attachments = attachments(text, counts);
        return new Expansion(command, text, counts[0], counts[1], counts[2], null, attachments);
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

    /** The text with inline code spans blanked, so that a {@code !`} inside one is not a shell line (as Claude Code). */
    private static String maskCodeSpans(String text) {
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

    /** The files the expanded text names with {@code @path}, and notes for those refused. */
    private List<String> attachments(String text, int[] counts) {
        List<String> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        Matcher m = MENTION.matcher(text);
        while (m.find()) {
            String attachment = include(m.group(1), counts, seen);
            if (attachment != null) {
                out.add(attachment);
            }
        }
        return out;
    }

    /** The file a mention names, between tags; a note when it is refused; null when it names no file. */
    private String include(String token, int[] counts, java.util.Set<String> seen) {
        String path = token;
        while (!path.isEmpty() && ".,;:!?)\"'`".indexOf(path.charAt(path.length() - 1)) >= 0) {
            path = path.substring(0, path.length() - 1); // sentence punctuation after the path
        }
        if (path.isEmpty() || !seen.add(path)) {
            return null;
        }
        String refusal = refuseInclude(path);
        if (refusal == NO_SUCH_FILE) {
            return null; // @agent-name, @someone: left as written
        }
        if (refusal != null) {
            counts[2]++;
            return "[Interpose: @" + path + " was not included: " + refusal + "]";
        }
        Path file = projectDir.resolve(path).normalize();
        try {
            byte[] bytes = readCapped(file);
            if (bytes == null) {
                counts[2]++;
                return "[Interpose: @" + path + " was not included: it changed while it was read]";
            }
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            counts[0]++;
            return "<file path=\"" + path + "\">\n" + text + (text.endsWith("\n") ? "" : "\n") + "</file>";
        } catch (CharacterCodingException e) {
            counts[2]++;
            return "[Interpose: @" + path + " was not included: it is not UTF-8 text]";
        } catch (IOException e) {
            counts[2]++;
            return "[Interpose: @" + path + " was not included: cannot read it (" + e.getMessage() + ")]";
        }
    }

    /**
     * The file's bytes, read from its real path without following a link at the end and never more than the
     * cap; null when it is no longer inside the project or grew past the cap since it was checked.
     */
    private byte[] readCapped(Path file) throws IOException {
        Path real = file.toRealPath();
        if (!real.startsWith(projectDir.toRealPath())) {
            return null;
        }
        try (java.io.InputStream in = Files.newInputStream(real, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = in.readNBytes(config.maxIncludeBytes() + 1);
            return bytes.length > config.maxIncludeBytes() ? null : bytes;
        }
    }

    private static final String NO_SUCH_FILE = "no such file in the project directory";

    /** Why an include is refused ({@link #NO_SUCH_FILE} when there is no such file), or null to read it. */
    private String refuseInclude(String path) {
        Path file;
        try {
            if (path.startsWith("/") || path.startsWith("~") || Path.of(path).isAbsolute()) {
                return "absolute paths are not allowed; name a file inside the project directory";
            }
            file = projectDir.resolve(path).normalize();
        } catch (InvalidPathException e) {
            return "not a valid path";
        }
        if (!file.startsWith(projectDir)) {
            return "it is outside the project directory";
        }
        if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return NO_SUCH_FILE;
        }
        try {
            if (!file.toRealPath().startsWith(projectDir.toRealPath())) {
                return "it links outside the project directory";
            }
            if (!Files.isRegularFile(file)) {
                return "not a file";
            }
            if (Files.size(file) > config.maxIncludeBytes()) {
                return "larger than " + config.maxIncludeBytes() + " bytes (commands.max-include-bytes)";
            }
        } catch (IOException e) {
            return "cannot read it (" + e.getMessage() + ")";
        }
        return null;
    }

    /** What a shell line gave: its output, or why the expansion is aborted. */
    private record Shell(String output, String failure) {
    }

    private Shell shell(CommandDefinition command, String raw, String line, String arguments, List<String> words,
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
        argv.addAll(ShellWords.split(text));
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
    public static List<String> shellNotes(CommandDefinition command, CommandsConfig config) {
        List<String> notes = new ArrayList<>();
        if (command.style() == CommandDefinition.Style.CODEX_PROMPT) {
            return notes;
        }
        String body = command.body();
        Matcher m = SHELL_LINE.matcher(body.contains("!`") ? maskCodeSpans(body) : body);
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
