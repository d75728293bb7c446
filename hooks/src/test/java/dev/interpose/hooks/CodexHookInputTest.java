package dev.interpose.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** What a hook from Codex's own files is given, from the Claude Code-shaped input every hook is built with. */
class CodexHookInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode of(String input) throws Exception {
        return CodexHookInput.of(JSON.readTree(input));
    }

    @Test
    void codexMatchersSeeCodexsNames() {
        assertThat(CodexHookInput.names("exec_command")).containsExactly("Bash");
        assertThat(CodexHookInput.names("Bash")).containsExactly("Bash");
        assertThat(CodexHookInput.names("Write")).containsExactly("apply_patch", "Write", "Edit");
        assertThat(CodexHookInput.names("apply_patch")).containsExactly("apply_patch", "Write", "Edit");
        assertThat(CodexHookInput.names("write_stdin")).as("Codex runs no hook for typing into a command").isEmpty();
        assertThat(CodexHookInput.names("mcp__memory__create")).containsExactly("mcp__memory__create");
    }

    @Test
    void aClaudeCodeEditIsThePatchCodexWouldSendAndBashIsItsCommandAlone() throws Exception {
        JsonNode edit = of("{\"tool_name\":\"MultiEdit\",\"tool_input\":{\"file_path\":\"/p/a.txt\",\"edits\":["
                + "{\"old_string\":\"x\\ny\",\"new_string\":\"z\"},{\"old_string\":\"q\",\"new_string\":\"\"}]},"
                + "\"interpose\":{\"request_id\":\"r-1\",\"model\":\"m\"}}");
        assertThat(edit.path("tool_name").asText()).isEqualTo("apply_patch");
        assertThat(edit.path("tool_input").path("command").asText()).isEqualTo("*** Begin Patch\n*** Update File:"
                + " /p/a.txt\n@@\n-x\n-y\n+z\n@@\n-q\n*** End Patch\n");
        assertThat(edit.path("turn_id").asText()).isEqualTo("r-1");
        assertThat(edit.path("model").asText()).isEqualTo("m");

        JsonNode bash = of("{\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"ls\",\"description\":\"List\"}}");
        assertThat(bash.path("tool_input")).isEqualTo(JSON.readTree("{\"command\":\"ls\"}"));
        assertThat(of("{\"tool_name\":\"Read\",\"tool_input\":{\"file_path\":\"/x\"}}").path("tool_input"))
                .as("a tool Codex has no hook name for is shown as it is").isEqualTo(JSON.readTree("{\"file_path\":\"/x\"}"));
    }

    @Test
    void aCodexPatchIsJudgedOnceWithItsTextAndTypingIntoACommandNotAtAll() throws Exception {
        String patch = "*** Begin Patch\\n*** Add File: a.txt\\n+1\\n*** Update File: b.txt\\n-2\\n+3\\n*** End Patch\\n";
        String call = "\"tool_call\":{\"name\":\"apply_patch\",\"input\":\"" + patch + "\",\"change\":\"%s\",\"path\":\"%s\"}";
        JsonNode first = of("{\"tool_name\":\"Write\",\"tool_input\":{},\"interpose\":{" + call.formatted("add", "a.txt") + "}}");
        assertThat(first.path("tool_name").asText()).isEqualTo("apply_patch");
        assertThat(first.path("tool_input").path("command").asText()).startsWith("*** Begin Patch\n*** Add File: a.txt");
        assertThat(of("{\"tool_name\":\"Edit\",\"tool_input\":{},\"interpose\":{" + call.formatted("update", "b.txt") + "}}"))
                .as("the patch's second file: Codex ran its hook once, for the whole patch").isNull();
        assertThat(of("{\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"y\"},\"interpose\":{\"tool_call\":"
                + "{\"name\":\"write_stdin\",\"input\":{\"chars\":\"y\"}}}}")).isNull();
        assertThat(of("{\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"git status\",\"cmd\":\"git status\"},"
                + "\"interpose\":{\"tool_call\":{\"name\":\"exec_command\",\"input\":{\"cmd\":\"git status\"}}}}")
                .path("tool_input")).isEqualTo(JSON.readTree("{\"command\":\"git status\"}"));
    }
}
