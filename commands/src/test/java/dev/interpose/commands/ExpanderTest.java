package dev.interpose.commands;

import static org.assertj.core.api.Assertions.assertThat;

import dev.interpose.config.CommandDefinition;
import dev.interpose.config.CommandsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Each expansion feature and each refusal, on real files and real processes. */
@Timeout(60) // runs real shell commands
class ExpanderTest {
    private static final CommandsConfig SHELL_ON = new CommandsConfig(true, Duration.ofSeconds(5), 1024);

    private final ExecutorService io = Executors.newCachedThreadPool();
    @TempDir
    Path project;
    @TempDir
    Path outside;

    @AfterEach
    void stop() {
        io.shutdownNow();
    }

    private static CommandDefinition command(String body, String... allowedTools) {
        return new CommandDefinition("review", Path.of("review.md"), null, null, null, List.of(allowedTools), List.of(),
                body);
    }

    private String expand(CommandsConfig config, CommandDefinition command, String arguments) throws Exception {
        return new Expander(project, config, io).expand(command, arguments).text();
    }

    @Test
    void argumentsFillArgumentsAndPositionsSplitAsAShellWould() throws Exception {
        CommandDefinition c = command("All: $ARGUMENTS\nFirst: $1\nSecond: $2\nNinth: [$9]");
        assertThat(expand(CommandsConfig.DEFAULT, c, "src/Main.java \"two words\" 'it''s' x\\ y"))
                .isEqualTo("All: src/Main.java \"two words\" 'it''s' x\\ y\nFirst: src/Main.java\nSecond: two words\n"
                        + "Ninth: []");
        assertThat(ShellWords.split("a \"b \\\"c\\\"\" 'd e' f\\ g \"unterminated")).containsExactly("a", "b \"c\"",
                "d e", "f g", "unterminated");
    }

    @Test
    void aTemplateWithoutPlaceholdersGetsTheArgumentsAppended() throws Exception {
        assertThat(expand(CommandsConfig.DEFAULT, command("Review the staged changes."), "focus on tests"))
                .isEqualTo("Review the staged changes.\n\nfocus on tests");
        assertThat(expand(CommandsConfig.DEFAULT, command("Review the staged changes."), ""))
                .isEqualTo("Review the staged changes.");
    }

    @Test
    void anIncludeInlinesAProjectFileNamedByAnArgument() throws Exception {
        Files.createDirectories(project.resolve("src"));
        Files.writeString(project.resolve("src/Main.java"), "class Main {}\n");
        Expander.Expansion e = new Expander(project, CommandsConfig.DEFAULT, io)
                .expand(command("Review @$1."), "src/Main.java");
        assertThat(e.text()).isEqualTo("Review <file path=\"src/Main.java\">\nclass Main {}\n</file>.");
        assertThat(e.includes()).isEqualTo(1);
        assertThat(expand(CommandsConfig.DEFAULT, command("Mail me at me@example.com"), ""))
                .isEqualTo("Mail me at me@example.com");
    }

    @Test
    void includesThatLeaveTheProjectOrAreTooBigAreRefusedWithANote() throws Exception {
        Files.writeString(outside.resolve("secret.txt"), "TOP SECRET");
        Files.createSymbolicLink(project.resolve("link.txt"), outside.resolve("secret.txt"));
        Files.writeString(project.resolve("big.txt"), "x".repeat(2000));
        Files.write(project.resolve("binary.bin"), new byte[] {(byte) 0xff, (byte) 0xfe, 0});
        String out = expand(new CommandsConfig(false, Duration.ofSeconds(1), 1024),
                command("@../x @" + outside.resolve("secret.txt") + " @link.txt @big.txt @missing.txt @binary.bin"), "");
        assertThat(out).doesNotContain("TOP SECRET").doesNotContain("xxxx")
                .contains("[Interpose: @../x was not included: it is outside the project directory]")
                .contains("was not included: absolute paths are not allowed")
                .contains("[Interpose: @link.txt was not included: it links outside the project directory]")
                .contains("[Interpose: @big.txt was not included: larger than 1024 bytes (commands.max-include-bytes)]")
                .contains("[Interpose: @missing.txt was not included: no such file in the project directory]")
                .contains("[Interpose: @binary.bin was not included: it is not UTF-8 text]");
    }

