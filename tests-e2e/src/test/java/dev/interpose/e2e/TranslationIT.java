package dev.interpose.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real CLIs on models of another API, through the packaged proxy: {@code claude -p} on an OpenAI Chat and on an
 * OpenAI Responses upstream, {@code codex exec} on an Anthropic one, each a text turn and a tool round trip. The
 * upstreams are fakes that speak only their own API ({@link ApiFake}): a request the proxy translated wrongly is
 * refused with that API's error, and the test fails on the CLI's answer and on the fake's rejections. One proxy
 * for the class, routing by model (Claude Code asks for {@code qwen3-coder} or {@code gpt-5.5}) and by path.
 */
class TranslationIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLAUDE_SECRET = "sk-ant-e2e-secret";
    private static final String CODEX_SECRET = "sk-openai-e2e-secret";

    @TempDir
    static Path shared;
    @TempDir
    Path dir;
    private int logMark;
    static ChatFake chat;
    static ResponsesFake responses;
    static AnthropicFake anthropic;
    static InterposeProcess proxy;

    @BeforeAll
    static void start() throws Exception {
        chat = new ChatFake();
        responses = new ResponsesFake();
        anthropic = new AnthropicFake();
        Path config = Files.writeString(shared.resolve("config.yaml"), String.join("\n",
                "upstreams:",
                "  local-chat:", "    url: " + chat.baseUrl(), "    dialect: openai-chat",
                "  local-responses:", "    url: " + responses.baseUrl(), "    dialect: openai-responses",
                "  local-claude:", "    url: " + anthropic.baseUrl(), "    dialect: anthropic",
                "routes:",
                "  - name: claude-on-chat", "    path: /v1/messages", "    model: qwen*", "    upstream: local-chat",
                "  - name: claude-on-responses", "    path: /v1/messages", "    model: gpt-*",
                "    upstream: local-responses",
                "  - name: codex-on-claude", "    path: /v1/responses", "    upstream: local-claude",
                "    rewrite-model: claude-sonnet-4-5",
                ""));
        // The built-in upstreams point at a closed port: nothing unrouted may reach a real vendor.
        proxy = InterposeProcess.start(Map.of("INTERPOSE_UPSTREAM_ANTHROPIC", "http://127.0.0.1:9",
                "INTERPOSE_UPSTREAM_OPENAI", "http://127.0.0.1:9"), "--config", config.toString());
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (proxy != null) {
                assertThat(proxy.stop()).isZero();
            }
        } finally {
            if (proxy != null) {
                proxy.close();
            }
            for (ApiFake fake : new ApiFake[] {chat, responses, anthropic}) {
                if (fake != null) {
                    fake.close();
                }
            }
        }
    }

    @BeforeEach
    void markTheLog() {
        logMark = proxy.linesSoFar();
    }

    private String claude(Path work, String model, String prompt) throws Exception {
        Cli.Run run = Cli.claude(Files.createDirectories(dir.resolve("home")), work, proxy.baseUrl(), prompt, model);
        assertThat(run.exitCode()).as("claude exit: %s", run).isZero();
        JsonNode result = JSON.readTree(run.stdout());
        assertThat(result.path("is_error").asBoolean()).as("claude reported an error: %s", run).isFalse();
        return result.path("result").asText();
    }

    private String codex(Path work, String prompt) throws Exception {
        Cli.Run run = Cli.codex(Files.createDirectories(dir.resolve("home")), work, proxy.baseUrl() + "/v1", prompt);
        assertThat(run.exitCode()).as("codex exit: %s", run).isZero();
        return run.stdout().trim();
    }

    private Path workWithMarker(String marker) throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Files.writeString(work.resolve("marker.txt"), marker + "\n");
        return work;
    }

    /** Every request the fake got was its own API's, none carried a client's credential or another vendor's header. */
    private static List<ApiFake.Received> accepted(ApiFake fake, String secret) {
        assertThat(fake.rejections()).as("requests the fake %s refused", fake.getClass().getSimpleName()).isEmpty();
        List<ApiFake.Received> received = fake.received();
        assertThat(received).isNotEmpty().allSatisfy(r -> {
            assertThat(r.headers().toString()).doesNotContain(secret);
            assertThat(r.headers().keySet()).noneMatch(h -> h.startsWith("x-stainless-"));
        });
        return received;
    }

    private static JsonNode lastBody(List<ApiFake.Received> received) {
        return received.get(received.size() - 1).body();
    }

    private static ApiFake.ToolCall call(String id, String name, String key, String value) {
        return new ApiFake.ToolCall(id, name, JSON.createObjectNode().put(key, value));
    }

    private static List<JsonNode> list(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).toList();
    }

    @Test
    void claudeCodeOnAChatModelPrintsItsAnswer() throws Exception {
        chat.script(ApiFake.Script.text("Qwen answered through Interpose."));

        String answer = claude(Files.createDirectories(dir.resolve("work")), "qwen3-coder", "say hi");

        assertThat(answer).isEqualTo("Qwen answered through Interpose.");
        List<ApiFake.Received> sent = accepted(chat, CLAUDE_SECRET);
        JsonNode body = lastBody(sent);
        assertThat(body.path("model").asText()).isEqualTo("qwen3-coder");
        assertThat(body.path("messages").get(0).path("role").asText()).isEqualTo("system");
        assertThat(body.path("messages").toString()).contains("say hi");
        assertThat(sent.get(sent.size() - 1).headers().keySet()).noneMatch(h -> h.startsWith("anthropic-"));
        assertThat(proxy.awaitLineAfter(logMark, "\"route\":\"claude-on-chat\"",
                "\"upstream_dialect\":\"openai-chat\""))
                .contains("\"translated\":true", "\"outcome\":\"ok\"", "\"input_tokens\":42", "\"output_tokens\":9")
                .doesNotContain(CLAUDE_SECRET);
    }

    @Test
    void claudeCodeOnAChatModelRunsBashAndReadAtOnceThenGrepAndTheModelGetsEachOutputAsAToolMessage()
            throws Exception {
        Path work = workWithMarker("MANGO-2210");
        ApiFake.ToolCall bash = new ApiFake.ToolCall("call_e2e_bash_01", "Bash", JSON.createObjectNode()
                .put("command", "cat marker.txt").put("description", "Show marker.txt"));
        ApiFake.ToolCall read = call("call_e2e_read_02", "Read", "file_path", work.resolve("marker.txt").toString());
        ApiFake.ToolCall grep = call("call_e2e_grep_03", "Bash", "command", "grep MANGO marker.txt");
        chat.script(new ApiFake.Script("All three tools saw MANGO-2210.", List.of(List.of(bash, read), List.of(grep)),
                "MANGO-2210"));

        String answer = claude(work, "qwen3-coder", "show marker.txt three times");

        List<ApiFake.Received> sent = accepted(chat, CLAUDE_SECRET);
        assertThat(answer).isEqualTo("All three tools saw MANGO-2210.");
        assertThat(sent).hasSize(3);
        List<JsonNode> messages = list(lastBody(sent).path("messages"));
        // The fake answered both turns under one id; they stay two turns (see ChatFake).
        JsonNode last = messages.get(messages.size() - 2);
        assertThat(last.path("tool_calls").size()).isOne();
        assertThat(last.path("tool_calls").get(0).path("id").asText()).isEqualTo("call_e2e_grep_03");
        assertThat(messages.get(messages.size() - 1).path("tool_call_id").asText()).isEqualTo("call_e2e_grep_03");
        assertThat(messages.get(messages.size() - 1).path("content").toString()).contains("MANGO-2210");
        messages = messages.subList(0, messages.size() - 2);
        JsonNode asked = messages.get(messages.size() - 3);
        assertThat(asked.path("role").asText()).isEqualTo("assistant");
        assertThat(list(asked.path("tool_calls")).stream().map(c -> c.path("id").asText() + " "
                + c.path("function").path("name").asText())).containsExactly("call_e2e_bash_01 Bash",
                        "call_e2e_read_02 Read");
        assertThat(JSON.readTree(asked.path("tool_calls").get(0).path("function").path("arguments").asText()))
                .isEqualTo(bash.arguments());
        assertThat(JSON.readTree(asked.path("tool_calls").get(1).path("function").path("arguments").asText()))
                .isEqualTo(read.arguments());
        for (JsonNode result : messages.subList(messages.size() - 2, messages.size())) {
            assertThat(result.path("role").asText()).isEqualTo("tool");
            assertThat(result.path("content").toString()).contains("MANGO-2210");
        }
        assertThat(messages.subList(messages.size() - 2, messages.size()).stream()
                .map(m -> m.path("tool_call_id").asText())).containsExactlyInAnyOrder("call_e2e_bash_01",
                        "call_e2e_read_02");
    }

    @Test
    void claudeCodeOnAResponsesModelPrintsItsAnswer() throws Exception {
        responses.script(ApiFake.Script.text("GPT answered through Interpose."));

        String answer = claude(Files.createDirectories(dir.resolve("work")), "gpt-5.5", "say hi");

        assertThat(answer).isEqualTo("GPT answered through Interpose.");
        List<ApiFake.Received> sent = accepted(responses, CLAUDE_SECRET);
        JsonNode body = lastBody(sent);
        assertThat(body.path("model").asText()).isEqualTo("gpt-5.5");
        assertThat(body.toString()).contains("say hi");
        assertThat(sent.get(sent.size() - 1).headers().keySet()).noneMatch(h -> h.startsWith("anthropic-"));
        assertThat(proxy.awaitLineAfter(logMark, "\"route\":\"claude-on-responses\"",
                "\"upstream_dialect\":\"openai-responses\""))
                .contains("\"translated\":true", "\"outcome\":\"ok\"", "\"input_tokens\":42", "\"output_tokens\":9");
    }

    @Test
    void claudeCodeOnAResponsesModelRunsBashThenReadAndEveryTurnCarriesTheCallsAndOutputsSoFar() throws Exception {
        Path work = workWithMarker("KIWI-4482");
        Path marker = work.resolve("marker.txt").toAbsolutePath();
        ApiFake.ToolCall bash = call("call_e2e_bash_11", "Bash", "command", "cat marker.txt");
        ApiFake.ToolCall read = call("call_e2e_read_12", "Read", "file_path", marker.toString());
        responses.script(new ApiFake.Script("The file says KIWI-4482, twice.", List.of(List.of(bash), List.of(read)),
                "KIWI-4482"));

        String answer = claude(work, "gpt-5.5", "read marker.txt");

        List<ApiFake.Received> sent = accepted(responses, CLAUDE_SECRET);
        assertThat(answer).isEqualTo("The file says KIWI-4482, twice.");
        assertThat(sent).hasSize(3);
        List<JsonNode> input = list(lastBody(sent).path("input"));
        List<JsonNode> tail = input.subList(input.size() - 4, input.size());
        assertThat(tail.stream().map(i -> i.path("type").asText() + " " + i.path("call_id").asText()))
                .containsExactly("function_call call_e2e_bash_11", "function_call_output call_e2e_bash_11",
                        "function_call call_e2e_read_12", "function_call_output call_e2e_read_12");
        assertThat(tail.get(0).path("name").asText()).isEqualTo("Bash");
        assertThat(JSON.readTree(tail.get(0).path("arguments").asText())).isEqualTo(bash.arguments());
        assertThat(tail.get(2).path("name").asText()).isEqualTo("Read");
        assertThat(JSON.readTree(tail.get(2).path("arguments").asText())).isEqualTo(read.arguments());
        assertThat(tail.get(1).path("output").toString()).contains("KIWI-4482");
        assertThat(tail.get(3).path("output").toString()).contains("KIWI-4482");
        List<JsonNode> second = list(sent.get(1).body().path("input"));
        assertThat(second.get(second.size() - 1).path("call_id").asText()).isEqualTo("call_e2e_bash_11");
    }

    @Test
    void codexOnAClaudeModelPrintsItsAnswer() throws Exception {
        anthropic.script(ApiFake.Script.text("Claude answered Codex through Interpose."));

        String answer = codex(Files.createDirectories(dir.resolve("work")), "say hi");

        assertThat(answer).isEqualTo("Claude answered Codex through Interpose.");
        assertThat(Files.readString(dir.resolve("home/last.txt")).trim())
                .isEqualTo("Claude answered Codex through Interpose.");
        List<ApiFake.Received> sent = accepted(anthropic, CODEX_SECRET);
        ApiFake.Received last = sent.get(sent.size() - 1);
        assertThat(last.body().path("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(last.body().path("messages").toString()).contains("say hi");
        assertThat(last.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(last.headers().keySet()).noneMatch(h -> h.startsWith("openai-") || h.equals("chatgpt-account-id"));
        assertThat(proxy.awaitLineAfter(logMark, "\"route\":\"codex-on-claude\"", "\"upstream_dialect\":\"anthropic\""))
                .contains("\"translated\":true", "\"outcome\":\"ok\"", "\"dialect\":\"openai-responses\"",
                        "\"model\":\"claude-sonnet-4-5\"", "\"client_model\":\"gpt-5.5\"",
                        "\"input_tokens\":42", "\"output_tokens\":9")
                .doesNotContain(CODEX_SECRET);
    }

    @Test
    void codexOnAClaudeModelRunsTwoExecCommandsAtOnceAndClaudeGetsBothToolResultsInTheNextMessage() throws Exception {
        Path work = workWithMarker("PAPAYA-9054");
        ApiFake.ToolCall cat = call("toolu_e2e_exec_01", "exec_command", "cmd", "cat marker.txt");
        ApiFake.ToolCall grep = call("toolu_e2e_exec_02", "exec_command", "cmd", "grep -n PAPAYA marker.txt");
        anthropic.script(new ApiFake.Script("Both commands printed PAPAYA-9054.", List.of(List.of(cat, grep)),
                "PAPAYA-9054"));

        String answer = codex(work, "show marker.txt");

        List<ApiFake.Received> sent = accepted(anthropic, CODEX_SECRET);
        assertThat(answer).isEqualTo("Both commands printed PAPAYA-9054.");
        assertThat(sent).hasSize(2);
        List<JsonNode> messages = list(lastBody(sent).path("messages"));
        JsonNode asked = messages.get(messages.size() - 2);
        assertThat(asked.path("role").asText()).isEqualTo("assistant");
        List<JsonNode> uses = list(asked.path("content")).stream()
                .filter(b -> b.path("type").asText().equals("tool_use")).toList();
        assertThat(uses.stream().map(u -> u.path("id").asText() + " " + u.path("name").asText() + " "
                + u.path("input").path("cmd").asText())).containsExactly("toolu_e2e_exec_01 exec_command cat marker.txt",
                        "toolu_e2e_exec_02 exec_command grep -n PAPAYA marker.txt");
        JsonNode answered = messages.get(messages.size() - 1);
        assertThat(answered.path("role").asText()).isEqualTo("user");
        List<JsonNode> results = list(answered.path("content")).stream()
                .filter(b -> b.path("type").asText().equals("tool_result")).toList();
        assertThat(results.stream().map(r -> r.path("tool_use_id").asText()))
                .containsExactlyInAnyOrder("toolu_e2e_exec_01", "toolu_e2e_exec_02");
        assertThat(results).allSatisfy(r -> assertThat(r.path("content").toString()).contains("PAPAYA-9054"));
    }
}
