package dev.interpose.proxy.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.interpose.proxy.HookFiles;
import dev.interpose.proxy.TestProxy;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * One guard for both CLIs: hooks written for Claude Code ({@code .claude/settings.json}, or scripts checking
 * {@code tool_name == "Bash"}) judge Codex's {@code exec_command}, {@code shell}, {@code shell_command},
 * {@code local_shell} and {@code apply_patch} calls, in real streams through the proxy.
 */
@Timeout(60)
class CodexToolNamesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REQUEST = "{\"model\":\"gpt-5.5\",\"stream\":true,\"input\":[{\"type\":\"message\","
            + "\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"push it\"}]}]}";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private WireMockServer upstream;
    @TempDir
    Path project;

    @BeforeEach
    void start() {
        upstream = new WireMockServer(options().dynamicPort());
        upstream.start();
    }

    @AfterEach
    void stop() {
        upstream.stop();
    }

    private TestProxy proxy() throws Exception {
        return TestProxy.withExtensions(Map.of("openai", upstream.baseUrl()), project);
    }

    /** The call item a Codex turn ends in, for each of its shell tools, running {@code command}. */
    private static ObjectNode shellCall(String tool, String command) {
        ObjectNode item = JSON.createObjectNode().put("id", "fc_1").put("call_id", "call_1");
        switch (tool) {
            case "exec_command" -> item.put("type", "function_call").put("name", tool)
                    .put("arguments", JSON.createObjectNode().put("cmd", command).put("workdir", "/w").toString());
            case "shell" -> {
                ObjectNode args = JSON.createObjectNode();
                args.putArray("command").add("bash").add("-lc").add(command);
                item.put("type", "function_call").put("name", tool).put("arguments", args.toString());
            }
            case "shell_command" -> item.put("type", "function_call").put("name", tool)
                    .put("arguments", JSON.createObjectNode().put("command", command).toString());
            case "local_shell" -> {
                item.put("type", "local_shell_call").put("status", "completed");
                ObjectNode action = item.putObject("action").put("type", "exec");
                ArrayNode argv = action.putArray("command");
                for (String word : command.split(" ")) {
                    argv.add(word);
                }
            }
            default -> throw new IllegalArgumentException(tool);
        }
        return item;
    }

    private static ObjectNode patchCall(String patch) {
        return JSON.createObjectNode().put("id", "ctc_1").put("type", "custom_tool_call").put("status", "completed")
                .put("call_id", "call_1").put("name", "apply_patch").put("input", patch);
    }

    /** A Responses API stream whose one output item is {@code item}. */
    private static String stream(ObjectNode item) {
        List<String> events = new ArrayList<>();
        ObjectNode created = JSON.createObjectNode().put("type", "response.created").put("sequence_number", 0);
        created.putObject("response").put("id", "resp_1").put("object", "response").put("status", "in_progress")
                .putArray("output");
        events.add(event(created));
        ObjectNode added = JSON.createObjectNode().put("type", "response.output_item.added").put("sequence_number", 1)
                .put("output_index", 0);
        added.set("item", item);
        events.add(event(added));
        ObjectNode done = JSON.createObjectNode().put("type", "response.output_item.done").put("sequence_number", 2)
                .put("output_index", 0);
        done.set("item", item);
        events.add(event(done));
        ObjectNode completed = JSON.createObjectNode().put("type", "response.completed").put("sequence_number", 3);
        ObjectNode response = completed.putObject("response").put("id", "resp_1").put("object", "response")
                .put("status", "completed");
        response.putArray("output").add(item);
        response.putObject("usage").put("input_tokens", 5).put("output_tokens", 3).put("total_tokens", 8);
        events.add(event(completed));
        return String.join("", events);
    }

    private static String event(ObjectNode data) {
        return "event: " + data.path("type").asText() + "\ndata: " + data + "\n\n";
    }

    private void answer(ObjectNode item) {
        upstream.stubFor(post(urlPathEqualTo("/v1/responses")).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "text/event-stream").withBody(stream(item))));
    }

    private HttpResponse<String> send(TestProxy proxy, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(proxy.uri("/v1/responses")).header("authorization", "Bearer k")
                .header("originator", "codex_exec").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The item of the stream's {@code response.output_item.done}, as the client got it. */
    private static JsonNode doneItem(String sse) {
        return HookFiles.events(sse).stream().filter(e -> e.path("type").asText().equals("response.output_item.done"))
                .findFirst().orElseThrow().path("item");
    }

    private static String deniedText(JsonNode item) {
        assertThat(item.path("type").asText()).as("the call was replaced: %s", item).isEqualTo("message");
        return item.path("content").get(0).path("text").asText();
    }

    private void settingsGuard(String seen) throws Exception {
        Path guard = Files.createDirectories(project.resolve("guards")).resolve("no-push.sh");
        Files.writeString(guard, String.join("\n", "#!/usr/bin/env bash",
                "input=$(cat)", "echo \"$input\" >> " + seen,
                "echo \"$input\" | jq -e '.tool_name == \"Bash\" and (.tool_input.command | test(\"git push\"))' "
                        + "> /dev/null || exit 0",
                "echo \"pushing is not allowed: $(echo \"$input\" | jq -r .tool_input.command)\" >&2", "exit 2", ""));
        assertThat(guard.toFile().setExecutable(true)).isTrue();
        Files.createDirectories(project.resolve(".claude"));
        Files.writeString(project.resolve(".claude/settings.json"), "{\"hooks\":{\"PreToolUse\":[{\"matcher\":\"Bash\","
                + "\"hooks\":[{\"type\":\"command\",\"command\":\"" + guard + "\"}]}]}}");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"exec_command", "shell", "shell_command", "local_shell"})
    void aClaudeSettingsBashGuardDeniesGitPushFromEveryCodexShellShape(String tool) throws Exception {
        Path seen = project.resolve("seen.jsonl");
        settingsGuard(seen.toString());
        answer(shellCall(tool, "git push origin main"));
        try (TestProxy proxy = proxy()) {
            HttpResponse<String> response = send(proxy, REQUEST);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(deniedText(doneItem(response.body()))).isEqualTo("Interpose denied the " + tool
                    + " tool call: hook settings:PreToolUse[Bash]#1 said: pushing is not allowed: git push origin main");
            JsonNode input = JSON.readTree(Files.readAllLines(seen).get(0));
            assertThat(input.path("tool_name").asText()).isEqualTo("Bash");
            assertThat(input.path("tool_input").path("command").asText()).isEqualTo("git push origin main");
            assertThat(input.path("tool_use_id").asText()).isEqualTo("call_1");
            assertThat(input.path("interpose").path("tool_call").path("name").asText()).isEqualTo(tool);
        }
    }

    @Test
    void theSameGuardLetsAnotherCommandThrough() throws Exception {
        Path seen = project.resolve("seen.jsonl");
        settingsGuard(seen.toString());
        answer(shellCall("exec_command", "git status"));
        try (TestProxy proxy = proxy()) {
            JsonNode item = doneItem(send(proxy, REQUEST).body());

            assertThat(item.path("type").asText()).isEqualTo("function_call");
            assertThat(item.path("arguments").asText()).contains("git status");
            assertThat(Files.readAllLines(seen)).hasSize(1); // the guard ran, and allowed it
        }
    }

    @Test
    void aScriptWithoutAMatcherCheckingToolNameBashDeniesGitPushFromCodex() throws Exception {
        HookFiles.script(project, "bash-only.py", "#!/usr/bin/env python3", "# interpose-event: PreToolUse",
                "import json, sys", "event = json.load(sys.stdin)",
                "if event['tool_name'] == 'Bash' and event['tool_input']['command'].startswith('git push'):",
                "    print('no pushing from here', file=sys.stderr)", "    sys.exit(2)");
        answer(shellCall("exec_command", "git push --force"));
        try (TestProxy proxy = proxy()) {
            assertThat(deniedText(doneItem(send(proxy, REQUEST).body())))
                    .isEqualTo("Interpose denied the exec_command tool call: hook bash-only.py said: no pushing from here");
        }
    }

    @Test
    void anEditWriteGuardJudgesEachFileOfAnApplyPatchAndADenialOfOneDeniesIt() throws Exception {
        Path seen = project.resolve("seen.jsonl");
        HookFiles.script(project, "no-env.sh", "#!/usr/bin/env bash", "# interpose-event: PreToolUse",
                "# interpose-matcher: Edit|Write", "input=$(cat)",
                "echo \"$input\" | jq -c '[.tool_name, .tool_input.file_path, .interpose.tool_call.change]' >> " + seen,
                "case \"$(echo \"$input\" | jq -r .tool_input.file_path)\" in",
                "  *.env) echo 'the .env file is off limits' >&2; exit 2;;", "esac");
        String patch = "*** Begin Patch\n*** Add File: src/New.java\n+class New {}\n*** Update File: config/.env\n"
                + "-KEY=1\n+KEY=2\n*** End Patch\n";
        answer(patchCall(patch));
        try (TestProxy proxy = proxy()) {
            assertThat(deniedText(doneItem(send(proxy, REQUEST).body())))
                    .isEqualTo("Interpose denied the apply_patch tool call: hook no-env.sh said: the .env file is off limits");
            assertThat(Files.readAllLines(seen)).containsExactlyInAnyOrder(
                    "[\"Write\",\"" + project.resolve("src/New.java") + "\",\"add\"]",
                    "[\"Edit\",\"" + project.resolve("config/.env") + "\",\"update\"]");
        }
    }

    @Test
    void anEditWriteGuardLetsAPatchOfOtherFilesThroughAndAMovedFileIsJudgedAtBothPaths() throws Exception {
        Path seen = project.resolve("seen.jsonl");
        HookFiles.script(project, "no-env.sh", "#!/usr/bin/env bash", "# interpose-event: PreToolUse",
                "# interpose-matcher: Edit|Write", "input=$(cat)",
                "echo \"$input\" | jq -c '[.tool_name, .tool_input.file_path]' >> " + seen,
                "case \"$(echo \"$input\" | jq -r .tool_input.file_path)\" in",
                "  *.env) echo 'the .env file is off limits' >&2; exit 2;;", "esac");
        answer(patchCall("*** Begin Patch\n*** Update File: a.txt\n*** Move to: b.txt\n@@\n-x\n+y\n*** End Patch\n"));
        try (TestProxy proxy = proxy()) {
            JsonNode item = doneItem(send(proxy, REQUEST).body());

            assertThat(item.path("type").asText()).isEqualTo("custom_tool_call");
            assertThat(Files.readAllLines(seen)).containsExactlyInAnyOrder(
                    "[\"Edit\",\"" + project.resolve("a.txt") + "\"]", "[\"Write\",\"" + project.resolve("b.txt") + "\"]");
        }
    }

    @Test
    void postToolUseSeesCodexsResultsUnderClaudeCodesNames() throws Exception {
        Path seen = project.resolve("seen.jsonl");
        HookFiles.script(project, "after.sh", "#!/usr/bin/env bash", "# interpose-event: PostToolUse",
                "# interpose-matcher: Bash|Edit|Write",
                "jq -c '[.tool_name, (.tool_input.command // .tool_input.file_path),"
                        + " (.tool_response.stdout // .tool_response.filePath), .interpose.tool_call.name]' >> " + seen);
        upstream.stubFor(post(urlPathEqualTo("/v1/responses")).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody("{\"id\":\"r\",\"object\":\"response\","
                        + "\"status\":\"completed\",\"output\":[]}")));
        ObjectNode body = (ObjectNode) JSON.readTree(REQUEST);
        body.put("stream", false);
        ArrayNode items = (ArrayNode) body.path("input");
        items.add(shellCall("exec_command", "git log -1"));
        items.add(patchCall("*** Begin Patch\n*** Delete File: old.txt\n*** End Patch\n").put("call_id", "call_2"));
        items.addObject().put("type", "function_call_output").put("call_id", "call_1").put("output", "commit abc");
        items.addObject().put("type", "custom_tool_call_output").put("call_id", "call_2").put("output", "Done!");
        try (TestProxy proxy = proxy()) {
            assertThat(send(proxy, body.toString()).statusCode()).isEqualTo(200);

            assertThat(Files.readAllLines(seen)).containsExactly(
                    "[\"Bash\",\"git log -1\",\"commit abc\",\"exec_command\"]",
                    "[\"Edit\",\"" + project.resolve("old.txt") + "\",\"" + project.resolve("old.txt")
                            + "\",\"apply_patch\"]"); // tool_response in each tool's own shape
        }
    }
}