    @Test
    void aShellCommandRunsOnlyWhenEnabledAndPermitted() throws Exception {
        Files.writeString(project.resolve("marker.txt"), "PINEAPPLE\n");
        CommandDefinition c = command("Status:\n!`cat marker.txt`", "Bash(cat:*)");
        assertThat(expand(SHELL_ON, c, "")).isEqualTo("Status:\nPINEAPPLE");
        assertThat(expand(CommandsConfig.DEFAULT, c, "")).isEqualTo("Status:\n[Interpose: !`cat marker.txt` did not "
                + "run: shell commands in command files are off (commands.shell: false)]");
        assertThat(expand(SHELL_ON, command("!`cat marker.txt`", "Bash(git status:*)"), ""))
                .isEqualTo("[Interpose: !`cat marker.txt` did not run: allowed-tools of /review does not permit it]");
        assertThat(expand(SHELL_ON, command("!`cat marker.txt`"), "")).contains("does not permit it");
    }

    @Test
    void argumentsNeverBecomeShellOperatorsOrNewPieces() throws Exception {
        CommandDefinition c = command("!`echo $1`", "Bash(echo:*)");
        assertThat(expand(SHELL_ON, c, "hi")).isEqualTo("hi");
        assertThat(expand(SHELL_ON, c, "'hi; touch pwned'")).isEqualTo("hi; touch pwned");
        assertThat(project.resolve("pwned")).doesNotExist();
        assertThat(expand(SHELL_ON, command("!`echo $ARGUMENTS`", "Bash(echo:*)"),
                "'${HOME}' '$(touch pwned)' `touch pwned` *")).isEqualTo("${HOME} $(touch pwned) "
                + "`touch pwned` *");
        assertThat(project.resolve("pwned")).doesNotExist();
        assertThat(expand(SHELL_ON, command("!`echo $ARGUMENTS`", "Bash(echo:*)"), "a 'b c' \"it's\""))
                .isEqualTo("a b c it's");
        assertThat(expand(SHELL_ON, command("Look: $ARGUMENTS", "Bash"), "!`touch pwned` @../x"))
                .isEqualTo("Look: !`touch pwned` @../x");
        assertThat(project.resolve("pwned")).doesNotExist();
    }

    @Test
    void permissionRulesFollowClaudeCode() {
        assertThat(Expander.permitted(List.of("Bash(git status:*)"), "git status --short")).isTrue();
        assertThat(Expander.permitted(List.of("Bash(git status:*)"), "git status")).isTrue();
        assertThat(Expander.permitted(List.of("Bash(git status:*)"), "git statusx")).isFalse();
        assertThat(Expander.permitted(List.of("Bash(git status)"), "git status --short")).isFalse();
        assertThat(Expander.permitted(List.of("Read", "Bash(ls)"), "ls")).isTrue();
        assertThat(Expander.permitted(List.of("Bash(git log:*)"), "git log | head")).isFalse();
        assertThat(Expander.permitted(List.of("Bash"), "git log | head")).isTrue();
        assertThat(Expander.permitted(List.of(), "ls")).isFalse();
        assertThat(Expander.permitted(List.of("Bash()"), "ls")).isFalse();
        assertThat(Expander.permitted(List.of("Bash(echo:*)"), "echo ${SECRET}")).isFalse();
        assertThat(Expander.permitted(List.of("Bash(echo:*)"), "echo $(id)")).isFalse();
        assertThat(Expander.permitted(List.of("Bash(ls:*)"), "ls ~")).isFalse();
    }

    @Test
    void aShellCommandThatHangsIsKilledAtTheTimeout() throws Exception {
        long start = System.nanoTime();
        String out = expand(new CommandsConfig(true, Duration.ofMillis(300), 1024), command("!`sleep 30`", "Bash"), "");
        assertThat(out).isEqualTo("[Interpose: !`sleep 30` timed out after 300ms; process tree killed]");
        // Killed at its timeout, not left to run out its 30 s: half of that is room enough for a loaded machine.
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(15_000);
    }
}
