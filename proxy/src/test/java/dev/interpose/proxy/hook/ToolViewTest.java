package dev.interpose.proxy.hook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Codex's tool calls as a hook written for Claude Code sees them. */
class ToolViewTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PROJECT = Path.of("/home/dev/project");
    private static final String PATCH = String.join("\n",
            "*** Begin Patch",
            "*** Add File: notes/new.txt",
            "+first line",
            "+second line",
            "*** Update File: src/App.java",
            "@@ class App",
            " int a = 1;",
            "-int b = 2;",
            "+int b = 3;",
            "*** Update File: old/Name.java",
            "*** Move to: new/Name.java",
            "@@",
            "-class Name {}",
            "+class Renamed {}",
            "*** Delete File: ../project/.env",
            "*** End Patch",
            "");

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    private static ToolView only(List<ToolView> views) {
        assertThat(views).hasSize(1);
        return views.get(0);
    }

    @Test
    void execCommandIsBashWithItsCmdAsTheCommandAndItsOwnFieldsKept() throws Exception {
        JsonNode input = json("{\"cmd\":\"git push origin main\",\"workdir\":\"/tmp/w\",\"yield_time_ms\":1000}");

        ToolView view = only(ToolView.of("exec_command", input, PROJECT));

        assertThat(view.name()).isEqualTo("Bash");
        assertThat(view.input().path("command").asText()).isEqualTo("git push origin main");
        assertThat(view.input().path("cmd").asText()).as("a hook that read cmd still can").isEqualTo("git push origin main");
        assertThat(view.input().path("workdir").asText()).isEqualTo("/tmp/w");
        assertThat(view.matchNames()).containsExactly("Bash", "exec_command");
        assertThat(view.wire().path("name").asText()).isEqualTo("exec_command");
        assertThat(view.wire().path("input")).isEqualTo(input);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "shell|{\"command\":[\"bash\",\"-lc\",\"git push --force\"],\"workdir\":\"/w\"}|git push --force",
        "shell|{\"command\":[\"/bin/sh\",\"-c\",\"rm -rf build\"]}|rm -rf build",
        "shell|{\"command\":[\"git\",\"commit\",\"-m\",\"it's done\"]}|git commit -m 'it'\\''s done'",
        "shell|{\"command\":[\"ls\",\"\",\"a b\"]}|ls '' 'a b'",
        "shell|{\"command\":\"[\\\"git\\\",\\\"push\\\"]\"}|git push",
        "container.exec|{\"command\":[\"git\",\"push\"]}|git push",
        "shell_command|{\"command\":\"git push && echo ok\",\"login\":true}|git push && echo ok",
        "local_shell|{\"type\":\"exec\",\"command\":[\"bash\",\"-lc\",\"cat .env\"],\"working_directory\":\"/w\"}|cat .env",
    })
    void everyShellShapeIsBashWithTheCommandAsOneString(String tool, String input, String command) throws Exception {
        ToolView view = only(ToolView.of(tool, json(input), PROJECT));

        assertThat(view.name()).isEqualTo("Bash");
        assertThat(view.input().path("command").asText()).isEqualTo(command);
        assertThat(view.matchNames()).containsExactly("Bash", tool);
        assertThat(view.wire().path("input")).isEqualTo(json(input));
    }

    @Test
    void anArgvCommandDoesNotShadowTheStringCommandButStaysInTheWireInput() throws Exception {
        ToolView view = only(ToolView.of("shell", json("{\"command\":[\"git\",\"push\"]}"), PROJECT));

        assertThat(view.input().path("command").isTextual()).isTrue();
        assertThat(view.wire().path("input").path("command").isArray()).isTrue();
    }

    @Test
    void typingIntoARunningShellWithWriteStdinIsBashWithWhatIsTyped() throws Exception {
        ToolView view = only(ToolView.of("write_stdin", json("{\"session_id\":3,\"chars\":\"git push\\n\"}"), PROJECT));

        assertThat(view.name()).isEqualTo("Bash");
        assertThat(view.input().path("command").asText()).isEqualTo("git push\n");
        assertThat(view.input().path("session_id").asInt()).isEqualTo(3);
        assertThat(view.matchNames()).containsExactly("Bash", "write_stdin");
    }

    @Test
    void writeStdinWithNothingTypedIsAPollAndStaysAsItIs() throws Exception {
        ToolView view = only(ToolView.of("write_stdin", json("{\"session_id\":3,\"chars\":\"\"}"), PROJECT));

        assertThat(view.name()).isEqualTo("write_stdin");
        assertThat(view.wire()).isNull();
    }

    @Test
    void applyPatchAsACustomToolIsOneEditOrWritePerFile() throws Exception {
        JsonNode input = JSON.getNodeFactory().textNode(PATCH);

        List<ToolView> views = ToolView.of("apply_patch", input, PROJECT);

        assertThat(views).extracting(ToolView::name).containsExactly("Write", "Edit", "Edit", "Write", "Edit");
        assertThat(views).extracting(v -> v.input().path("file_path").asText()).containsExactly(
                "/home/dev/project/notes/new.txt", "/home/dev/project/src/App.java", "/home/dev/project/old/Name.java",
                "/home/dev/project/new/Name.java", "/home/dev/project/.env");
        assertThat(views).extracting(v -> v.wire().path("change").asText())
                .containsExactly("add", "update", "update", "move", "delete");
        assertThat(views.get(4).wire().path("path").asText()).isEqualTo("../project/.env");
        assertThat(views.get(0).input().path("content").asText()).isEqualTo("first line\nsecond line\n");
        assertThat(views.get(1).input().path("old_string").asText()).isEqualTo("int a = 1;\nint b = 2;\n");
        assertThat(views.get(1).input().path("new_string").asText()).isEqualTo("int a = 1;\nint b = 3;\n");
        assertThat(views.get(3).input().path("content").asText()).isEqualTo("class Renamed {}\n");
        assertThat(views).allSatisfy(v -> {
            assertThat(v.matchNames()).containsExactly(v.name(), "apply_patch");
            assertThat(v.wire().path("name").asText()).isEqualTo("apply_patch");
            assertThat(v.wire().path("input").asText()).isEqualTo(PATCH);
        });
    }

    @Test
    void applyPatchAsAFunctionReadsItsInputField() throws Exception {
        ObjectNode input = JSON.createObjectNode().put("input", PATCH);

        assertThat(ToolView.of("apply_patch", input, PROJECT)).extracting(ToolView::name)
                .containsExactly("Write", "Edit", "Edit", "Write", "Edit");
    }

    @Test
    void aPatchWithIndentedMarkersInAHeredocAndNoEndIsStillRead() throws Exception {
        String patch = "<<'EOF'\n  *** Begin Patch\n  *** Update File: /etc/hosts\n+127.0.0.1 evil\nEOF\n";

        ToolView view = only(ToolView.of("apply_patch", JSON.getNodeFactory().textNode(patch), PROJECT));

        assertThat(view.name()).isEqualTo("Edit");
        assertThat(view.input().path("file_path").asText()).isEqualTo("/etc/hosts");
    }

    @Test
    void aShellCommandThatAppliesAPatchIsBashAndEveryFileOfThePatch() throws Exception {
        String cmd = "apply_patch <<'EOF'\n*** Begin Patch\n*** Update File: .env\n-A=1\n+A=2\n*** End Patch\nEOF\n";
        JsonNode input = JSON.createObjectNode().put("cmd", cmd);

        List<ToolView> views = ToolView.of("exec_command", input, PROJECT);

        assertThat(views).extracting(ToolView::name).containsExactly("Bash", "Edit");
        assertThat(views.get(1).input().path("file_path").asText()).isEqualTo("/home/dev/project/.env");
        assertThat(views.get(1).matchNames()).containsExactly("Edit", "apply_patch");
    }

    @Test
    void aPatchThatNamesNoFileAndAnyOtherToolAreShownAsTheyAre() throws Exception {
        JsonNode garbage = JSON.getNodeFactory().textNode("not a patch");
        ToolView patch = only(ToolView.of("apply_patch", garbage, PROJECT));
        assertThat(patch.name()).isEqualTo("apply_patch");
        assertThat(patch.input()).isEqualTo(garbage);
        assertThat(patch.wire()).isNull();

        JsonNode read = json("{\"file_path\":\"/x\"}");
        ToolView claude = only(ToolView.of("Read", read, PROJECT));
        assertThat(claude.name()).isEqualTo("Read");
        assertThat(claude.input()).isSameAs(read);
        assertThat(claude.matchNames()).containsExactly("Read");

        ToolView unnamed = only(ToolView.of(null, null, PROJECT));
        assertThat(unnamed.name()).isNull();
        assertThat(unnamed.matchNames()).containsExactly((String) null);
    }

    @Test
    void describeWritesTheViewAndKeepsTheCallAsSentUnderInterpose() throws Exception {
        ObjectNode hookInput = JSON.createObjectNode();
        hookInput.putObject("interpose").put("request_id", "r-1");

        only(ToolView.of("exec_command", json("{\"cmd\":\"ls\"}"), PROJECT)).describe(hookInput);

        assertThat(hookInput.path("tool_name").asText()).isEqualTo("Bash");
        assertThat(hookInput.path("tool_input").path("command").asText()).isEqualTo("ls");
        assertThat(hookInput.path("interpose").path("request_id").asText()).isEqualTo("r-1");
        assertThat(hookInput.path("interpose").path("tool_call").path("name").asText()).isEqualTo("exec_command");
        assertThat(hookInput.path("interpose").path("tool_call").path("input").path("cmd").asText()).isEqualTo("ls");
    }

    @Test
    void watchNamesCoverEveryViewACallMayHave() {
        assertThat(ToolView.watchNames("exec_command")).contains("Bash", "exec_command", "Edit", "Write", "apply_patch");
        assertThat(ToolView.watchNames("apply_patch")).containsExactlyInAnyOrder("Edit", "Write", "apply_patch");
        assertThat(ToolView.watchNames("write_stdin")).containsExactly("Bash", "write_stdin");
        assertThat(ToolView.watchNames("Read")).as("matched by its own name alone").isNull();
        assertThat(ToolView.watchNames(null)).isNull();
    }
}
