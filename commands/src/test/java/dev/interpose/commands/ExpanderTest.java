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
    void argumentsFillArgumentsAndZeroBasedPositionsSplitAsAShellWouldAsInClaudeCode() throws Exception {
        CommandDefinition c = command("All: $ARGUMENTS\nFirst: $0\nSecond: $1 $ARGUMENTS[1]\nMissing: [$9] [$ARGUMENTS[9]]");
        assertThat(expand(CommandsConfig.DEFAULT, c, "src/Main.java \"two words\" 'it''s' x\\ y"))
                .isEqualTo("All: src/Main.java \"two words\" 'it''s' x\\ y\nFirst: src/Main.java\nSecond: two words "
                        + "two words\nMissing: [$9] [$ARGUMENTS[9]]");
        assertThat(ShellWords.split("a \"b \\\"c\\\"\" 'd e' f\\ g \"unterminated")).containsExactly("a", "b \"c\"",
                "d e", "f g", "unterminated");
        // Without arguments, a position stays as written while $ARGUMENTS is empty.
        assertThat(expand(CommandsConfig.DEFAULT, c, "")).isEqualTo("All: \nFirst: $0\nSecond: $1 $ARGUMENTS[1]\n"
                + "Missing: [$9] [$ARGUMENTS[9]]");
        // \$ before a placeholder is a literal $; $1abc is no placeholder.
        assertThat(expand(CommandsConfig.DEFAULT, command("cost \\$0, \\\\$0, $1abc $0"), "x"))
                .isEqualTo("cost $0, \\\\x, $1abc x");
    }

    @Test
    void positionsAreTheWordsOfTheFirstCommandAsClaudeCodeReadsTheLine() {
        // Each observed on the pinned Claude Code 2.1.328 with a command printing [$0] [$1].
        assertThat(ShellWords.claude("$HOME x")).containsExactly("$HOME", "x");
        assertThat(ShellWords.claude("a|b c")).containsExactly("a");
        assertThat(ShellWords.claude("x #comment y")).containsExactly("x");
        assertThat(ShellWords.claude("a;b c")).containsExactly("a");
        assertThat(ShellWords.claude("a && b")).containsExactly("a");
        assertThat(ShellWords.claude("a>b c")).containsExactly("a");
        assertThat(ShellWords.claude("it's")).containsExactly("it's");
        assertThat(ShellWords.claude("\"unterminated x")).containsExactly("\"unterminated x");
        assertThat(ShellWords.claude("a\\ b c")).containsExactly("a b", "c");
        assertThat(ShellWords.claude("e=f g")).containsExactly("g");
        assertThat(ShellWords.claude("${X} y")).containsExactly("${X}", "y");
        assertThat(ShellWords.claude("$(ls) z")).containsExactly("$(ls)", "z");
        assertThat(ShellWords.claude("*.java ~ -n \"x y\"")).containsExactly("*.java", "~", "-n", "x y");
    }

    @Test
    void namedArgumentsComeFromTheFrontMatterList() throws Exception {
        CommandDefinition c = new CommandDefinition("plan", Path.of("plan.md"), null, null, null, List.of(), List.of(),
                "plan=$plan mode=$mode other=$other $planx", CommandDefinition.Style.COMMAND, List.of("plan", "mode"),
                List.of(), true, null);
        assertThat(expand(CommandsConfig.DEFAULT, c, "p.md")).isEqualTo("plan=p.md mode= other=$other $planx");
    }

    @Test
    void aTemplateWithoutPlaceholdersGetsTheArgumentsLineAppended() throws Exception {
        assertThat(expand(CommandsConfig.DEFAULT, command("Review the staged changes.\n"), "focus on tests"))
                .isEqualTo("Review the staged changes.\n\n\nARGUMENTS: focus on tests");
        assertThat(expand(CommandsConfig.DEFAULT, command("Review the staged changes.\n"), ""))
                .isEqualTo("Review the staged changes.\n");
        // A position that was not filled does not count: the arguments are still appended.
        assertThat(expand(CommandsConfig.DEFAULT, command("Second: $1"), "only"))
                .isEqualTo("Second: $1\n\nARGUMENTS: only");
    }

    @Test
    void typedTextCannotStartAShellLineItIsDefusedAsClaudeCodeDoes() throws Exception {
        assertThat(expand(SHELL_ON, command("Look: $ARGUMENTS", "Bash"), "hi !there !`touch pwned`"))
                .isEqualTo("Look: hi \\!there \\! `touch pwned`");
        assertThat(project.resolve("pwned")).doesNotExist();
    }

    @Test
    void aSkillStartsWithItsBaseDirectoryAndExpandsItsVariables() throws Exception {
        Path dir = Files.createDirectories(project.resolve(".claude/skills/greet"));
        CommandDefinition skill = new CommandDefinition("greet", dir.resolve("SKILL.md"), null, null, null, List.of(),
                List.of(), "Hi $0 from ${CLAUDE_SKILL_DIR} in ${CLAUDE_PROJECT_DIR} (${CLAUDE_SESSION_ID})\n",
                CommandDefinition.Style.SKILL, List.of(), List.of(), true, null);
        assertThat(new Expander(project, CommandsConfig.DEFAULT, io).expand(skill, "bob", "sess-1").text())
                .isEqualTo("Base directory for this skill: " + dir + "\n\nHi bob from " + dir + " in "
                        + project.toAbsolutePath().normalize() + " (sess-1)\n");
        assertThat(expand(CommandsConfig.DEFAULT, command("${CLAUDE_SKILL_DIR} ${CLAUDE_SESSION_ID}"), ""))
                .isEqualTo("${CLAUDE_SKILL_DIR} ${CLAUDE_SESSION_ID}");
    }

    @Test
    void codexPromptsFollowCodexsRules() throws Exception {
        CommandDefinition positional = new CommandDefinition("prompts:ship", Path.of("ship.md"), null, null, null,
                List.of(), List.of(), "First $1 second $2 ninth [$9] all [$ARGUMENTS] $$1 cost",
                CommandDefinition.Style.CODEX_PROMPT, List.of(), List.of(), true, null);
        assertThat(expand(CommandsConfig.DEFAULT, positional, "a \"b c\""))
                .isEqualTo("First a second b c ninth [] all [a b c] $$1 cost");
        CommandDefinition named = new CommandDefinition("prompts:review", Path.of("review.md"), null, null, null,
                List.of(), List.of(), "Review $USER on $BRANCH, not $$HOME", CommandDefinition.Style.CODEX_PROMPT,
                List.of(), List.of(), true, null);
        assertThat(expand(CommandsConfig.DEFAULT, named, "USER=\"Alice Smith\" BRANCH=main"))
                .isEqualTo("Review Alice Smith on main, not $$HOME");
        Expander.Expansion missing = new Expander(project, CommandsConfig.DEFAULT, io).expand(named, "USER=Alice");
        assertThat(missing.failure()).isEqualTo("Missing required args for /prompts:review: BRANCH. Provide as "
                + "key=value (quote values with spaces).");
        assertThat(new Expander(project, CommandsConfig.DEFAULT, io).expand(named, "USER=Alice stray").failure())
                .startsWith("Could not parse /prompts:review: expected key=value but found 'stray'.");
    }

    @Test
    void aMentionStaysAsWrittenAndTheProjectFileItNamesIsAttached() throws Exception {
        Files.createDirectories(project.resolve("src"));
        Files.writeString(project.resolve("src/Main.java"), "class Main {}\n");
        Expander.Expansion e = new Expander(project, CommandsConfig.DEFAULT, io)
                .expand(command("Review @$0. Ask @code-reviewer."), "src/Main.java");
        assertThat(e.text()).isEqualTo("Review @src/Main.java. Ask @code-reviewer.");
        assertThat(e.attachments()).containsExactly("<file path=\"src/Main.java\">\nclass Main {}\n</file>");
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
        Expander.Expansion e = new Expander(project, new CommandsConfig(false, Duration.ofSeconds(1), 1024), io).expand(
                command("@../x @" + outside.resolve("secret.txt") + " @link.txt @big.txt @missing.txt @binary.bin"), "");
        String out = String.join("\n", e.attachments());
        assertThat(out).doesNotContain("TOP SECRET").doesNotContain("xxxx")
                .contains("[Interpose: @../x was not included: it is outside the project directory]")
                .contains("was not included: absolute paths are not allowed")
                .contains("[Interpose: @link.txt was not included: it links outside the project directory]")
                .contains("[Interpose: @big.txt was not included: larger than 1024 bytes (commands.max-include-bytes)]")
                .doesNotContain("missing.txt")
                .contains("[Interpose: @binary.bin was not included: it is not UTF-8 text]");
        assertThat(e.refused()).isEqualTo(5);
    }

    @Test
    void aShellCommandRunsOnlyWhenEnabledAndPermittedAndARefusalAbortsAsInClaudeCode() throws Exception {
        Files.writeString(project.resolve("marker.txt"), "PINEAPPLE\n");
        CommandDefinition c = command("Status:\n!`sed -n 1p marker.txt`", "Bash(sed:*)");
        assertThat(expand(SHELL_ON, c, "")).isEqualTo("Status:\nPINEAPPLE");
        assertThat(expand(CommandsConfig.DEFAULT, c, "")).isEqualTo("Status:\n[Interpose: !`sed -n 1p marker.txt` did not "
                + "run: shell commands in command files are off (commands.shell: false)]");
        Expander.Expansion refused = new Expander(project, SHELL_ON, io)
                .expand(command("!`sed -n 1p marker.txt`", "Bash(git status:*)"), "");
        assertThat(refused.text()).isNull();
        assertThat(refused.failure()).isEqualTo("Shell command permission check failed for pattern "
                + "\"!`sed -n 1p marker.txt`\": allowed-tools of /review does not permit it");
        assertThat(new Expander(project, SHELL_ON, io).expand(command("!`touch made`"), "").failure())
                .contains("does not permit it");
        assertThat(project.resolve("made")).doesNotExist();
        CommandDefinition refusing = new CommandDefinition("review", Path.of("review.md"), null, null, null,
                List.of("Bash"), List.of(), "!`cat marker.txt`", CommandDefinition.Style.COMMAND, List.of(),
                List.of("Bash(cat:*)"), true, null);
        assertThat(new Expander(project, SHELL_ON, io).expand(refusing, "").failure())
                .endsWith(": disallowed-tools of /review refuses it");
    }

    @Test
    void readOnlyLinesRunWithoutARuleAsClaudeCodeRunsThem() throws Exception {
        Files.writeString(project.resolve("marker.txt"), "PINEAPPLE\n");
        CommandDefinition c = command("- cat: !`cat marker.txt`\n- pipe: !`cat marker.txt | wc -l`\n- none: !`true`\n"
                + "```!\necho block\n```\n- code: `!`not run``");
        assertThat(expand(SHELL_ON, c, "")).isEqualTo("- cat: PINEAPPLE\n- pipe: 1\n- none: "
                + "(Bash completed with no output)\nblock\n- code: `!`not run``");
        assertThat(ReadOnlyCommands.isReadOnly("git status")).isTrue();
        assertThat(ReadOnlyCommands.isReadOnly("git diff HEAD")).isTrue();
        assertThat(ReadOnlyCommands.isReadOnly("git branch --show-current")).isTrue();
        assertThat(ReadOnlyCommands.isReadOnly("git branch -D main")).isFalse();
        assertThat(ReadOnlyCommands.isReadOnly("git push")).isFalse();
        assertThat(ReadOnlyCommands.isReadOnly("find . -delete")).isFalse();
        assertThat(ReadOnlyCommands.isReadOnly("cat x > y")).isFalse();
        assertThat(ReadOnlyCommands.isReadOnly("ls; rm -rf x")).isFalse();
        assertThat(ReadOnlyCommands.isReadOnly("echo $(rm x)")).isFalse();
        assertThat(ReadOnlyCommands.isReadOnly("sh -c 'echo hi'")).isFalse();
    }

    @Test
    void aFailingShellLineAbortsTheExpansionWithClaudeCodesMessage() throws Exception {
        Expander.Expansion e = new Expander(project, SHELL_ON, io)
                .expand(command("before !`ls missing.txt` after", "Bash(ls:*)"), "");
        assertThat(e.text()).isNull();
        assertThat(e.failure()).startsWith("Shell command failed for pattern \"!`ls missing.txt`\": [stderr]\nls: ")
                .contains("missing.txt");
        assertThat(new Expander(project, SHELL_ON, io).expand(command("!`false`", "Bash(false)"), "").failure())
                .isEqualTo("Shell command failed for pattern \"!`false`\": ");
    }

    @Test
    void argumentsNeverBecomeShellOperatorsOrNewPieces() throws Exception {
        CommandDefinition c = command("!`echo $0`", "Bash(echo:*)");
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
                .isEqualTo("Look: \\! `touch pwned` @../x");
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
        String out = new Expander(project, new CommandsConfig(true, Duration.ofMillis(300), 1024), io)
                .expand(command("!`sleep 30`", "Bash"), "").failure();
        assertThat(out).isEqualTo("Shell command failed for pattern \"!`sleep 30`\": timed out after 300ms; process tree "
                + "killed");
        // Killed at its timeout, not left to run out its 30 s: half of that is room enough for a loaded machine.
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(15_000);
    }
}
