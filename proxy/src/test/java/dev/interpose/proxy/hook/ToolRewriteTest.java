package dev.interpose.proxy.hook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A hook's {@code updatedInput} for the view it saw, put back into the call as Codex sent it. */
class ToolRewriteTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path PROJECT = Path.of("/work/project");

    private static JsonNode rewrite(String tool, String wireInput, String updated) throws Exception {
        JsonNode wire = wireInput.startsWith("{") ? JSON.readTree(wireInput) : JSON.getNodeFactory().textNode(wireInput);
        List<ToolView> views = ToolView.of(tool, wire, PROJECT);
        return ToolRewrite.wireInput(tool, wire, views, views.get(0), JSON.readTree(updated), PROJECT);
    }

    @Test
    void execCommandTakesTheNewCommandAsItsCmdAndKeepsItsOwnFields() throws Exception {
        JsonNode out = rewrite("exec_command", "{\"cmd\":\"git push\",\"workdir\":\"/w\",\"yield_time_ms\":1000}",
                "{\"command\":\"git push --dry-run\",\"cmd\":\"git push\",\"workdir\":\"/w\",\"yield_time_ms\":1000,"
                        + "\"description\":\"Push\"}");
        assertThat(out).isEqualTo(JSON.readTree("{\"cmd\":\"git push --dry-run\",\"workdir\":\"/w\",\"yield_time_ms\":1000}"));
    }

    @Test
    void shellTakesAnArgumentVectorWithItsOwnShellAndFlag() throws Exception {
        assertThat(rewrite("shell", "{\"command\":[\"zsh\",\"-c\",\"ls\"],\"workdir\":\"/w\"}", "{\"command\":\"ls -la\"}"))
                .isEqualTo(JSON.readTree("{\"command\":[\"zsh\",\"-c\",\"ls -la\"]}"));
        assertThat(rewrite("shell", "{\"command\":[\"ls\",\"/tmp\"]}", "{\"command\":\"ls /\"}"))
                .isEqualTo(JSON.readTree("{\"command\":[\"bash\",\"-lc\",\"ls /\"]}"));
        assertThat(rewrite("shell", "{\"command\":\"[\\\"ls\\\",\\\"/tmp\\\"]\"}", "{\"command\":\"ls /\"}"))
                .as("an argument vector written as JSON text stays JSON text")
                .isEqualTo(JSON.readTree("{\"command\":\"[\\\"bash\\\",\\\"-lc\\\",\\\"ls /\\\"]\"}"));
        assertThat(rewrite("shell", "{\"command\":[\"ls\",\"/tmp\"]}", "{\"command\":\"ls /tmp\",\"workdir\":\"/x\"}"))
                .as("an unchanged command keeps its vector").isEqualTo(JSON.readTree("{\"command\":[\"ls\",\"/tmp\"],\"workdir\":\"/x\"}"));
    }

    @Test
    void localShellShellCommandAndWriteStdin() throws Exception {
        assertThat(rewrite("local_shell", "{\"type\":\"exec\",\"command\":[\"rm\",\"-rf\",\"/\"]}", "{\"command\":\"echo no\",\"type\":\"exec\"}"))
                .isEqualTo(JSON.readTree("{\"type\":\"exec\",\"command\":[\"bash\",\"-lc\",\"echo no\"]}"));
        assertThat(rewrite("shell_command", "{\"command\":\"rm x\"}", "{\"command\":\"rm -i x\",\"timeout\":5}"))
                .isEqualTo(JSON.readTree("{\"command\":\"rm -i x\"}"));
        assertThat(rewrite("write_stdin", "{\"session_id\":3,\"chars\":\"y\\n\"}", "{\"command\":\"n\\n\",\"session_id\":3}"))
                .isEqualTo(JSON.readTree("{\"session_id\":3,\"chars\":\"n\\n\"}"));
    }

    @Test
    void aToolShownAsItIsTakesTheNewInputAsItIs() throws Exception {
        assertThat(rewrite("Bash", "{\"command\":\"rm x\"}", "{\"command\":\"ls\",\"description\":\"d\"}"))
                .isEqualTo(JSON.readTree("{\"command\":\"ls\",\"description\":\"d\"}"));
    }

    @Test
    void aPatchOfOneFileIsWrittenAnewAndAPatchOfSeveralCannotBeRewrittenApart() throws Exception {
        assertThat(rewrite("apply_patch", "*** Begin Patch\n*** Add File: a.txt\n+secret\n*** End Patch\n",
                "{\"file_path\":\"/work/project/a.txt\",\"content\":\"redacted\\nline 2\\n\"}").asText())
                .isEqualTo("*** Begin Patch\n*** Add File: a.txt\n+redacted\n+line 2\n*** End Patch\n");
        assertThat(rewrite("apply_patch", "*** Begin Patch\n*** Update File: b.txt\n@@\n-x\n+y\n*** End Patch\n",
                "{\"file_path\":\"/work/project/c/b.txt\",\"old_string\":\"x\",\"new_string\":\"z\"}").asText())
                .isEqualTo("*** Begin Patch\n*** Update File: c/b.txt\n@@\n-x\n+z\n*** End Patch\n");
        assertThatThrownBy(() -> rewrite("apply_patch", "*** Begin Patch\n*** Add File: a\n+1\n*** Add File: b\n+2\n"
                + "*** End Patch\n", "{\"file_path\":\"/work/project/a\",\"content\":\"3\"}"))
                .isInstanceOf(ToolRewrite.Unmappable.class).hasMessageContaining("cannot be rewritten apart");
        assertThatThrownBy(() -> rewrite("exec_command", "{\"cmd\":\"ls\"}", "{\"cmd\":\"ls\"}"))
                .isInstanceOf(ToolRewrite.Unmappable.class).hasMessageContaining("no \"command\" string");
    }
}
