package dev.interpose.proxy.hook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.HookFiles;
import dev.interpose.proxy.dialect.AnswerAssembler;
import dev.interpose.proxy.dialect.ApiDialect;
import dev.interpose.proxy.dialect.AssembledResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code updatedInput}: a call let through with another input goes out, in every API's stream and whole answer, so
 * that the client assembles the new input and nothing of the old one; the other calls go out as they came.
 */
class ToolGateRewriteTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Rewrites every call of {@code tool} to {@code input}, lets the others through. */
    private record Rewriter(String tool, JsonNode input, List<String> asked) implements ToolJudge {
        Rewriter(String tool, String input) throws Exception {
            this(tool, JSON.readTree(input), new ArrayList<>());
        }

        @Override
        public boolean wants(String toolName) {
            return true;
        }

        @Override
        public CompletableFuture<ToolJudge.Denial> judge(String id, String name, JsonNode input) {
            throw new AssertionError("the gate asks for a ruling");
        }

        @Override
        public CompletableFuture<ToolJudge.Ruling> rule(String id, String name, JsonNode input) {
            asked.add(name + " " + input);
            return CompletableFuture.completedFuture(name.equals(tool) ? ToolJudge.Ruling.rewrite(this.input)
                    : ToolJudge.Ruling.ALLOW);
        }
    }

    private static final String MESSAGES = String.join("",
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"c\",\"content\":[]}}\n\n",
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"Bash\",\"input\":{}}}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"command\\\":\"}}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"rm -rf /\\\"}\"}}\n\n",
            "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"t2\",\"name\":\"Read\",\"input\":{}}}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"file_path\\\":\\\"/a\\\"}\"}}\n\n",
            "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":9}}\n\n",
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");

    private static final String CHAT = String.join("",
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"g\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"t1\",\"type\":\"function\",\"function\":{\"name\":\"Bash\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}\n\n",
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"g\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"command\\\":\"}}]},\"finish_reason\":null}]}\n\n",
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"g\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"rm -rf /\\\"}\"}}]},\"finish_reason\":null}]}\n\n",
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"g\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"t2\",\"type\":\"function\",\"function\":{\"name\":\"Read\",\"arguments\":\"{\\\"file_path\\\":\\\"/a\\\"}\"}}]},\"finish_reason\":null}]}\n\n",
            "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"g\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n",
            "data: [DONE]\n\n");

    private static String responses(String argumentsDelta1, String argumentsDelta2) {
        String args = argumentsDelta1 + argumentsDelta2;
        String item = "{\"id\":\"fc_1\",\"type\":\"function_call\",\"status\":\"completed\",\"call_id\":\"call_1\","
                + "\"name\":\"exec_command\",\"arguments\":" + JSON.getNodeFactory().textNode(args) + "}";
        String empty = item.replace(JSON.getNodeFactory().textNode(args).toString(), "\"\"");
        return String.join("",
                "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":\"r\",\"output\":[]}}\n\n",
                "event: response.output_item.added\ndata: {\"type\":\"response.output_item.added\",\"sequence_number\":1,\"output_index\":0,\"item\":" + empty + "}\n\n",
                "event: response.function_call_arguments.delta\ndata: {\"type\":\"response.function_call_arguments.delta\",\"sequence_number\":2,\"output_index\":0,\"item_id\":\"fc_1\",\"delta\":" + JSON.getNodeFactory().textNode(argumentsDelta1) + "}\n\n",
                "event: response.function_call_arguments.delta\ndata: {\"type\":\"response.function_call_arguments.delta\",\"sequence_number\":3,\"output_index\":0,\"item_id\":\"fc_1\",\"delta\":" + JSON.getNodeFactory().textNode(argumentsDelta2) + "}\n\n",
                "event: response.function_call_arguments.done\ndata: {\"type\":\"response.function_call_arguments.done\",\"sequence_number\":4,\"output_index\":0,\"item_id\":\"fc_1\",\"arguments\":" + JSON.getNodeFactory().textNode(args) + "}\n\n",
                "event: response.output_item.done\ndata: {\"type\":\"response.output_item.done\",\"sequence_number\":5,\"output_index\":0,\"item\":" + item + "}\n\n",
                "event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":6,\"response\":{\"id\":\"r\",\"status\":\"completed\",\"output\":[" + item + "]}}\n\n");
    }

    private static String run(ApiDialect api, String stream, ToolJudge judge, int chunk) {
        GateSink sink = GateSink.readable();
        GateRun run = GateRun.of(api, judge, sink, stream.getBytes(StandardCharsets.UTF_8), chunk);
        assertThat(run.ended()).hasValue(1);
        return sink.text();
    }

    /** The answer a client puts together from the stream. */
    private static AssembledResponse assembled(ApiDialect api, String sse) {
        AnswerAssembler answer = api.assembler();
        for (JsonNode event : HookFiles.events(sse)) {
            byte[] data = event.toString().getBytes(StandardCharsets.UTF_8);
            answer.onEvent(data, data.length, false);
        }
        return answer.result();
    }

    @ParameterizedTest(name = "chunks of {0}")
    @ValueSource(ints = {1, 7, 64, 100_000})
    void aRewrittenMessagesCallCarriesTheNewInputAsItsOnlyDelta(int chunk) throws Exception {
        Rewriter judge = new Rewriter("Bash", "{\"command\":\"echo safe\"}");
        String out = run(ApiDialect.MESSAGES, MESSAGES, judge, chunk);

        assertThat(judge.asked()).containsExactly("Bash {\"command\":\"rm -rf /\"}", "Read {\"file_path\":\"/a\"}");
        assertThat(out).doesNotContain("rm -rf");
        AssembledResponse answer = assembled(ApiDialect.MESSAGES, out);
        assertThat(answer.toolCalls()).extracting(c -> c.name() + " " + c.input())
                .containsExactly("Bash {\"command\":\"echo safe\"}", "Read {\"file_path\":\"/a\"}");
        assertThat(answer.stopReason()).isEqualTo("tool_use");
        long deltas = HookFiles.events(out).stream().filter(e -> e.path("index").asInt() == 0
                && e.path("type").asText().equals("content_block_delta")).count();
        assertThat(deltas).isEqualTo(1);
    }

    @ParameterizedTest(name = "chunks of {0}")
    @ValueSource(ints = {1, 9, 100_000})
    void aRewrittenChatCallCarriesTheNewArgumentsInItsFirstPart(int chunk) throws Exception {
        Rewriter judge = new Rewriter("Bash", "{\"command\":\"echo safe\"}");
        String out = run(ApiDialect.CHAT, CHAT, judge, chunk);

        assertThat(out).doesNotContain("rm -rf").endsWith("data: [DONE]\n\n");
        AssembledResponse answer = assembled(ApiDialect.CHAT, out);
        assertThat(answer.toolCalls()).extracting(c -> c.id() + " " + c.name() + " " + c.input())
                .containsExactly("t1 Bash {\"command\":\"echo safe\"}", "t2 Read {\"file_path\":\"/a\"}");
        assertThat(HookFiles.events(out).get(HookFiles.events(out).size() - 1).path("choices").get(0)
                .path("finish_reason").asText()).isEqualTo("tool_calls");
    }

    @ParameterizedTest(name = "chunks of {0}")
    @ValueSource(ints = {1, 13, 100_000})
    void aRewrittenResponsesCallCarriesTheNewArgumentsEverywhereAndIsRenumbered(int chunk) throws Exception {
        Rewriter judge = new Rewriter("exec_command", "{\"cmd\":\"echo safe\",\"workdir\":\"/w\"}");
        String out = run(ApiDialect.RESPONSES, responses("{\"cmd\":\"rm -rf /\",", "\"workdir\":\"/w\"}"), judge, chunk);

        assertThat(out).doesNotContain("rm -rf");
        List<JsonNode> events = HookFiles.events(out);
        assertThat(events).extracting(e -> e.path("sequence_number").asInt()).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(events).extracting(e -> e.path("type").asText()).containsExactly("response.created",
                "response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done", "response.completed");
        String args = "{\"cmd\":\"echo safe\",\"workdir\":\"/w\"}";
        assertThat(events.get(2).path("delta").asText()).isEqualTo(args);
        assertThat(events.get(3).path("arguments").asText()).isEqualTo(args);
        assertThat(events.get(4).path("item").path("arguments").asText()).isEqualTo(args);
        assertThat(events.get(5).path("response").path("output").get(0).path("arguments").asText()).isEqualTo(args);
        assertThat(assembled(ApiDialect.RESPONSES, out).toolCalls()).extracting(c -> c.input().toString())
                .containsExactly(args);
    }

    @Test
    void wholeAnswersAreRewrittenInEveryApi() throws Exception {
        ObjectNode messages = (ObjectNode) JSON.readTree("{\"content\":[{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":"
                + "\"Bash\",\"input\":{\"command\":\"rm -rf /\"}}],\"stop_reason\":\"tool_use\"}");
        ApiDialect.MESSAGES.toolCalls().rewrite(messages, Map.of(0, JSON.readTree("{\"command\":\"echo safe\"}")));
        assertThat(messages.path("content").get(0).path("input").path("command").asText()).isEqualTo("echo safe");

        ObjectNode chat = (ObjectNode) JSON.readTree("{\"choices\":[{\"message\":{\"tool_calls\":[{\"id\":\"t1\","
                + "\"function\":{\"name\":\"Bash\",\"arguments\":\"{\\\"command\\\":\\\"rm\\\"}\"}}]}}]}");
        ApiDialect.CHAT.toolCalls().rewrite(chat, Map.of(0, JSON.readTree("{\"command\":\"echo safe\"}")));
        assertThat(ApiDialect.CHAT.toolCalls().calls(chat).get(0).input().path("command").asText()).isEqualTo("echo safe");

        ObjectNode responses = (ObjectNode) JSON.readTree("{\"output\":[{\"type\":\"custom_tool_call\",\"call_id\":\"c\","
                + "\"name\":\"apply_patch\",\"input\":\"old\"},{\"type\":\"local_shell_call\",\"call_id\":\"d\","
                + "\"action\":{\"type\":\"exec\",\"command\":[\"rm\"]}}]}");
        ApiDialect.RESPONSES.toolCalls().rewrite(responses, Map.of(0, JSON.getNodeFactory().textNode("new patch"),
                1, JSON.readTree("{\"type\":\"exec\",\"command\":[\"echo\",\"safe\"]}")));
        assertThat(ApiDialect.RESPONSES.toolCalls().calls(responses)).extracting(c -> c.input().toString())
                .containsExactly("\"new patch\"", "{\"type\":\"exec\",\"command\":[\"echo\",\"safe\"]}");
    }
}
