package dev.interpose.proxy.dialect.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.Fixtures;
import dev.interpose.proxy.dialect.AnswerAssembler;
import dev.interpose.proxy.dialect.ApiDialect;
import dev.interpose.proxy.dialect.AssembledResponse;
import dev.interpose.proxy.stream.AssemblerListener;
import dev.interpose.proxy.stream.SseDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Messages streams (the fixtures' and thinking, parallel and freeform tool calls, an overloaded error, a
 * cut-short stream, a max-tokens stop) as Codex reads Responses streams: checked against the grammar, read
 * back by the proxy's own Responses assembler, and the same for every byte at which the upstream is cut.
 */
class MessagesToResponsesEventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final TranslatedCall CALL = codexCall();

    /** Codex's real request, with its freeform apply_patch tool. */
    private static TranslatedCall codexCall() {
        try {
            ObjectNode request = (ObjectNode) JSON.readTree(Fixtures.bytes("openai-responses-codex.json"));
            request.withArray("tools").addObject().put("type", "custom").put("name", "apply_patch")
                    .put("description", "patch files").putObject("format").put("type", "grammar").put("syntax", "lark")
                    .put("definition", "start: begin_patch");
            return Translation.of(ApiDialect.RESPONSES, ApiDialect.MESSAGES).request(request);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] upstream(String transcript) {
        return transcript.startsWith("sample-") ? Fixtures.bytes(transcript) : Sse.resource(transcript);
    }

    private static byte[] translate(String transcript, List<Integer> cuts) {
        return Sse.translate(CALL.events(), upstream(transcript), cuts);
    }

    private static ResponsesGrammar.Said said(String transcript) {
        return ResponsesGrammar.check(Sse.events(translate(transcript, List.of())));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sample-anthropic-sse.txt", "sample-anthropic-tool-sse.txt", "anthropic-thinking-tools-sse.txt",
            "anthropic-error-sse.txt", "anthropic-truncated-sse.txt", "anthropic-max-tokens-sse.txt"})
    void everyCutOfTheUpstreamStreamGivesTheSameClientStream(String transcript) {
        byte[] upstream = upstream(transcript);
        String whole = new String(translate(transcript, List.of()), StandardCharsets.UTF_8);
        ResponsesGrammar.check(Sse.events(whole.getBytes(StandardCharsets.UTF_8)));
        for (int cut = 0; cut <= upstream.length; cut++) {
            assertThat(new String(translate(transcript, List.of(cut)), StandardCharsets.UTF_8)).as("cut at %d", cut)
                    .isEqualTo(whole);
        }
        for (int size = 1; size <= 13; size++) {
            List<Integer> cuts = new ArrayList<>();
            for (int at = size; at < upstream.length; at += size) {
                cuts.add(at);
            }
            assertThat(new String(translate(transcript, cuts), StandardCharsets.UTF_8)).isEqualTo(whole);
        }
    }

    @Test
    void theFixturesTextAnswer() {
        ResponsesGrammar.Said said = said("sample-anthropic-sse.txt");
        assertThat(said.text()).isEqualTo("ECHO: say hi");
        assertThat(said.status()).isEqualTo("completed");
        assertThat(said.id()).isEqualTo("resp_msg_fake_551ec8eb25544f42be8bc8d2");
        assertThat(said.usage().path("input_tokens").asInt()).isEqualTo(10);
        assertThat(said.usage().path("output_tokens").asInt()).isEqualTo(10);
        assertThat(said.usage().path("total_tokens").asInt()).isEqualTo(20);
        assertThat(said.response().path("model").asText()).isEqualTo("claude-opus-5-5");
    }

    @Test
    void theEventsCodexNeedsInTheirOrder() {
        List<Sse.Event> events = Sse.events(translate("sample-anthropic-tool-sse.txt", List.of()));
        assertThat(events).extracting(Sse.Event::type).containsExactly("response.created", "response.in_progress",
                "response.output_item.added", "response.content_part.added", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done", "response.completed");
        JsonNode call = events.get(11).data().path("item");
        assertThat(call.path("type").asText()).isEqualTo("function_call");
        assertThat(call.path("call_id").asText()).isEqualTo("toolu_fake_16445adea4914924a3e8");
        assertThat(call.path("name").asText()).isEqualTo("Read");
        assertThat(call.path("arguments").asText()).isEqualTo("{\"file_path\": \"/x\"}");
        assertThat(call.path("status").asText()).isEqualTo("completed");
    }

    @Test
    void thinkingParallelAndFreeformToolCallsAndCacheReads() {
        ResponsesGrammar.Said said = said("anthropic-thinking-tools-sse.txt");
        assertThat(said.reasoning()).isEqualTo("I should list and patch.");
        assertThat(said.text()).isEqualTo("Listing, then patching — ✓");
        assertThat(said.calls()).containsExactly(
                new ResponsesGrammar.Call("function_call", "toolu_01A", "exec_command", "{\"cmd\": \"ls -la\", \"workdir\": \"/tmp\"}"),
                new ResponsesGrammar.Call("custom_tool_call", "toolu_01B", "apply_patch",
                        "*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch"));
        assertThat(said.usage().path("input_tokens").asInt()).isEqualTo(12 + 300 + 9000);
        assertThat(said.usage().path("input_tokens_details").path("cached_tokens").asInt()).isEqualTo(9000);
        assertThat(said.usage().path("output_tokens").asInt()).isEqualTo(87);
        assertThat(said.usage().path("total_tokens").asInt()).isEqualTo(12 + 300 + 9000 + 87);
    }

    @Test
    void anOverloadedErrorIsAResponseFailedCodexRetries() {
        ResponsesGrammar.Said said = said("anthropic-error-sse.txt");
        assertThat(said.error().path("code").asText()).isEqualTo("server_is_overloaded");
        assertThat(said.error().path("message").asText()).isEqualTo("Overloaded");
    }

    @Test
    void aStreamCutShortIsAResponseFailed() {
        ResponsesGrammar.Said said = said("anthropic-truncated-sse.txt");
        assertThat(said.status()).isEqualTo("failed");
        assertThat(said.error().path("code").asText()).isEqualTo("server_error");
    }

    @Test
    void aMaxTokensStopIsCompletedAsIncomplete() {
        ResponsesGrammar.Said said = said("anthropic-max-tokens-sse.txt");
        assertThat(said.status()).isEqualTo("incomplete");
        assertThat(said.response().path("incomplete_details").path("reason").asText()).isEqualTo("max_output_tokens");
        assertThat(said.text()).isEqualTo("A long");
    }

    @Test
    void theProxysOwnResponsesAssemblerReadsTheTranslatedStream() {
        AnswerAssembler assembler = ApiDialect.RESPONSES.assembler();
        byte[] stream = translate("anthropic-thinking-tools-sse.txt", List.of());
        new SseDecoder(new AssemblerListener(assembler), 1 << 20).feed(stream, 0, stream.length);
        AssembledResponse answer = assembler.result();
        assertThat(answer.text()).isEqualTo("Listing, then patching — ✓");
        assertThat(answer.toolCalls()).extracting(AssembledResponse.ToolCall::name).containsExactly("exec_command", "apply_patch");
        assertThat(answer.toolCalls().get(0).input().path("cmd").asText()).isEqualTo("ls -la");
    }

    @Test
    void aToolInputThatCameWholeInItsStartIsTheCallsArguments() {
        ResponsesGrammar.Said said = ResponsesGrammar.check(Sse.events(Sse.translate(CALL.events(),
                ChatOnMessagesTest.WHOLE_INPUT.getBytes(StandardCharsets.UTF_8), List.of())));
        assertThat(said.calls()).containsExactly(new ResponsesGrammar.Call("function_call", "toolu_w", "Bash", "{\"command\":\"pwd\"}"));
    }

    @Test
    void theWholeAnswerHasTheSameItemsAsTheStream() throws IOException {
        ResponsesGrammar.Said streamed = said("anthropic-thinking-tools-sse.txt");
        ObjectNode message = (ObjectNode) JSON.readTree("{\"id\":\"msg_01XYZ\",\"type\":\"message\",\"role\":\"assistant\","
                + "\"model\":\"claude-sonnet-4-5-20250929\",\"content\":["
                + "{\"type\":\"thinking\",\"thinking\":\"I should list and patch.\",\"signature\":\"EqQBCgIYAhIM\"},"
                + "{\"type\":\"text\",\"text\":\"Listing, then patching — ✓\"},"
                + "{\"type\":\"tool_use\",\"id\":\"toolu_01A\",\"name\":\"exec_command\",\"input\":{\"cmd\":\"ls -la\",\"workdir\":\"/tmp\"}},"
                + "{\"type\":\"tool_use\",\"id\":\"toolu_01B\",\"name\":\"apply_patch\",\"input\":{\"input\":\"*** Begin Patch\\n*** Add File: a.txt\\n+hi\\n*** End Patch\"}}],"
                + "\"stop_reason\":\"tool_use\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":12,"
                + "\"cache_creation_input_tokens\":300,\"cache_read_input_tokens\":9000,\"output_tokens\":87}}");
        ObjectNode whole = CALL.answer(message);
        assertThat(whole.path("id").asText()).isEqualTo(streamed.id());
        assertThat(whole.path("status").asText()).isEqualTo("completed");
        assertThat(whole.path("usage").toString()).isEqualTo(streamed.usage().toString());
        List<JsonNode> wholeItems = new ArrayList<>();
        whole.path("output").forEach(wholeItems::add);
        List<JsonNode> streamedItems = new ArrayList<>();
        streamed.response().path("output").forEach(streamedItems::add);
        assertThat(wholeItems).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(wholeItems.get(i).path("id")).isEqualTo(streamedItems.get(i).path("id"));
            assertThat(wholeItems.get(i).path("type")).isEqualTo(streamedItems.get(i).path("type"));
            assertThat(wholeItems.get(i).path("call_id")).isEqualTo(streamedItems.get(i).path("call_id"));
        }
        assertThat(JSON.readTree(wholeItems.get(2).path("arguments").asText()))
                .isEqualTo(JSON.readTree(streamedItems.get(2).path("arguments").asText()));
        assertThat(wholeItems.get(3).path("input")).isEqualTo(streamedItems.get(3).path("input"));
    }
}
