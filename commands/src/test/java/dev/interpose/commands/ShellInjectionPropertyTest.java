package dev.interpose.commands;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interpose.config.CommandDefinition;
import dev.interpose.config.CommandsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Random arguments into random {@code !`…`} templates, run by a real {@code /bin/sh}: nothing typed ever
 * runs (the canary file never appears) and expansion never throws. The templates only ever run
 * {@code printf} (no separators, redirections or substitutions among their pieces), so whatever the
 * quoting, a canary could only come from an argument becoming code. Tries: {@code jqwik.tries.default}.
 */
class ShellInjectionPropertyTest {

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
    private static final CommandsConfig SHELL_ON = new CommandsConfig(true, Duration.ofSeconds(10), 64 * 1024);
    private static final List<String> TEMPLATE_PIECES = List.of("$1", "$2", "$9", "$ARGUMENTS", "\"", "'", "\\", " ",
            "x", "%s", "${IFS}", "*", "~", "$$", "#", "-", "$", "{", "}", "=", "\\$1", "\\\"", "\\'", "$1$2", "''", "\"\"");
    private static final List<String> ARGUMENT_PIECES = List.of("$(touch CANARY)", "`touch CANARY`", ";touch CANARY",
            "|touch CANARY", "&&touch CANARY", "||touch CANARY", "\ntouch CANARY\n", "'", "\"", "\\", " ", "\t", "*",
            "~", "${IFS}", "$((1))", "a[$(touch CANARY)]", "\0", "é✓🎉", "$1", "$ARGUMENTS", "!`touch CANARY`", ")",
            "(", "$", "{", "}", ">CANARY", "<", "#", "%s", "-n", "\r");

    private ExecutorService io;
    private Path project;

    @BeforeProperty
    void start() throws Exception {
        io = Executors.newCachedThreadPool();
        project = Files.createTempDirectory("shell-property");
    }

    @AfterProperty
    void stop() throws Exception {
        io.shutdownNow();
        try (var files = Files.walk(project)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Provide
    Arbitrary<String> templates() {
        Arbitrary<String> pieces = Arbitraries.of(TEMPLATE_PIECES);
        Arbitrary<String> body = pieces.list().ofMaxSize(12).map(l -> String.join("", l));
        return Arbitraries.of("printf '<%s>' ", "printf %s ", "printf '%s\\n' ").flatMap(prefix -> body.map(b -> prefix + b));
    }

    @Provide
    Arbitrary<String> arguments() {
        Arbitrary<String> pieces = Arbitraries.oneOf(Arbitraries.of(ARGUMENT_PIECES), Arbitraries.strings().ofMaxLength(8));
        return Arbitraries.oneOf(pieces.list().ofMaxSize(8).map(l -> String.join("", l)),
                Arbitraries.strings().all().ofMaxLength(40));
    }

    @Property
    void noArgumentEverRunsInAnyTemplate(@ForAll("templates") String template, @ForAll("arguments") String arguments)
            throws Exception {
        CommandDefinition c = new CommandDefinition("probe", Path.of("probe.md"), null, null, null, List.of("Bash"),
                List.of(), "!`" + zeroBased(template) + "`");
        Expander.Expansion e = new Expander(project, SHELL_ON, io).expand(c, arguments);
        assertThat(e.text() != null || e.failure() != null).as("an expansion or Claude Code's failure message").isTrue();
        assertThat(project.resolve("CANARY")).as("%s <- %s", template, arguments).doesNotExist();
    }

    @Property
    void theScriptNeverThrowsButForArithmetic(@ForAll String template) {
        try {
            assertThat(ShellScript.of(template)).isNotNull();
        } catch (ShellScript.UnsupportedTemplateException e) {
            assertThat(template).contains("$((");
        }
    }

    @Property
    void shellWordsNeverThrowAndNeverInventText(@ForAll("arguments") String text) {
        List<String> words = ShellWords.split(text);
        int kept = words.stream().mapToInt(String::length).sum();
        assertThat(kept).isLessThanOrEqualTo(text.length());
        assertThat(words).doesNotContainNull();
    }

    @Property
    void shellWordsOfQuotedWordsGiveThemBack(@ForAll @Size(max = 8) List<@StringLength(max = 30) String> values) {
        String typed = String.join(" ", values.stream().map(v -> "'" + v.replace("'", "'\\''") + "'").toList());
        assertThat(ShellWords.split(typed)).isEqualTo(values);
    }
}
