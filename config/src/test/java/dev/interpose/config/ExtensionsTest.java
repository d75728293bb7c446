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
                "HOOK settings:Stop[]#1 user FAILED hooks.Stop: a hook without a \"command\" string",
                "COMMAND review project",
                "COMMAND review project hidden",
                "COMMAND git:pr project",
                found.get(7),
                "COMMAND review user hidden",
                "AGENT security project",
                "AGENT security user hidden");
        assertThat(found.get(7)).startsWith("COMMAND broken user FAILED front matter is not valid YAML at line 2: ");
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
}
