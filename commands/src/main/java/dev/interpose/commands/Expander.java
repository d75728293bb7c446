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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands a command's template. The template is scanned once, and what the person typed is substituted
 * into the pieces found, never scanned again: arguments cannot smuggle in an include or a shell command.
 *
 * <ul>
 *   <li>{@code $ARGUMENTS}: the whole argument text; {@code $1}…{@code $9}: its words, split as a shell
 *       would ({@link ShellWords}), empty when missing. A template that uses neither gets the arguments
 *       appended after a blank line, so nothing typed is lost.</li>
 *   <li>{@code @relative/path} (at the start or after whitespace): that file of the project directory,
 *       inlined between {@code <file path="…">} tags. Refused with an inline note when the path is absolute,
 *       leaves the project directory (through {@code ..} or a symbolic link), is not a file, exceeds
 *       {@code commands.max-include-bytes}, or is not UTF-8 text.</li>
 *   <li>{@code !`command`}: the command's output (stdout and stderr), only when {@code commands.shell} is
 *       on and the command's {@code allowed-tools} permits it ({@code Bash}, {@code Bash(git status)} for
 *       exactly that, {@code Bash(git status:*)} for it and its arguments); a command with shell operators
 *       ({@code ; & | < > $( `} or a newline) is permitted by plain {@code Bash} only. Run with
 *       {@code /bin/sh -c SCRIPT sh word1 word2 …} in the project directory, the placeholders of the
 *       template turned into parameter references ({@link ShellScript}): what was typed reaches the
 *       shell as argv and environment, never as source. Refused when the arguments exceed
 *       {@value #MAX_SHELL_ARGUMENT_BYTES} bytes. Killed with its children after
 *       {@code commands.shell-timeout}.</li>
 * </ul>
 * Blocks (file reads, processes): call it off the event loop. Thread-safe.
 */
public final class Expander {
    private static final Pattern PIECE = Pattern.compile("!`([^`\\n]+)`|(?<=^|\\s)@([^\\s]+)");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$(ARGUMENTS|[1-9])");
    /** What makes a shell line more than one plain command: operators, expansions, substitutions. */
    private static final Pattern SHELL_OPERATOR = Pattern.compile("[;&|<>`\\n\\r()$*?~{}\\[\\]\\\\]");
    private static final Pattern BASH_RULE = Pattern.compile("Bash(?:\\((.*)\\))?");
    /** Longest argument text a shell line gets (it travels in argv and the environment). */
    static final int MAX_SHELL_ARGUMENT_BYTES = 64 * 1024;

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
     * @param text     the text that replaces what the person typed
     * @param includes files inlined
     * @param shells   shell commands run
     * @param refused  includes and shell commands refused (each with a note in the text)
     */
    public record Expansion(CommandDefinition command, String text, int includes, int shells, int refused) {
    }

    public Expansion expand(CommandDefinition command, String arguments) throws InterruptedException {
        List<String> words = ShellWords.split(arguments);
        String template = command.body();
        StringBuilder out = new StringBuilder();
        int[] counts = new int[3];
        Matcher m = PIECE.matcher(template);
        int last = 0;
        while (m.find()) {
            out.append(substitute(template.substring(last, m.start()), arguments, words));
            if (m.group(1) != null) {
                out.append(shell(command, m.group(1), arguments, counts));
            } else {
                out.append(include(substitute(m.group(2), arguments, words), counts));
            }
            last = m.end();
        }
        out.append(substitute(template.substring(last), arguments, words));
        String text = out.toString().strip();
        if (!arguments.isEmpty() && !PLACEHOLDER.matcher(template).find()) {
            text = text + "\n\n" + arguments;
        }
        return new Expansion(command, text, counts[0], counts[1], counts[2]);
    }

    private static String substitute(String text, String arguments, List<String> words) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value;
            if (m.group(1).equals("ARGUMENTS")) {
                value = arguments;
            } else {
                int n = m.group(1).charAt(0) - '1';
                value = n < words.size() ? words.get(n) : "";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String include(String token, int[] counts) {
        String path = token;
        String trailing = "";
        while (!path.isEmpty() && ".,;:!?)".indexOf(path.charAt(path.length() - 1)) >= 0) {
            trailing = path.charAt(path.length() - 1) + trailing; // sentence punctuation after the path
            path = path.substring(0, path.length() - 1);
        }
        if (path.isEmpty()) {
            return "@" + token;
        }
        String refusal = refuseInclude(path);
        if (refusal != null) {
            counts[2]++;
            return "[Interpose: @" + path + " was not included: " + refusal + "]" + trailing;
        }
        Path file = projectDir.resolve(path).normalize();
        try {
            byte[] bytes = readCapped(file);
            if (bytes == null) {
                counts[2]++;
                return "[Interpose: @" + path + " was not included: it changed while it was read]" + trailing;
            }
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            counts[0]++;
            return "<file path=\"" + path + "\">\n" + text + (text.endsWith("\n") ? "" : "\n") + "</file>" + trailing;
        } catch (CharacterCodingException e) {
            counts[2]++;
            return "[Interpose: @" + path + " was not included: it is not UTF-8 text]" + trailing;
        } catch (IOException e) {
            counts[2]++;
            return "[Interpose: @" + path + " was not included: cannot read it (" + e.getMessage() + ")]" + trailing;
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

    /** Why an include is refused, or null to read it. */
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
        if (!Files.exists(file)) {
            return "no such file in the project directory";
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

    private String shell(CommandDefinition command, String template, String arguments, int[] counts)
            throws InterruptedException {
        // Judged on the template (placeholders as plain words): the values are never part of the shell source.
        String judged = PLACEHOLDER.matcher(template).replaceAll("ARG").strip();
        String refusal = null;
        String script = null;
        if (!config.shell()) {
            refusal = "shell commands in command files are off (commands.shell: false)";
        } else if (!permitted(command.allowedTools(), judged)) {
            refusal = "allowed-tools of /" + command.name() + " does not permit it";
        } else if (arguments.getBytes(StandardCharsets.UTF_8).length > MAX_SHELL_ARGUMENT_BYTES) {
            refusal = "the arguments exceed " + MAX_SHELL_ARGUMENT_BYTES + " bytes, too long for a shell command";
        } else {
            try {
                script = ShellScript.of(template);
            } catch (ShellScript.UnsupportedTemplateException e) {
                refusal = e.getMessage();
            }
        }
        if (refusal != null) {
            counts[2]++;
            return "[Interpose: !`" + template + "` did not run: " + refusal + "]";
        }
        counts[1]++;
        // The values travel as argv and environment, which cannot carry NUL: it is dropped.
        String text = arguments.replace("\0", "");
        List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", script, "sh"));
        argv.addAll(ShellWords.split(text));
        ProcessBuilder builder = ProcessRun.in(projectDir, argv);
        builder.redirectErrorStream(true);
        builder.environment().put("INTERPOSE_PROJECT_DIR", projectDir.toString());
        builder.environment().put(ShellScript.ARGUMENTS_VARIABLE, text);
        ProcessRun run = ProcessRun.run(builder, new byte[0], config.shellTimeout(), config.maxIncludeBytes(), 1024, io);
        String output = run.stdout().text().stripTrailing();
        if (run.failed()) {
            return output + (output.isEmpty() ? "" : "\n") + "[Interpose: !`" + template + "` " + run.failure() + "]";
        }
        return output + (run.exit() == 0 ? "" : "\n[exit " + run.exit() + "]");
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
