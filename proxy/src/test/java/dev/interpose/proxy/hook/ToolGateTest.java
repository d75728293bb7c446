package dev.interpose.proxy.hook;

import dev.interpose.proxy.dialect.ApiDialect;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interpose.proxy.Fixtures;
import dev.interpose.proxy.HookFiles;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The gate on the fixtures' tool-call streams, fed in chunks of every size, with hooks that allow or deny. */
class ToolGateTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] ANTHROPIC = Fixtures.bytes("sample-anthropic-tool-sse.txt");
    private static final byte[] RESPONSES = Fixtures.bytes("sample-responses-tool-sse.txt");

    /** A judge that answers at once, or later through {@link #pending}, and records what it was asked. */
    private static final class Judge implements ToolJudge {
        final String deny;
        final boolean later;
        final List<String> asked = new ArrayList<>();
        final List<JsonNode> inputs = new ArrayList<>();
        final List<CompletableFuture<ToolJudge.Denial>> pending = new ArrayList<>();

        Judge(String deny, boolean later) {
            this.deny = deny;
            this.later = later;
        }

        @Override
        public boolean wants(String toolName) {
            return !toolName.equals("Unwatched");
        }

        @Override
        public CompletableFuture<ToolJudge.Denial> judge(String id, String name, JsonNode input) {
            asked.add(id + " " + name);
            inputs.add(input);
            ToolJudge.Denial answer = name.equals(deny) ? new ToolJudge.Denial("guard.sh", "no " + name + " here") : null;
            CompletableFuture<ToolJudge.Denial> f = later ? new CompletableFuture<>() : CompletableFuture.completedFuture(answer);
            pending.add(f);
            return f;
        }
    }

    private static String run(ApiDialect api, byte[] stream, Judge judge, int chunk, AtomicInteger ended) {
        GateRun run = GateRun.of(api, judge, GateSink.readable(), stream, chunk);
        ended.addAndGet(run.ended().get());
        return run.sink().text();
    }

    private static List<JsonNode> events(String sse) {
        return HookFiles.events(sse);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 64, 1000, 100_000})
    void anAllowedCallPassesByteForByte(int chunk) {
        Judge judge = new Judge(null, false);
        AtomicInteger ended = new AtomicInteger();
        assertThat(run(ApiDialect.MESSAGES, ANTHROPIC, judge, chunk, ended)).isEqualTo(new String(ANTHROPIC, StandardCharsets.UTF_8));
        assertThat(run(ApiDialect.RESPONSES, RESPONSES, judge, chunk, ended)).isEqualTo(new String(RESPONSES, StandardCharsets.UTF_8));
        assertThat(judge.asked).containsExactly("toolu_fake_16445adea4914924a3e8 Read",
                "call_fake_eb7c3bf8fa034cd88356 exec_command");
        assertThat(judge.inputs.get(0).toString()).isEqualTo("{\"file_path\":\"/x\"}");
        assertThat(judge.inputs.get(1).toString()).isEqualTo("{\"cmd\":\"ls\"}");
        assertThat(ended).hasValue(2);
    }

    @Test
    void aToolNoHookWatchesIsNeverHeldOrAskedAbout() {
        Judge judge = new Judge("Unwatched", false);
        byte[] unwatched = new String(ANTHROPIC, StandardCharsets.UTF_8).replace("\"Read\"", "\"Unwatched\"")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(run(ApiDialect.MESSAGES, unwatched, judge, 50, new AtomicInteger()))
                .isEqualTo(new String(unwatched, StandardCharsets.UTF_8));
        assertThat(judge.asked).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 13, 100_000})
    void aDeniedAnthropicCallBecomesATextBlockAndTheTurnEnds(int chunk) throws Exception {
        AtomicInteger ended = new AtomicInteger();
        String out = run(ApiDialect.MESSAGES, ANTHROPIC, new Judge("Read", false), chunk, ended);

        List<JsonNode> events = events(out);
        assertThat(events).extracting(e -> e.path("type").asText()).containsExactly("message_start",
                "content_block_start", "ping", "content_block_delta", "content_block_stop", "content_block_start",
                "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        assertThat(events.get(5).path("index").asInt()).isEqualTo(1);
        assertThat(events.get(5).path("content_block").path("type").asText()).isEqualTo("text");
        assertThat(events.get(6).path("delta").path("text").asText())
                .isEqualTo("Interpose denied the Read tool call: hook guard.sh said: no Read here");
        assertThat(events.get(8).path("delta").path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(events.get(8).path("usage").path("output_tokens").asInt()).isEqualTo(38);
        assertThat(out).doesNotContain("tool_use").doesNotContain("input_json_delta")
                .startsWith(new String(ANTHROPIC, 0, indexOf(ANTHROPIC, "event: content_block_start\ndata: {\"type\": "
                        + "\"content_block_start\", \"index\": 1"), StandardCharsets.UTF_8));
        assertThat(ended).hasValue(1);
    }

    @Test
    void aDeniedResponsesCallBecomesAMessageItemWithSequenceNumbersInOrder() throws Exception {
        AtomicInteger ended = new AtomicInteger();
        String out = run(ApiDialect.RESPONSES, RESPONSES, new Judge("exec_command", false), 9, ended);

        List<JsonNode> events = events(out);
        assertThat(events).extracting(e -> e.path("type").asText()).containsExactly("response.created",
                "response.in_progress", "response.output_item.added", "response.content_part.added",
                "response.output_text.delta", "response.output_text.done", "response.content_part.done",
                "response.output_item.done", "response.completed");
        for (int i = 0; i < events.size(); i++) {
            assertThat(events.get(i).path("sequence_number").asInt()).as("event %d", i).isEqualTo(i);
        }
        String text = "Interpose denied the exec_command tool call: hook guard.sh said: no exec_command here";
        JsonNode item = events.get(7).path("item");
        assertThat(item.path("type").asText()).isEqualTo("message");
        assertThat(item.path("role").asText()).isEqualTo("assistant");
        assertThat(item.path("content").get(0).path("text").asText()).isEqualTo(text);
        assertThat(events.get(8).path("response").path("output")).hasSize(1);
        assertThat(events.get(8).path("response").path("output").get(0)).isEqualTo(item);
        assertThat(events.get(8).path("response").path("usage").path("total_tokens").asInt()).isEqualTo(80);
        assertThat(out).doesNotContain("function_call");
        assertThat(ended).hasValue(1);
    }

    @Test
    void everythingAfterAHeldCallWaitsForTheAnswerAndTheEndWaitsToo() {
        Judge judge = new Judge("Read", true);
        GateRun run = GateRun.of(ApiDialect.MESSAGES, judge, GateSink.readable(), ANTHROPIC, ANTHROPIC.length);
        GateSink sink = run.sink();
        ToolGate gate = run.gate();
        AtomicInteger ended = run.ended();

        String before = sink.text();
        assertThat(before).contains("Calling Read.").doesNotContain("\"index\": 1").doesNotContain("message_stop");
        assertThat(gate.holding()).isTrue();
        assertThat(ended).hasValue(0);

        judge.pending.get(0).complete(null); // allowed
        assertThat(sink.text()).isEqualTo(new String(ANTHROPIC, StandardCharsets.UTF_8));
        assertThat(gate.holding()).isFalse();
        assertThat(ended).hasValue(1);
    }

    @Test
    void aCancelledGateDropsWhatItHeldAndIgnoresALateAnswer() {
        Judge judge = new Judge("Read", true);
        GateRun run = GateRun.of(ApiDialect.MESSAGES, judge, GateSink.readable(), ANTHROPIC, ANTHROPIC.length);
        GateSink sink = run.sink();
        ToolGate gate = run.gate();
        AtomicInteger ended = run.ended();
        String before = sink.text();

        gate.cancel();
        judge.pending.get(0).complete(new ToolJudge.Denial("late", "too late"));

        assertThat(sink.text()).isEqualTo(before);
        assertThat(ended).hasValue(0);
    }

    @Test
    void aStreamThatEndsInsideACallIsJudgedOnWhatCameOfIt() {
        String cut = new String(ANTHROPIC, StandardCharsets.UTF_8);
        cut = cut.substring(0, cut.indexOf("event: content_block_stop\ndata: {\"type\": \"content_block_stop\", \"index\": 1"));
        Judge allow = new Judge(null, false);
        AtomicInteger ended = new AtomicInteger();

        assertThat(run(ApiDialect.MESSAGES, cut.getBytes(StandardCharsets.UTF_8), allow, 5, ended)).isEqualTo(cut);
        assertThat(allow.asked).containsExactly("toolu_fake_16445adea4914924a3e8 Read");
        assertThat(allow.inputs.get(0).toString()).isEqualTo("{\"file_path\":\"/x\"}");
        assertThat(ended).hasValue(1);

        String denied = run(ApiDialect.MESSAGES, cut.getBytes(StandardCharsets.UTF_8), new Judge("Read", false), 5, ended);
        assertThat(denied).contains("Interpose denied the Read tool call").doesNotContain("tool_use");
        assertThat(ended).hasValue(2);
    }

    @Test
    void crlfFramingIsCutAtTheSameEventsAndDeniedTheSameWay() throws Exception {
        byte[] crlf = new String(ANTHROPIC, StandardCharsets.UTF_8).replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        for (int chunk : new int[] {1, 3, 100_000}) {
            String out = run(ApiDialect.MESSAGES, crlf, new Judge("Read", false), chunk, new AtomicInteger());
            List<JsonNode> events = events(out.replace("\r\n", "\n"));
            assertThat(events).hasSize(10);
            assertThat(events.get(8).path("delta").path("stop_reason").asText()).isEqualTo("end_turn");
            assertThat(out).doesNotContain("tool_use");
        }
    }

    @Test
    void aSecondCallInTheSameMessageIsJudgedOnItsOwnAndTheStopReasonStaysWhenOneIsAllowed() throws Exception {
        String s = new String(ANTHROPIC, StandardCharsets.UTF_8);
        int start = s.indexOf("event: content_block_start\ndata: {\"type\": \"content_block_start\", \"index\": 1");
        int end = s.indexOf("event: message_delta");
        String secondCall = s.substring(start, end).replace("\"index\": 1", "\"index\": 2").replace("\"Read\"", "\"Bash\"")
                .replace("toolu_fake_16445adea4914924a3e8", "toolu_second");
        byte[] two = (s.substring(0, end) + secondCall + s.substring(end)).getBytes(StandardCharsets.UTF_8);
        Judge judge = new Judge("Read", false);

        List<JsonNode> events = events(run(ApiDialect.MESSAGES, two, judge, 11, new AtomicInteger()));

        assertThat(judge.asked).containsExactly("toolu_fake_16445adea4914924a3e8 Read", "toolu_second Bash");
        assertThat(events.get(5).path("content_block").path("type").asText()).isEqualTo("text");
        assertThat(events.get(8).path("content_block").path("name").asText()).isEqualTo("Bash");
        assertThat(events.get(11).path("delta").path("stop_reason").asText()).isEqualTo("tool_use");
    }

    @Test
    void aCallWhoseStartCarriesTheWholeInputIsJudgedOnThatInput() {
        byte[] whole = new String(ANTHROPIC, StandardCharsets.UTF_8)
                .replace("\"name\": \"Read\", \"input\": {}", "\"name\": \"Read\", \"input\": {\"file_path\": \"/etc/passwd\"}")
                .replaceAll("event: content_block_delta\ndata: \\{[^\n]*input_json_delta[^\n]*\n\n", "")
                .getBytes(StandardCharsets.UTF_8);
        Judge judge = new Judge(null, false);
        run(ApiDialect.MESSAGES, whole, judge, 17, new AtomicInteger());
        assertThat(judge.inputs).hasSize(1);
        assertThat(judge.inputs.get(0).path("file_path").asText()).isEqualTo("/etc/passwd");
    }

    @Test
    void aLocalShellCallIsGatedAsTheLocalShellTool() throws Exception {
        byte[] shell = new String(RESPONSES, StandardCharsets.UTF_8)
                .replace("\"type\": \"function_call\", \"status\": \"in_progress\", \"call_id\": \"call_fake_eb7c3bf8fa034cd88356\", \"name\": \"exec_command\", \"arguments\": \"\"",
                        "\"type\": \"local_shell_call\", \"status\": \"in_progress\", \"call_id\": \"call_fake_eb7c3bf8fa034cd88356\", \"action\": {}")
                .replace("\"type\": \"function_call\", \"status\": \"completed\", \"call_id\": \"call_fake_eb7c3bf8fa034cd88356\", \"name\": \"exec_command\", \"arguments\": \"{\\\"cmd\\\": \\\"ls\\\"}\"",
                        "\"type\": \"local_shell_call\", \"status\": \"completed\", \"call_id\": \"call_fake_eb7c3bf8fa034cd88356\", \"action\": {\"type\": \"exec\", \"command\": [\"ls\"]}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(new String(shell, StandardCharsets.UTF_8)).contains("local_shell_call").doesNotContain("\"function_call\"");
        Judge judge = new Judge("local_shell", false);
        String out = run(ApiDialect.RESPONSES, shell, judge, 33, new AtomicInteger());
        assertThat(judge.asked).containsExactly("call_fake_eb7c3bf8fa034cd88356 local_shell");
        assertThat(judge.inputs.get(0).path("command").get(0).asText()).isEqualTo("ls");
        assertThat(out).contains("Interpose denied the local_shell tool call").doesNotContain("\"local_shell_call\"");
    }

    private static final String CHAT = String.join("",
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"g\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Let me look.\"},\"finish_reason\":null}]}\n\n",
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"g\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"t1\",\"type\":\"function\",\"function\":{\"name\":\"Bash\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}\n\n",
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"g\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"command\\\":\\\"rm -rf /\\\"}\"}}]},\"finish_reason\":null}]}\n\n",
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"g\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"t2\",\"type\":\"function\",\"function\":{\"name\":\"Read\",\"arguments\":\"{}\"}}]},\"finish_reason\":null}]}\n\n",
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"g\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n",
            "data: [DONE]\n\n");

    @Test
    void aDeniedChatCallIsCutOutOfTheChunksAndTheOthersRenumbered() throws Exception {
        Judge judge = new Judge("Bash", false);
        String out = run(ApiDialect.CHAT, CHAT.getBytes(StandardCharsets.UTF_8), judge, 7, new AtomicInteger());

        assertThat(judge.asked).containsExactly("t1 Bash", "t2 Read");
        assertThat(judge.inputs.get(0).path("command").asText()).isEqualTo("rm -rf /");
        List<JsonNode> chunks = events(out);
        assertThat(chunks.get(0).path("choices").get(0).path("delta").path("content").asText()).isEqualTo("Let me look.");
        assertThat(chunks.get(1).path("choices").get(0).path("delta").path("content").asText())
                .isEqualTo("Interpose denied the Bash tool call: hook guard.sh said: no Bash here");
        assertThat(out).doesNotContain("\"t1\"").doesNotContain("rm -rf").endsWith("data: [DONE]\n\n");
        JsonNode read = chunks.stream().filter(c -> c.toString().contains("\"t2\"")).findFirst().orElseThrow();
        assertThat(read.path("choices").get(0).path("delta").path("tool_calls").get(0).path("index").asInt()).isZero();
        assertThat(chunks.get(chunks.size() - 1).path("choices").get(0).path("finish_reason").asText())
                .isEqualTo("tool_calls");
    }

    @Test
    void whenEveryChatCallIsDeniedTheTurnStopsAndAnAllowedStreamIsUntouched() throws Exception {
        String onlyBash = CHAT.replace("\"name\":\"Read\"", "\"name\":\"Bash\"");
        List<JsonNode> chunks = events(run(ApiDialect.CHAT, onlyBash.getBytes(StandardCharsets.UTF_8), new Judge("Bash", false),
                5, new AtomicInteger()));
        assertThat(chunks.toString()).doesNotContain("tool_calls\":[");
        assertThat(chunks.get(chunks.size() - 1).path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");

        Judge allow = new Judge(null, false);
        assertThat(run(ApiDialect.CHAT, CHAT.getBytes(StandardCharsets.UTF_8), allow, 3, new AtomicInteger())).isEqualTo(CHAT);
        assertThat(allow.asked).hasSize(2);
    }

    private static int indexOf(byte[] haystack, String needle) {
        return new String(haystack, StandardCharsets.UTF_8).indexOf(needle);
    }
}
