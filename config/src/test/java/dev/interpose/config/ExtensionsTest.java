package dev.interpose.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class ExtensionsTest {
    @TempDir
    Path dir;

    private static Path write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private static String line(Extension e) {
        return e.kind() + " " + e.name() + " " + e.scope() + (e.loaded() ? "" : " FAILED " + e.error())
                + (e.hiddenBy() == null ? "" : " hidden");
    }

    @Test
    void everyCompatibilityFolderIsFoundInPrecedenceOrder() throws Exception {
        Path project = dir.resolve("project");
        Path home = dir.resolve("home");
        Path hook = write(project.resolve(".interpose/hooks/guard.sh"),
                "#!/bin/sh\n# interpose-event: UserPromptSubmit\nexit 0\n");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        write(project.resolve(".codexplus/hooks/lazy.sh"), "#!/bin/sh\n"); // not executable
        write(project.resolve(".claude/settings.json"), "{\"hooks\":{\"PreToolUse\":[{\"matcher\":\"Bash\","
                + "\"hooks\":[{\"type\":\"command\",\"command\":\"echo hi\",\"timeout\":5}]}],"
                + "\"Notification\":[{\"hooks\":[{\"type\":\"command\",\"command\":\"notify-send hi\"}]}]}}");
        write(home.resolve(".claude/settings.json"), "{\"hooks\": {\"Stop\": [ {\"hooks\": [ {\"type\":\"command\"} ] } ]}}");
        write(project.resolve(".interpose/commands/review.md"), "---\ndescription: Review\n---\nReview $ARGUMENTS\n");
        write(project.resolve(".claude/commands/git/pr.md"), "Open a PR\n");
        write(project.resolve(".codexplus/commands/review.md"), "older review\n");
        write(home.resolve(".interpose/commands/review.md"), "user review\n");
        write(home.resolve(".interpose/commands/broken.md"), "---\ndescription: [unclosed\n---\nbody\n");
        write(project.resolve(".claude/agents/security.md"), "---\nname: security\nmodel: claude-haiku-4\n---\nYou review.\n");
        write(home.resolve(".claude/agents/security.md"), "---\nname: security\n---\nUser version.\n");
        write(home.resolve(".codexplus/agents/notes.txt"), "not markdown\n");

        List<String> found = Extensions.discover(project, home).stream().map(ExtensionsTest::line).toList();

        assertThat(found).containsExactly(
                "HOOK guard.sh project",
                "HOOK lazy.sh project FAILED not executable (chmod +x lazy.sh)",
                "HOOK settings:PreToolUse[Bash]#1 project",
                "HOOK settings:Notification project",
                "HOOK settings:Stop[]#1 user FAILED hooks.Stop: a hook without a \"command\" string",
                "COMMAND review project",
                "COMMAND review project hidden",
                "COMMAND broken user",
                "COMMAND review user hidden",
                "COMMAND git:pr project",
                "AGENT security project",
                "AGENT security user hidden");
        // Broken YAML is read line by line, as Claude Code loads such a file; the note says where it broke.
        Extension broken = Extensions.discover(project, home).stream().filter(e -> e.name().equals("broken"))
                .findFirst().orElseThrow();
        assertThat(broken.note()).startsWith("front matter line 2, key description: not valid YAML (")
                .endsWith("); read line by line").doesNotContain("\n");
        HookDefinition settingsHook = Extensions.discover(project, home).get(2).hook();
        assertThat(settingsHook.command()).containsExactly("/bin/sh", "-c", "echo hi");
        assertThat(settingsHook.timeout()).hasSeconds(5);
        assertThat(settingsHook.claudeSettings()).isTrue();
        assertThat(settingsHook.matches(HookEvent.PRE_TOOL_USE, "Bash")).isTrue();
        assertThat(settingsHook.matches(HookEvent.PRE_TOOL_USE, "Write")).isFalse();
    }

    @Test
    void invalidSettingsJsonIsReportedWithItsPosition() throws Exception {
        Path project = dir.resolve("p");
        write(project.resolve(".claude/settings.json"), "{\n  \"hooks\": {,}\n}\n");
        List<Extension> found = Extensions.discover(project, dir.resolve("h"));
        assertThat(found).singleElement().satisfies(e -> {
            assertThat(e.loaded()).isFalse();
            assertThat(e.error()).startsWith("not valid JSON at 2:");
        });
    }

    @Test
    void skillsCodexPromptsAndSubfolderAgentsAreFoundAsClaudeCodeAndCodexRankThem() throws Exception {
        Path project = dir.resolve("project");
        Path home = dir.resolve("home");
        write(project.resolve(".claude/commands/deploy.md"), "project command\n");
        write(home.resolve(".claude/commands/deploy.md"), "user command\n");
        write(project.resolve(".claude/skills/deploy/SKILL.md"), "---\ndescription: project skill\n---\nSkill\n");
        write(home.resolve(".claude/skills/deploy/SKILL.md"), "---\ndescription: user skill\n---\nSkill\n");
        write(project.resolve(".claude/skills/notes/README.md"), "no SKILL.md here\n");
        write(project.resolve(".agents/skills/lint/SKILL.md"), "---\nname: lint\ndescription: Lint\n---\nLint it\n");
        write(home.resolve(".codex/prompts/ship.md"), "---\ndescription: Ship\n---\nShip $1\n");
        write(project.resolve(".claude/agents/team/builder.md"), "---\nname: builder\ndescription: b\n---\nBuild.\n");
        write(project.resolve(".claude/agents/README.md"), "# Our agents\nNot an agent: no front matter.\n");

        List<Extension> all = Extensions.discover(project, home);
        List<String> found = all.stream().map(e -> line(e) + " " + e.kindOfFile()).toList();

        assertThat(found).containsExactly(
                "COMMAND deploy user skill",
                "COMMAND deploy project hidden skill",
                "COMMAND deploy user hidden command",
                "COMMAND deploy project hidden command",
                "COMMAND lint project codex skill",
                "COMMAND prompts:ship user codex prompt",
                "AGENT builder project agent");
        assertThat(all.get(0).file()).isEqualTo(home.resolve(".claude/skills/deploy/SKILL.md"));
        assertThat(Extensions.skipped(project, home)).containsExactly(
                project.resolve(".claude/skills/notes") + ": not a skill: no SKILL.md in it",
                project.resolve(".claude/agents/README.md") + ": not an agent: no front matter (Claude Code ignores it too)");
        assertThat(Extensions.folders(project, home)).contains(project.resolve(".claude/skills"),
                project.resolve(".agents/skills"), home.resolve(".codex/prompts"));
    }

    @Test
    void frontMatterIsReadAsLenientlyAsClaudeCodeReadsIt() throws Exception {
        Path file = write(dir.resolve(".claude/commands/plan.md"), "---\ndescription: Run a plan\n"
                + "argument-hint: [path-to-plan]\narguments: [plan, mode]\nallowed-tools: [Bash(git status:*), Read]\n"
                + "disable-model-invocation: true\nuser-invocable: false\nmodel: inherit\nsome-new-key: {a: 1}\n---\n\n"
                + "  Execute $plan\n");
        CommandDefinition plan = CommandDefinition.read("plan", file);
        assertThat(plan.argumentHint()).isEqualTo("[path-to-plan]");
        assertThat(plan.argumentNames()).containsExactly("plan", "mode");
        assertThat(plan.allowedTools()).containsExactly("Bash(git status:*)", "Read");
        assertThat(plan.userInvocable()).isFalse();
        assertThat(plan.model()).isNull();
        assertThat(plan.body()).isEqualTo("Execute $plan\n");
        assertThat(plan.problem()).isNull();
        assertThat(plan.style()).isEqualTo(CommandDefinition.Style.COMMAND);

        Path unclosed = write(dir.resolve("u.md"), "---\ndescription: never closed\nbody\n");
        CommandDefinition u = CommandDefinition.read("u", unclosed);
        assertThat(u.body()).isEqualTo("---\ndescription: never closed\nbody\n");
        assertThat(u.problem()).isEqualTo("line 1: front matter opened with --- is never closed; the whole file is read as text");

        Path bad = write(dir.resolve("b.md"), "---\ndescription: ok\nargument-hint: \"unterminated\nmodel: m\n---\nBody\n");
        CommandDefinition b = CommandDefinition.read("b", bad);
        assertThat(b.description()).isEqualTo("ok");
        assertThat(b.model()).isEqualTo("m");
        assertThat(b.body()).isEqualTo("Body\n");
        assertThat(b.problem()).startsWith("line ").contains("not valid YAML").doesNotContain("\n");

        // One broken entry leaves the others as YAML reads them: the list of names stays a list.
        Path hint = write(dir.resolve("h.md"), "---\narguments: [plan, mode]\nargument-hint: [plan] [mode]\n"
                + "allowed-tools:\n  - Bash(git status:*)\n  - Read\n---\n$plan\n");
        CommandDefinition h = CommandDefinition.read("h", hint);
        assertThat(h.argumentNames()).containsExactly("plan", "mode");
        assertThat(h.argumentHint()).isEqualTo("[plan] [mode]");
        assertThat(h.allowedTools()).containsExactly("Bash(git status:*)", "Read");
        assertThat(h.problem()).startsWith("line 3, key argument-hint: not valid YAML");
    }
}
