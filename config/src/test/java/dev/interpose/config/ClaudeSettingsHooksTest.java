package dev.interpose.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Claude Code's settings files as Claude Code reads their hooks. */
class ClaudeSettingsHooksTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    private static void write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private static String line(Extension e) {
        return e.name() + " " + e.scope() + (e.loaded() ? "" : " FAILED " + e.error());
    }

    @Test
    void theProjectsLocalSettingsAndTheUsersSettingsAreReadWithTheDocumentedDefaults() throws Exception {
        Path project = dir.resolve("p");
        Path home = dir.resolve("h");
        write(project.resolve(".claude/settings.json"), "{\"hooks\":{\"PreToolUse\":[{\"matcher\":\"Bash\",\"hooks\":"
                + "[{\"type\":\"command\",\"command\":\"guard.sh\"}]}]}}");
        write(project.resolve(".claude/settings.local.json"), "{\"hooks\":{\"PreToolUse\":[{\"matcher\":\"Edit, Write\","
                + "\"hooks\":[{\"type\":\"command\",\"command\":\"/usr/bin/python3\",\"args\":[\"-c\",\"print(1)\"],"
                + "\"timeout\":7,\"async\":true,\"once\":true,\"statusMessage\":\"Checking\",\"if\":\"Edit(*.env)\"}]}]}}");
        write(home.resolve(".claude/settings.json"), "{\"hooks\":{\"UserPromptSubmit\":[{\"hooks\":[{\"type\":\"http\","
                + "\"url\":\"http://127.0.0.1:1/h\"},{\"type\":\"command\",\"command\":\"x\",\"if\":\"(((\"}]}]}}");

        List<Extension> found = Extensions.discover(project, home);
        assertThat(found).extracting(ClaudeSettingsHooksTest::line).containsExactly(
                "settings:PreToolUse[Bash]#1 project",
                "settings.local:PreToolUse[Edit, Write]#1 project",
                "settings:UserPromptSubmit[]#1 user",
                "settings:UserPromptSubmit[]#2 user FAILED hooks.UserPromptSubmit: if \"(((\" (expected: a permission"
                        + " rule such as Bash(git *))");
        HookDefinition plain = found.get(0).hook();
        assertThat(plain.timeout()).as("Claude Code's default for a command hook").hasSeconds(600);
        assertThat(plain.command()).containsExactly("/bin/sh", "-c", "guard.sh");
        HookDefinition local = found.get(1).hook();
        assertThat(local.command()).as("args: no shell").containsExactly("/usr/bin/python3", "-c", "print(1)");
        assertThat(local.timeout()).hasSeconds(7);
        assertThat(local.options()).isEqualTo(new HookDefinition.Options(true, true, "Checking", "Edit(*.env)"));
        assertThat(local.matches(HookEvent.PRE_TOOL_USE, "Write")).isTrue();
        assertThat(Extensions.files(project, home)).contains(project.resolve(".claude/settings.local.json"));
        HookDefinition http = found.get(2).hook();
        assertThat(http.options().http().url()).hasToString("http://127.0.0.1:1/h");
        assertThat(http.command()).isEmpty();
        assertThat(http.timeout()).as("the same default as a command").hasSeconds(600);
    }

    @Test
    void anHttpHandlerIsReadWithItsHeadersAndEachMistakeIsNamedWithoutAHeadersValue() throws Exception {
        Path project = dir.resolve("p");
        write(project.resolve(".claude/settings.json"), "{\"hooks\":{\"PreToolUse\":[{\"matcher\":\"Bash\",\"hooks\":["
                + "{\"type\":\"http\",\"url\":\"https://hooks.example/pre\",\"headers\":{\"Authorization\":"
                + "\"Bearer $TOKEN\"},\"allowedEnvVars\":[\"TOKEN\"],\"timeout\":30},"
                + "{\"type\":\"http\"},"
                + "{\"type\":\"http\",\"url\":\"ftp://x/y?key=secret\"},"
                + "{\"type\":\"http\",\"url\":\"http://x/\",\"headers\":{\"X-Token\":42}},"
                + "{\"type\":\"http\",\"url\":\"http://x/\",\"allowedEnvVars\":[\"$TOKEN\"]},"
                + "{\"type\":\"prompt\",\"prompt\":\"is it safe?\"}]}]}}");
        List<Extension> found = Extensions.discover(project, dir.resolve("h"));
        assertThat(found).extracting(ClaudeSettingsHooksTest::line).containsExactly(
                "settings:PreToolUse[Bash]#1 project",
                "settings:PreToolUse[Bash]#2 project FAILED hooks.PreToolUse: an http hook without a \"url\" string",
                "settings:PreToolUse[Bash]#3 project FAILED hooks.PreToolUse: url \"ftp://x/y?...\" (expected: an http or"
                        + " https URL)",
                "settings:PreToolUse[Bash]#4 project FAILED hooks.PreToolUse: headers.X-Token (expected: a string value)",
                "settings:PreToolUse[Bash]#5 project FAILED hooks.PreToolUse: allowedEnvVars \"$TOKEN\" (expected: a bare"
                        + " variable name such as MY_TOKEN, without $)",
                "settings:PreToolUse[Bash]#6 project FAILED hooks.PreToolUse: a \"prompt\" hook, which the proxy does not"
                        + " run (only \"command\" and \"http\")");
        HookDefinition.Http http = found.get(0).hook().options().http();
        assertThat(http.headers()).containsEntry("Authorization", "Bearer $TOKEN");
        assertThat(http.allowedEnvVars()).containsExactly("TOKEN");
        assertThat(found.get(0).hook().timeout()).hasSeconds(30);
    }

    @Test
    void disableAllHooksTurnsEverySettingsHookOffButNotTheProxysOwnScripts() throws Exception {
        Path project = dir.resolve("p");
        Path home = dir.resolve("h");
        Path script = project.resolve(".interpose/hooks/own.sh");
        write(script, "#!/bin/sh\n# interpose-event: Stop\n");
        assertThat(script.toFile().setExecutable(true)).isTrue();
        write(project.resolve(".claude/settings.json"), "{\"hooks\":{\"Stop\":[{\"hooks\":[{\"type\":\"command\","
                + "\"command\":\"x\"}]}]}}");
        write(home.resolve(".claude/settings.json"), "{\"disableAllHooks\": true}");

        assertThat(Extensions.discover(project, home)).extracting(ClaudeSettingsHooksTest::line).containsExactly(
                "own.sh project", "settings:Stop[]#1 project FAILED off: disableAllHooks is set in a Claude Code settings file");
    }

    @Test
    void permissionRulesFilterByTheCallsInput() throws Exception {
        PermissionRule git = PermissionRule.parse("Bash(git *)");
        assertThat(git.matches("Bash", JSON.readTree("{\"command\":\"git push\"}"))).isTrue();
        assertThat(git.matches("Bash", JSON.readTree("{\"command\":\"rm -rf /\"}"))).isFalse();
        assertThat(git.matches("Edit", JSON.readTree("{\"command\":\"git push\"}"))).isFalse();
        assertThat(PermissionRule.parse("Bash(npm run:*)").matches("Bash", JSON.readTree("{\"command\":\"npm run test\"}")))
                .isTrue();
        PermissionRule env = PermissionRule.parse("Edit(*.env)");
        assertThat(env.matches("Edit", JSON.readTree("{\"file_path\":\"/w/config/.env\"}"))).isTrue();
        assertThat(env.matches("Edit", JSON.readTree("{\"file_path\":\"/w/env.txt\"}"))).isFalse();
        assertThat(PermissionRule.parse("Write(src/*)").matches("Write", JSON.readTree("{\"file_path\":\"/w/src/A.java\"}")))
                .isTrue();
        assertThat(PermissionRule.parse("WebFetch(domain:example.com)")
                .matches("WebFetch", JSON.readTree("{\"url\":\"https://example.com/x\"}"))).isTrue();
        assertThat(PermissionRule.parse("Read").matches("Read", null)).isTrue();
        assertThat(PermissionRule.parse("(((")).isNull();
    }

    /** Events only the client sees are never dropped silently: each is a note naming the file, the event and why. */
    @Test
    void hooksOfEventsTheProxyCannotFireAreReportedNotDropped() throws Exception {
        Path project = dir.resolve("p");
        write(project.resolve(".claude/settings.json"), "{\"hooks\":{"
                + "\"Notification\":[{\"hooks\":[{\"type\":\"command\",\"command\":\"notify-send hi\"},"
                + "{\"type\":\"command\",\"command\":\"say hi\"}]}],"
                + "\"PermissionRequest\":[{\"matcher\":\"Bash\",\"hooks\":[{\"type\":\"command\",\"command\":\"x\"}]}],"
                + "\"StopFailure\":[{\"matcher\":\"rate_limit\",\"hooks\":[{\"type\":\"command\",\"command\":\"y\"}]}],"
                + "\"OnTuesday\":[{\"hooks\":[{\"type\":\"command\",\"command\":\"z\"}]}]}}");

        List<Extension> found = Extensions.discover(project, dir.resolve("h"));
        assertThat(found).extracting(e -> e.name() + " " + e.loaded() + " " + (e.hook() != null) + " " + e.note())
                .containsExactly(
                        "settings:Notification true false hooks.Notification: 2 hooks not run by the proxy: an event the"
                                + " traffic does not show (the client's own notices reach no upstream); Claude Code runs"
                                + " it itself",
                        "settings:PermissionRequest true false hooks.PermissionRequest: 1 hook not run by the proxy: an"
                                + " event the traffic does not show (permission dialogs happen in the client); Claude"
                                + " Code runs it itself",
                        "settings:StopFailure[rate_limit]#1 true true null",
                        "settings:OnTuesday true false hooks.OnTuesday: 1 hook not run by the proxy: not an event Claude"
                                + " Code documents (events the proxy fires: " + String.join(", ", HookEvent.names()) + ")");
        assertThat(found).allSatisfy(e -> assertThat(e.file()).isEqualTo(project.resolve(".claude/settings.json")));
        assertThat(Extensions.activeCounts(found).get(Extension.Kind.HOOK)).as("a note is not a hook").isEqualTo(1L);
        HookDefinition failure = found.get(2).hook();
        assertThat(failure.matches(HookEvent.STOP_FAILURE, "rate_limit")).isTrue();
        assertThat(failure.matches(HookEvent.STOP_FAILURE, "server_error")).as("matched on the error type").isFalse();
    }
}
