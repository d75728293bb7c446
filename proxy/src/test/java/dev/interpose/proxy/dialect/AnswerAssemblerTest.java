package dev.interpose.proxy.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.interpose.proxy.Fixtures;
import dev.interpose.proxy.stream.AssemblerListener;
import dev.interpose.proxy.stream.SseDecoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Each dialect's assembler on the recorded transcripts, streamed in chunks of every size, and on whole bodies. */
class AnswerAssemblerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static AssembledResponse stream(ApiDialect api, byte[] sse, int chunk) {
        AnswerAssembler assembler = api.assembler();
        SseDecoder decoder = new SseDecoder(new AssemblerListener(assembler), 1 << 20);
        for (int i = 0; i < sse.length; i += chunk) {
            decoder.feed(sse, i, Math.min(chunk, sse.length - i));
        }
        return assembler.result();
    }

    private static AssembledResponse body(ApiDialect api, String json) {
        AnswerAssembler assembler = api.assembler();
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        assembler.onBody(bytes, bytes.length);
        return assembler.result();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 64, 1 << 16})
    void anAnthropicTextStream(int chunk) {
        AssembledResponse answer = stream(ApiDialect.MESSAGES, Fixtures.bytes("sample-anthropic-sse.txt"), chunk);
        assertThat(answer.model()).isEqualTo("claude-opus-5-5");
        assertThat(answer.text()).isEqualTo("ECHO: say hi");
        assertThat(answer.toolCalls()).isEmpty();
        assertThat(answer.endsTurn()).isTrue();
        assertThat(answer.stopReason()).isEqualTo("end_turn");
        assertThat(answer.usage().path("input_tokens").asInt()).isEqualTo(10);
        assertThat(answer.usage().path("output_tokens").asInt()).isEqualTo(10); // message_delta's count wins
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 13, 1 << 16})
    void anAnthropicToolStreamGathersTheInputFromItsDeltas(int chunk) {
        AssembledResponse answer = stream(ApiDialect.MESSAGES, Fixtures.bytes("sample-anthropic-tool-sse.txt"), chunk);
        assertThat(answer.text()).isEqualTo("Calling Read.");
        assertThat(answer.toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.id()).isEqualTo("toolu_fake_16445adea4914924a3e8");
            assertThat(call.name()).isEqualTo("Read");
            assertThat(call.input().path("file_path").asText()).isEqualTo("/x");
        });
        assertThat(answer.endsTurn()).isFalse();
        assertThat(answer.stopReason()).isEqualTo("tool_use");
        assertThat(answer.usage().path("output_tokens").asInt()).isEqualTo(38);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 29, 1 << 16})
    void aResponsesTextStream(int chunk) {
        AssembledResponse answer = stream(ApiDialect.RESPONSES, Fixtures.bytes("sample-responses-sse.txt"), chunk);
        assertThat(answer.model()).isEqualTo("gpt-5.5");
        assertThat(answer.text()).isEqualTo("ECHO: say hi"); // once: from the item, not again from its deltas
        assertThat(answer.toolCalls()).isEmpty();
        assertThat(answer.stopReason()).isEqualTo("completed");
        assertThat(answer.usage().path("input_tokens").asInt()).isEqualTo(24);
    }

    @Test
    void aResponsesToolStreamAndTheCodexFlavourReadAlike() {
        for (ApiDialect api : new ApiDialect[] {ApiDialect.RESPONSES, ApiDialect.CODEX}) {
            AssembledResponse answer = stream(api, Fixtures.bytes("sample-responses-tool-sse.txt"), 11);
            assertThat(answer.toolCalls()).singleElement().satisfies(call -> {
                assertThat(call.id()).isEqualTo("call_fake_eb7c3bf8fa034cd88356");
                assertThat(call.name()).isEqualTo("exec_command");
                assertThat(call.input().path("cmd").asText()).isEqualTo("ls");
            });
            assertThat(answer.usage().path("total_tokens").asInt()).isEqualTo(80);
            assertThat(answer.text()).isEmpty();
        }
    }

    @Test
    void theResponsesAssemblerSkipsTheDataOfDeltaEvents() {
        AnswerAssembler assembler = ApiDialect.RESPONSES.assembler();
        assertThat(assembler.wants("response.output_text.delta")).isFalse();
        assertThat(assembler.wants("response.function_call_arguments.delta")).isFalse();
        assertThat(assembler.wants("response.output_item.done")).isTrue();
        assertThat(assembler.wants("response.completed")).isTrue();
        assertThat(assembler.wants(null)).isTrue();
        assertThat(ApiDialect.MESSAGES.assembler().wants("content_block_delta")).isTrue();
    }

    @Test
    void aWholeResponsesBodyIsTheResponseOfItsFinalEvent() throws Exception {
        String transcript = new String(Fixtures.bytes("sample-responses-tool-sse.txt"), StandardCharsets.UTF_8);
        String completed = transcript.lines().filter(l -> l.startsWith("data: {\"type\": \"response.completed\""))
                .findFirst().orElseThrow().substring("data: ".length());
        JsonNode response = JSON.readTree(completed).path("response");
        AssembledResponse whole = body(ApiDialect.RESPONSES, response.toString());
        AssembledResponse streamed = stream(ApiDialect.RESPONSES, Fixtures.bytes("sample-responses-tool-sse.txt"), 100);
        assertThat(whole).isEqualTo(streamed);
    }

    @Test
    void anIncompleteResponsesAnswerSaysWhy() {
        AssembledResponse answer = body(ApiDialect.RESPONSES, "{\"status\":\"incomplete\",\"incomplete_details\":"
                + "{\"reason\":\"max_output_tokens\"},\"output\":[]}");
        assertThat(answer.stopReason()).isEqualTo("incomplete:max_output_tokens");
    }

    @Test
    void aWholeAnthropicBody() {
        AssembledResponse answer = body(ApiDialect.MESSAGES, "{\"model\":\"claude-x\",\"content\":[{\"type\":\"text\","
                + "\"text\":\"Let me look.\"},{\"type\":\"tool_use\",\"id\":\"tu_1\",\"name\":\"Grep\",\"input\":"
                + "{\"pattern\":\"TODO\"}}],\"stop_reason\":\"tool_use\",\"usage\":{\"input_tokens\":5,\"output_tokens\":7}}");
        assertThat(answer.model()).isEqualTo("claude-x");
        assertThat(answer.text()).isEqualTo("Let me look.");
        assertThat(answer.toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.name()).isEqualTo("Grep");
            assertThat(call.input().path("pattern").asText()).isEqualTo("TODO");
        });
        assertThat(answer.usage().path("output_tokens").asInt()).isEqualTo(7);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 5, 1 << 16})
    void aChatStreamJoinsTheToolCallPiecesByIndex(int chunk) {
        byte[] sse = ("data: {\"model\":\"gpt-4o-mini\",\"choices\":[{\"delta\":{\"content\":\"On it. \"}}]}\n\n"
                + "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"t1\",\"function\":{\"name\":\"Bash\","
                + "\"arguments\":\"{\\\"command\\\":\"}}]}}]}\n\n"
                + "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"ls\\\"}\"}}]},"
                + "\"finish_reason\":\"tool_calls\"}]}\n\n"
                + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3}}\n\n"
                + "data: [DONE]\n\n").getBytes(StandardCharsets.UTF_8);
        AssembledResponse answer = stream(ApiDialect.CHAT, sse, chunk);
        assertThat(answer.model()).isEqualTo("gpt-4o-mini");
        assertThat(answer.text()).isEqualTo("On it. ");
        assertThat(answer.toolCalls()).singleElement().satisfies(call -> {
            assertThat(call.id()).isEqualTo("t1");
            assertThat(call.name()).isEqualTo("Bash");
            assertThat(call.input().path("command").asText()).isEqualTo("ls");
        });
        assertThat(answer.stopReason()).isEqualTo("tool_calls");
        assertThat(answer.usage().path("completion_tokens").asInt()).isEqualTo(3);
    }

    @Test
    void aWholeChatBody() {
        AssembledResponse answer = body(ApiDialect.CHAT, "{\"model\":\"g\",\"choices\":[{\"message\":{\"content\":\"hi\","
                + "\"tool_calls\":[{\"id\":\"t2\",\"function\":{\"name\":\"Read\",\"arguments\":\"{}\"}}]},"
                + "\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":1}}");
        assertThat(answer.text()).isEqualTo("hi");
        assertThat(answer.toolCalls()).extracting(AssembledResponse.ToolCall::id).containsExactly("t2");
        assertThat(answer.stopReason()).isEqualTo("tool_calls");
    }

    @Test
    void eachDialectReadsOnlyItsOwnShape() {
        byte[] anthropic = Fixtures.bytes("sample-anthropic-sse.txt");
        assertThat(stream(ApiDialect.RESPONSES, anthropic, 50).text()).isEmpty();
        assertThat(stream(ApiDialect.CHAT, anthropic, 50).text()).isEmpty();
        assertThat(stream(ApiDialect.MESSAGES, Fixtures.bytes("sample-responses-sse.txt"), 50).text()).isEmpty();
    }

    @Test
    void whatIsNotJsonOrWasTruncatedIsSkipped() {
        AnswerAssembler assembler = ApiDialect.CHAT.assembler();
        byte[] chunk = "{\"choices\":[{\"delta\":{\"content\":\"x\"}}]}".getBytes(StandardCharsets.UTF_8);
        assembler.onEvent(chunk, chunk.length, true);
        byte[] junk = "{not json".getBytes(StandardCharsets.UTF_8);
        assembler.onEvent(junk, junk.length, false);
        assembler.onBody(junk, junk.length);
        assertThat(assembler.result().text()).isEmpty();
        assembler.onEvent(chunk, chunk.length, false);
        assertThat(assembler.result().text()).isEqualTo("x");
    }
}
