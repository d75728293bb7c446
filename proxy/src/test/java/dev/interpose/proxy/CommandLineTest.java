package dev.interpose.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The subcommands other than {@code serve}, each in its own class, are wired under {@code interpose}: their
 * names, their exit codes and what they print.
 */
@Timeout(30)
class CommandLineTest {
    @TempDir
    Path dir;

    @Test
    void configCheckAcceptsAValidFileAndNamesIt() throws Exception {
        Path file = Files.writeString(dir.resolve("interpose.yaml"), "listener:\n  port: 0\n");
        Run run = run("config", "check", "--config", file.toString());
        assertThat(run.code).isZero();
        assertThat(run.out).contains("configuration is valid (" + file + ")");
    }

    @Test
    void configCheckListsEveryProblemAndExitsTwo() throws Exception {
        Path file = Files.writeString(dir.resolve("interpose.yaml"), "listener:\n  port: seventy\n");
        Run run = run("config", "check", "--config", file.toString());
        assertThat(run.code).isEqualTo(Main.EXIT_BAD_CONFIG);
        assertThat(run.err).contains("interpose: invalid configuration:").contains("listener.port");
    }

    @Test
    void configShowPrintsEachValueWithItsSource() throws Exception {
        Path file = Files.writeString(dir.resolve("interpose.yaml"), "listener:\n  port: 12345\n");
        Run run = run("config", "show", "--config", file.toString());
        assertThat(run.code).isZero();
        assertThat(run.out).containsPattern("listener\\.port = 12345 .*" + file.getFileName());
    }

    @Test
    void configAloneShowsItsUsageAndExitsTwo() throws Exception {
        Run run = run("config");
        assertThat(run.code).isEqualTo(Main.EXIT_BAD_CONFIG);
        assertThat(run.out).contains("check").contains("show");
    }

    @Test
    void listPrintsEveryKindFoundInTheProject() throws Exception {
        Path hooks = Files.createDirectories(dir.resolve(".interpose/commands"));
        Files.writeString(hooks.resolve("review.md"), "---\ndescription: review a file\n---\nReview $ARGUMENTS\n");
        Run run = run("list", "--project-dir", dir.toString());
        assertThat(run.out).contains("hooks:").contains("commands:").contains("agents:").contains("plugins:")
                .contains("review");
    }

    @Test
    void listShowsWhatEachFileWasTakenForWhatWillNotRunAndWhatWasSkipped() throws Exception {
        Path commands = Files.createDirectories(dir.resolve(".claude/commands"));
        Files.writeString(commands.resolve("commit.md"), "---\nallowed-tools: Bash(git add:*)\nargument-hint: [message]\n"
                + "---\n- Status: !`git status`\n- Push: !`git push`\nCommit $ARGUMENTS\n");
        Files.writeString(commands.resolve("odd.md"), "---\ndescription: \"unterminated\n---\nOdd\n");
        Path skill = Files.createDirectories(dir.resolve(".claude/skills/deploy"));
        Files.writeString(skill.resolve("SKILL.md"), "---\ndescription: Deploy\n---\nDeploy it\n");
        Files.createDirectories(dir.resolve(".claude/skills/empty"));
        Path agents = Files.createDirectories(dir.resolve(".claude/agents/team"));
        Files.writeString(agents.resolve("builder.md"), "---\nname: builder\n---\nBuild.\n");
        Files.writeString(dir.resolve(".claude/agents/NOTES.md"), "Just notes.\n");
        Path config = Files.writeString(dir.resolve("shell-on.yaml"), "commands:\n  shell: true\n");

        Run run = run("list", "--project-dir", dir.toString(), "--config", config.toString());

        assertThat(run.out).containsPattern("commit +project +command +\\S*commit.md")
                .containsPattern("deploy +project +skill +\\S*SKILL.md")
                .containsPattern("builder +project +agent +\\S*builder.md")
                .contains("note: !`git push` will not run: allowed-tools does not permit it, and it is not a "
                        + "read-only command (using the command fails, as in Claude Code)")
                .doesNotContain("!`git status` will not run")
                .containsPattern("note: front matter line \\d+, key description: not valid YAML")
                .contains("skipped:")
                .contains(dir.resolve(".claude/skills/empty") + ": not a skill: no SKILL.md in it")
                .contains(dir.resolve(".claude/agents/NOTES.md") + ": not an agent: no front matter");
        assertThat(run.code).isZero();
    }

    /** A settings file's hook of an event the traffic does not show is listed and warned of, never dropped. */
    @Test
    void hooksOfEventsTheProxyCannotFireAreListedAndWarnedOfAtStart() throws Exception {
        Path settings = Files.createDirectories(dir.resolve(".claude")).resolve("settings.json");
        Files.writeString(settings, "{\"hooks\":{\"Notification\":[{\"hooks\":[{\"type\":\"command\","
                + "\"command\":\"notify-send hi\"}]}],\"StopFailure\":[{\"hooks\":[{\"type\":\"command\","
                + "\"command\":\"log.sh\"}]}]}}");

        Run run = run("list", "--project-dir", dir.toString());

        assertThat(run.out).containsPattern("settings:Notification +project +hook +\\S*settings.json")
                .contains("note: hooks.Notification: 1 hook not run by the proxy: an event the traffic does not show"
                        + " (the client's own notices reach no upstream); Claude Code runs it itself")
                .containsPattern("settings:StopFailure\\[\\]#1 +project +hook");
        assertThat(run.code).as("Claude Code runs it: nothing failed").isZero();
        try (LogCapture log = new LogCapture(Reloader.class.getName())) {
            Reloader.report(dev.interpose.config.Extensions.discover(dir, dir.resolve("no-home")));
            assertThat(log.lines()).extracting(l -> l.get("level") + " " + l.get("message")).containsExactly("WARN "
                    + settings + ": hooks.Notification: 1 hook not run by the proxy: an event the traffic does not"
                    + " show (the client's own notices reach no upstream); Claude Code runs it itself");
        }
    }

    private record Run(int code, String out, String err) {
    }

    /** Runs {@code interpose args…} as {@link Main#main} does, without its exit, capturing what it prints. */
    private static synchronized Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            CommandLine cli = new CommandLine(new Main());
            cli.setExitCodeExceptionMapper(e -> Main.EXIT_BAD_CONFIG);
            int code = cli.execute(args);
            return new Run(code, stdout.toString(StandardCharsets.UTF_8), stderr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
