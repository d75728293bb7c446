package dev.interpose.commands;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interpose.config.CommandDefinition;
import dev.interpose.config.CommandsConfig;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile arguments against every quoting context a {@code !`…`} template can put a placeholder in, on real
 * {@code /bin/sh} processes: no argument ever runs as code (the canary file is never created), and where
 * the context yields the value, the output is the value, byte for byte.
 */
@Timeout(300) // about 4,000 runs of a real /bin/sh: seconds on a quiet machine, minutes on a loaded one
class ShellInjectionTest {

    /**
     * The template with its positions written 0-based, as Claude Code's rules (which command files follow) read
     * them: the contexts below are written with {@code $1} for the first word.
     */
    static String zeroBased(String template) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c == '\\' && i + 1 < template.length()) {
                out.append(c).append(template.charAt(++i));
            } else if (c == '$' && i + 1 < template.length() && template.charAt(i + 1) >= '1' && template.charAt(i + 1) <= '9') {
                out.append('$').append((char) (template.charAt(++i) - 1));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
    private static final CommandsConfig SHELL_ON = new CommandsConfig(true, Duration.ofSeconds(10), 1024 * 1024);
    private static final String CANARY = "CANARY";
    private static final Charset ARGV = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));

    /** Arguments a person could type; each is also tried as one single-quoted word. */
    static final List<String> HOSTILE = List.of(
            "$(touch CANARY)", "`touch CANARY`", "; touch CANARY", "| touch CANARY", "&& touch CANARY",
            "|| touch CANARY", "x\ntouch CANARY", "x\r\ntouch CANARY\n", "'", "\"", "\\", "'$(touch CANARY)'",
            "\"; touch CANARY; \"", "\"$(touch CANARY)\"", "'\"$(touch CANARY)\"'", "*", "~", "~root", "${IFS}",
            "$((1))", "$((1+1))", "a[$(touch CANARY)]", "x[$(touch CANARY)]+1", "a\0$(touch CANARY)\0b",
            "x".repeat(60_000) + "$(touch CANARY)", "héllo wörld ✓ 日本語 🎉", "'$(touch CANARY)", "\"$(touch CANARY)",
            "$1", "$ARGUMENTS", "${1}", "$@", "$*", "$0", "!`touch CANARY`", "-n", "-e \\x41", "%s%n%d", "\\$(touch CANARY)",
            "'\"'\"'$(touch CANARY)'\"'\"'", "')\"$(touch CANARY)\"('", ")", "$(", "\"'`", "$(touch${IFS}CANARY)",
            "> CANARY", ">CANARY", "< /etc/passwd", "2>CANARY", "& touch CANARY &", "$(</etc/passwd)",
            "${PATH}", "$HOME", "${x:-$(touch CANARY)}", "{a,b}", "[a-z]*", "?", "#", "x #y", "\t", " ", "",
            "'\\''$(touch CANARY)'\\''", "\\'$(touch CANARY)\\'", "\"\\\"$(touch CANARY)\\\"\"", "\u0085\u2028",
            "a b  c", "a\\ b", "--", "=", "IFS=x", "\u001b[31m");

    /**
     * A template (run inside brackets) and what it prints for the argument words and the argument text, or
     * null where the context does not promise the literal value (echo interprets backslashes).
     */
    private record Context(String template, BiFunction<List<String>, String, String> expected) {
    }

    private static String word(List<String> words, int n) {
        return n < words.size() ? words.get(n) : "";
    }

    static final List<Context> CONTEXTS = List.of(
            new Context("printf %s $1", (w, t) -> word(w, 0)),
            new Context("printf %s \"$1\"", (w, t) -> word(w, 0)),
            new Context("printf %s '$1'", (w, t) -> word(w, 0)),
            new Context("printf '%s\\n' $ARGUMENTS", (w, t) -> w.isEmpty() ? "\n" : String.join("\n", w)),
            new Context("printf %s \"$ARGUMENTS\"", (w, t) -> t),
            new Context("printf %s '$ARGUMENTS'", (w, t) -> t),
            new Context("printf %s \"$(printf %s \"$1\")\"", (w, t) -> word(w, 0).replaceAll("\n+$", "")),
            new Context("printf '%s\\n' $1 x", (w, t) -> word(w, 0) + "\nx"),
            // A word character right after a position would make it no placeholder, in Claude Code's rules.
            new Context("printf %s x$1-y", (w, t) -> "x" + word(w, 0) + "-y"),
            new Context("printf %s \"a$1-b\"", (w, t) -> "a" + word(w, 0) + "-b"),
            new Context("printf %s $1$2", (w, t) -> word(w, 0) + word(w, 1)),
            new Context("printf %s \"'$1'\"", (w, t) -> "'" + word(w, 0) + "'"),
            new Context("printf %s '\"$1\"'", (w, t) -> "\"" + word(w, 0) + "\""),
            new Context("printf %s \\\"$1\\\"", (w, t) -> "\"" + word(w, 0) + "\""),
            new Context("printf %s 'a'$1'b'", (w, t) -> "a" + word(w, 0) + "b"),
            new Context("x=$1; printf %s \"$x\"", (w, t) -> word(w, 0)),
            new Context("printf %s \"$1\" | cat", (w, t) -> word(w, 0)),
            new Context("printf %s $(printf %s \"$1\" | wc -c)", (w, t) -> Integer.toString(bytes(word(w, 0)))),
            new Context("printf %s \\$1", (w, t) -> "$1"),
            new Context("printf %s \"${9}$9\"", (w, t) -> word(w, 8) + word(w, 8)),
            new Context("echo $1", null),
            new Context("echo \"$1\"", null),
            new Context("echo '$1'", null),
            new Context("echo $ARGUMENTS", null),
            new Context("echo \"$ARGUMENTS\"", null),
            new Context("echo '$ARGUMENTS'", null),
            new Context("test -n \"$1\" && printf %s ok", null),
            new Context("case \"$1\" in *) printf %s \"$1\";; esac", (w, t) -> word(w, 0)));

    private final ExecutorService io = Executors.newCachedThreadPool();
    private Path project;

    @BeforeEach
    void project() throws Exception {
        project = Files.createTempDirectory("shell-injection");
    }

    @AfterEach
    void stop() throws Exception {
        io.shutdownNow();
        try (var files = Files.walk(project)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static int bytes(String s) {
        return s.getBytes(ARGV).length;
    }

    private static String quoted(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }

    private String expand(String template, String arguments) throws Exception {
        CommandDefinition c = new CommandDefinition("probe", Path.of("probe.md"), null, null, null, List.of("Bash"),
                List.of(), "!`" + zeroBased(template) + "`");
        Expander.Expansion e = new Expander(project, SHELL_ON, io).expand(c, arguments);
        if (e.failed()) {
            return "[" + e.failure() + "]";
        }
        // The shell line's output only: a template whose positions were all missing gets the arguments line too.
        int appended = e.text().indexOf("\n\nARGUMENTS: ");
        return "[" + (appended < 0 ? e.text() : e.text().substring(0, appended)) + "]";
    }

    /** What the process prints for a value, after the trip through argv (the platform's encoding). */
    private static String throughArgv(String value) {
        return new String(value.getBytes(ARGV), ARGV);
    }

    @Test
    void noHostileArgumentRunsInAnyQuotingContextAndEachYieldsItsLiteralValue() throws Exception {
        List<String> mismatches = new ArrayList<>();
        int runs = 0;
        for (String hostile : HOSTILE) {
            for (String typed : List.of(hostile, quoted(hostile))) {
                String text = typed.replace("\0", "");
                // The words Claude Code's rules give the placeholders, as the parameters carry them.
                List<String> words = ShellWords.claude(typed).stream().map(w -> w.replace("\0", ""))
                        .map(ShellInjectionTest::throughArgv).toList();
                for (Context context : CONTEXTS) {
                    String out = expand(context.template(), typed);
                    runs++;
                    assertThat(project.resolve(CANARY)).as("%s with %s", context.template(), typed).doesNotExist();
                    if (context.expected() != null) {
                        // As Claude Code puts a line's output in: leading blank lines and trailing space dropped.
                        String printed = Expander.output(context.expected().apply(words, throughArgv(text)));
                        String expected = "[" + (printed.isEmpty() ? Expander.NO_OUTPUT : printed) + "]";
                        if (!out.equals(expected)) {
                            mismatches.add(context.template() + " <- " + abbreviate(typed) + ": got " + abbreviate(out)
                                    + ", expected " + abbreviate(expected));
                        }
                    }
                }
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(runs).isEqualTo(HOSTILE.size() * 2 * CONTEXTS.size());
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 40) + "…(" + s.length() + ")…" + s.substring(s.length() - 30) : s;
    }

    @Test
    void theNotesShowTheTemplateNotTheArguments() throws Exception {
        String hostile = "$(touch CANARY) secret-value";
        CommandDefinition denied = new CommandDefinition("probe", Path.of("probe.md"), null, null, null,
                List.of("Bash(git status:*)"), List.of(), "!`touch \"$0\"`");
        assertThat(new Expander(project, SHELL_ON, io).expand(denied, hostile).failure())
                .isEqualTo("Shell command permission check failed for pattern \"!`touch \"$0\"`\": allowed-tools of "
                        + "/probe does not permit it");
        assertThat(new Expander(project, CommandsConfig.DEFAULT, io).expand(denied, hostile).text())
                .doesNotContain("secret-value").contains("commands.shell: false");
        String timedOut = new Expander(project, new CommandsConfig(true, Duration.ofMillis(300), 1024), io)
                .expand(new CommandDefinition("probe", Path.of("probe.md"), null, null, null, List.of("Bash"),
                        List.of(), "!`sleep 5 || printf %s \"$0\"`"), hostile).failure();
        assertThat(timedOut).isEqualTo("Shell command failed for pattern \"!`sleep 5 || printf %s \"$0\"`\": timed out "
                + "after 300ms; process tree killed");
        assertThat(project.resolve(CANARY)).doesNotExist();
    }

    @Test
    void argumentsBeyondTheLimitAreRefusedForShellLinesOnly() throws Exception {
        String huge = "y".repeat(Expander.MAX_SHELL_ARGUMENT_BYTES + 1);
        assertThat(expand("printf %s \"$1\"", huge)).isEqualTo("[Shell command failed for pattern \"!`printf %s "
                + "\"$0\"`\": the arguments exceed 65536 bytes, too long for a shell command]");
        CommandDefinition plain = new CommandDefinition("probe", Path.of("probe.md"), null, null, null, List.of(),
                List.of(), "Say $0");
        assertThat(new Expander(project, SHELL_ON, io).expand(plain, huge).text()).isEqualTo("Say " + huge);
        String justFits = "z".repeat(Expander.MAX_SHELL_ARGUMENT_BYTES);
        assertThat(expand("printf %s \"$1\" | wc -c", justFits).replace(" ", "")).isEqualTo("[65536]");
    }

    @Test
    void aPlaceholderInArithmeticIsRefusedAndMissingWordsAreEmpty() throws Exception {
        assertThat(expand("printf %s $(( $1 + 1 ))", "a[$(touch CANARY)]")).isEqualTo("[Shell command failed for "
                + "pattern \"!`printf %s $(( $0 + 1 ))`\": a placeholder inside $((...)) would be evaluated as an "
                + "arithmetic expression]");
        assertThat(expand("printf %s $((2 + 3))", "")).isEqualTo("[5]");
        assertThat(expand("printf '<%s>' \"$1\" \"$2\" '$3'", "only")).isEqualTo("[<only><><>]");
        assertThat(expand("printf '<%s>' $ARGUMENTS", "")).isEqualTo("[<>]");
        assertThat(project.resolve(CANARY)).doesNotExist();
    }

    @Test
    void theScriptHoldsReferencesOnly() throws Exception {
        assertThat(ShellScript.of("echo $1 \"$2\" '$3' $ARGUMENTS \"$ARGUMENTS\" '$ARGUMENTS'"))
                .isEqualTo("echo \"${1}\" \"${2}\" ''\"${3}\"'' \"$@\" \"${INTERPOSE_ARGUMENTS}\" "
                        + "''\"${INTERPOSE_ARGUMENTS}\"''");
        assertThat(ShellScript.of("x \"$(printf %s \"$1\")\" \\$1 $$1 $12"))
                .isEqualTo("x \"$(printf %s \"${1}\")\" \\$1 $$1 \"${1}\"2");
    }

    @Test
    void includesNamedByArgumentsStayInsideTheProject() throws Exception {
        Path outside = Files.createTempDirectory("outside");
        try {
            Files.writeString(outside.resolve("secret.txt"), "TOP SECRET");
            Files.createSymbolicLink(project.resolve("dir-link"), outside);
            Files.writeString(project.resolve("ok.txt"), "fine");
            CommandDefinition c = new CommandDefinition("probe", Path.of("probe.md"), null, null, null, List.of(),
                    List.of(), "@$0");
            List<String> noFile = List.of("$(cat ../x)", "%2e%2e/secret.txt"); // no such file: left as written
            for (String typed : List.of("../" + outside.getFileName() + "/secret.txt", outside + "/secret.txt",
                    "dir-link/secret.txt", "~/secret.txt", "ok.txt/../../" + outside.getFileName() + "/secret.txt",
                    "'a\0b'", "$(cat ../x)", "%2e%2e/secret.txt", "./../" + outside.getFileName() + "/secret.txt")) {
                Expander.Expansion e = new Expander(project, SHELL_ON, io).expand(c, typed);
                String all = e.text() + String.join("\n", e.attachments());
                assertThat(all).as(typed).doesNotContain("TOP SECRET");
                if (!noFile.contains(typed)) {
                    assertThat(e.attachments()).as(typed).singleElement().asString().contains("was not included");
                }
            }
            assertThat(new Expander(project, SHELL_ON, io).expand(c, "ok.txt").attachments()).singleElement()
                    .asString().contains("fine");
        } finally {
            try (var files = Files.walk(outside)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
