package dev.interpose.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Codex's own hook files, read as Codex 0.169 reads them (the files are in test resources, codex-hooks/). */
class CodexHooksTest {
    @TempDir
    Path dir;

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(CodexHooksTest.class.getResource("/codex-hooks/" + name).toURI());
    }

    private static String line(Extension e) {
        return e.name() + " " + e.scope() + " " + e.kindOfFile() + (e.loaded() ? "" : " FAILED " + e.error())
                + (e.loaded() && e.hook() == null ? " NOTE " + e.note() : "");
    }

    private static HookDefinition hook(List<Extension> found, String name) {
        return found.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow().hook();
    }

    @Test
    void theProjectsHooksJsonAndConfigTomlAndCodexHomesHooksJsonAreReadAsCodexReadsThem() throws Exception {
        Path project = resource("project");
        Path home = dir.resolve("home");
        List<Extension> found = Extensions.discover(project, home, resource("codex-home")).stream()
                .filter(e -> e.kindOfFile().equals("codex hook")).toList();

        assertThat(found).extracting(CodexHooksTest::line).containsExactly(
                "codex:SessionStart[startup|resume]#1 project codex hook",
                "codex:PreToolUse[Bash]#1 project codex hook",
                "codex:PreToolUse[Edit, Write]#2 project codex hook",
                "codex:PermissionRequest[Bash]#1 project codex hook NOTE PermissionRequest: Codex runs it itself; the"
                        + " proxy does not fire this event",
                "codex:Stop[]#1 project codex hook",
                "codex:Stop[]#2 project codex hook NOTE hooks.Stop[0].hooks[1].type: a \"prompt\" handler, which"
                        + " Codex does not run yet, nor does the proxy",
                "codex:BeforeEverything project codex hook NOTE hooks.BeforeEverything: not an event Codex has, so"
                        + " Codex ignores it and so does the proxy",
                "codex-toml:PostToolUse[^apply_patch$]#1 project codex hook",
                "codex-toml:UserPromptSubmit[]#1 project codex hook",
                "codex:PreToolUse[mcp__memory__.*]#1 user codex hook",
                "codex:PreToolUse[mcp__memory__.*]#2 user codex hook");

        HookDefinition bash = hook(found, "codex:PreToolUse[Bash]#1");
        assertThat(bash.format()).isEqualTo(HookDefinition.Format.CODEX);
        assertThat(bash.claudeSettings()).as("Codex's, not Claude Code's").isFalse();
        assertThat(bash.events()).containsExactly(HookEvent.PRE_TOOL_USE);
        assertThat(bash.command()).containsExactly("/bin/sh", "-c", "/usr/bin/python3 .codex/hooks/pre_tool_use_policy.py");
        assertThat(bash.timeout()).hasSeconds(30);
        assertThat(bash.options().statusMessage()).isEqualTo("Checking Bash command");
        assertThat(bash.matches(HookEvent.PRE_TOOL_USE, "Bash")).isTrue();
        assertThat(bash.matches(HookEvent.PRE_TOOL_USE, "BashOutput")).isFalse();

        HookDefinition commaList = hook(found, "codex:PreToolUse[Edit, Write]#2");
        assertThat(commaList.matches(HookEvent.PRE_TOOL_USE, "Edit"))
                .as("Codex splits names on | only: \"Edit, Write\" is a regular expression").isFalse();
        assertThat(commaList.matches(HookEvent.PRE_TOOL_USE, "x Edit, Write y")).isTrue();

        HookDefinition stop = hook(found, "codex:Stop[]#1");
        assertThat(stop.matcher()).as("Codex ignores a Stop hook's matcher").isNull();
        assertThat(stop.timeout()).as("timeout 0 is raised to Codex's least, 1 s").hasSeconds(1);
        assertThat(stop.options().async()).isTrue();
        assertThat(hook(found, "codex:SessionStart[startup|resume]#1").timeout()).as("Codex's default").hasSeconds(600);
        assertThat(hook(found, "codex-toml:PostToolUse[^apply_patch$]#1").timeout()).hasSeconds(15);
        assertThat(hook(found, "codex-toml:UserPromptSubmit[]#1").events()).containsExactly(HookEvent.USER_PROMPT_SUBMIT);
        assertThat(found.get(1).note()).isEqualTo("PreToolUse matcher Bash, timeout 30s, runs `/usr/bin/python3"
                + " .codex/hooks/pre_tool_use_policy.py`: for Claude Code and other clients, not for Codex, which runs"
                + " it itself");

        assertThat(Extensions.activeCounts(found).get(Extension.Kind.HOOK)).as("the noted ones do not run").isEqualTo(8);
        assertThat(Extensions.files(project, home, resource("codex-home"))).contains(
                project.resolve(".codex/hooks.json"), project.resolve(".codex/config.toml"),
                resource("codex-home").resolve("hooks.json"), resource("codex-home").resolve("config.toml"));
    }

    @Test
    void aBadFileLoadsNothingAndEachFaultIsOneLineWithItsLineKeyAndWhatWasExpected() throws Exception {
        List<Extension> found = Extensions.discover(resource("bad"), dir.resolve("home"), resource("bad-home"))
                .stream().filter(e -> e.kindOfFile().equals("codex hook")).toList();

        assertThat(found).extracting(CodexHooksTest::line).containsExactly(
                "codex:hooks.json project codex hook FAILED line 2: $schema: not a key of a hooks file (expected:"
                        + " only \"hooks\" and \"description\"); Codex does not load this file",
                "codex:hooks.json project codex hook FAILED line 11: hooks.PreToolUse[0].hooks[0].timeout: \"ten\""
                        + " (expected: a whole number of seconds); Codex does not load this file",
                "codex:hooks.json project codex hook FAILED line 20: hooks.Stop: {\"hooks\":[]} (expected: a list of"
                        + " {matcher, hooks} groups); Codex does not load this file",
                "codex:config.toml project codex hook FAILED line 4: hooks.PreToolUse[0].hooks[0].type: missing"
                        + " (expected: \"command\", \"prompt\" or \"agent\"); Codex does not load this file",
                "codex:config.toml user codex hook FAILED line 2: not valid TOML: Newline not permitted here;"
                        + " Codex does not load this file");
    }

    @Test
    void aBadMatcherSkipsItsGroupAlone() throws Exception {
        Path project = dir.resolve("p");
        write(project.resolve(".codex/hooks.json"), "{\"hooks\":{\"PreToolUse\":[\n{\"matcher\":\"[\",\"hooks\":[{\"type\":"
                + "\"command\",\"command\":\"x\"}]},\n{\"matcher\":\"Bash\",\"hooks\":[{\"type\":\"command\",\"command\":\"y\"}]}]}}");
        assertThat(Extensions.discover(project, dir.resolve("h"), dir.resolve("h/.codex")))
                .extracting(CodexHooksTest::line).containsExactly(
                        "codex:PreToolUse[[] project codex hook FAILED line 2: hooks.PreToolUse[0].matcher: \"[\""
                                + " (expected: a regular expression); Codex skips this group",
                        "codex:PreToolUse[Bash]#1 project codex hook");
    }

    @Test
    void theUsersHookStateAndFeatureSwitchTurnHooksOffAsInCodex() throws Exception {
        Path project = dir.resolve("p");
        Path codexHome = dir.resolve("codex-home");
        Path hooksJson = project.resolve(".codex/hooks.json");
        write(hooksJson, "{\"hooks\":{\"PreToolUse\":[{\"matcher\":\"Bash\",\"hooks\":[{\"type\":\"command\","
                + "\"command\":\"a\"},{\"type\":\"command\",\"command\":\"b\"}]}]}}");
        write(codexHome.resolve("config.toml"), "[hooks.state.\"" + hooksJson.toAbsolutePath() + ":pre_tool_use:0:1\"]\n"
                + "enabled = false\n");
        assertThat(Extensions.discover(project, dir.resolve("h"), codexHome)).extracting(CodexHooksTest::line)
                .containsExactly("codex:PreToolUse[Bash]#1 project codex hook",
                        "codex:PreToolUse[Bash]#2 project codex hook NOTE off: enabled = false for it in [hooks.state]"
                                + " of Codex's config.toml");

        write(project.resolve(".codex/config.toml"), "[features]\nhooks = false\n");
        assertThat(Extensions.discover(project, dir.resolve("h"), codexHome)).extracting(Extension::note)
                .allSatisfy(note -> assertThat(note).startsWith("off:"))
                .first().isEqualTo("off: features.hooks = false in " + project.resolve(".codex/config.toml"));
    }

    @Test
    void codexsHomeIsCodexHomeWhenSetElseDotCodex() {
        Path home = Path.of("/home/u");
        assertThat(Extensions.codexHome(Map.of("CODEX_HOME", "/opt/codex"), home)).isEqualTo(Path.of("/opt/codex"));
        assertThat(Extensions.codexHome(Map.of(), home)).isEqualTo(home.resolve(".codex"));
        assertThat(CodexHookGroups.label("UserPromptSubmit")).isEqualTo("user_prompt_submit");
    }

    @Test
    void codexMatchersAreReadAsCodexReadsThem() {
        assertThat(ToolMatcher.codex("")).isNull();
        assertThat(ToolMatcher.codex("*")).isNull();
        assertThat(ToolMatcher.codex("Edit|Write").names()).containsExactly("Edit", "Write");
        assertThat(ToolMatcher.codex("mcp__memory").matches("mcp__memory__create_entities")).isFalse();
        assertThat(ToolMatcher.codex("^Bash").matches("BashOutput")).isTrue();
        assertThat(ToolMatcher.codex("mcp__.*__write.*").matches("mcp__filesystem__write_file")).isTrue();
        assertThat(ToolMatcher.codex(" Bash").matches("Bash")).as("nothing is trimmed: a regular expression").isFalse();
    }

    private static void write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
