package dev.interpose.proxy.dialect.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.dialect.AnswerAssembler;
import dev.interpose.proxy.dialect.ApiDialect;
import dev.interpose.proxy.dialect.AssembledResponse;
import dev.interpose.proxy.stream.AssemblerListener;
import dev.interpose.proxy.stream.SseDecoder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Chat Completions streams (OpenAI's shape, DeepSeek's reasoning, llama.cpp's missing {@code [DONE]}, an
 * error chunk, a cut-short stream) as Claude Code reads Messages streams: the output is checked against the
 * Messages grammar, read back by the proxy's own Messages assembler, and is the same for every byte at which
 * the upstream's stream is cut.
 */
class ChatToMessagesEventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request: the message id it gives its answers is its own, so every stream of it can be compared byte for byte. */
    private static final TranslatedCall CALL = newCall();

    private static TranslatedCall newCall() {
        ObjectNode request = JSON.createObjectNode().put("model", "claude-sonnet-4-5").put("max_tokens", 1000).put("stream", true);
        request.putArray("messages").addObject().put("role", "user").put("content", "hi");
        return Translation.of(ApiDialect.MESSAGES, ApiDialect.CHAT).request(request);
    }

    private static TranslatedCall call() {
        return CALL;
    }

    private static byte[] translate(String transcript, List<Integer> cuts) {
        return Sse.translate(call().events(), Sse.resource(transcript), cuts);
    }

    private static MessagesGrammar.Said said(String transcript) {
        return MessagesGrammar.check(Sse.events(translate(transcript, List.of())));
    }

    @ParameterizedTest
    @ValueSource(strings = {"chat-text-sse.txt", "chat-tools-sse.txt", "chat-reasoning-sse.txt", "chat-no-done-sse.txt",
            "chat-truncated-sse.txt", "chat-error-sse.txt"})
    void everyCutOfTheUpstreamStreamGivesTheSameClientStream(String transcript) {
        byte[] upstream = Sse.resource(transcript);
        byte[] whole = translate(transcript, List.of());
        MessagesGrammar.check(Sse.events(whole));
        String expected = text(whole);
        for (int cut = 0; cut <= upstream.length; cut++) {
            assertThat(text(translate(transcript, List.of(cut)))).as("cut at %d", cut).isEqualTo(expected);
        }
        for (int size = 1; size <= 13; size++) {
            List<Integer> cuts = new ArrayList<>();
            for (int at = size; at < upstream.length; at += size) {
                cuts.add(at);
            }
            assertThat(text(translate(transcript, cuts))).as("pieces of %d bytes", size).isEqualTo(expected);
        }
    }

    /** The stream as text (the tool ids are the upstream's; the message id is the one request's). */
    private static String text(byte[] stream) {
        return new String(stream, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void aTextAnswerWithARoleOnlyFirstChunkAndAUsageOnlyLastChunk() {
        MessagesGrammar.Said said = said("chat-text-sse.txt");
        assertThat(said.text()).isEqualTo("Hello, wörld 👋");
        assertThat(said.id()).startsWith("msg_").isNotEqualTo("chatcmpl-AbC123");
        assertThat(said.model()).isEqualTo("qwen3-coder");
        assertThat(said.stopReason()).isEqualTo("end_turn");
        assertThat(said.tools()).isEmpty();
        assertThat(said.usage().path("input_tokens").asLong()).isEqualTo(1200 - 1024);
        assertThat(said.usage().path("cache_read_input_tokens").asLong()).isEqualTo(1024);
        assertThat(said.usage().path("output_tokens").asLong()).isEqualTo(7);
    }

    @Test
    void theFirstEventsAreMessageStartThenPingThenTheFirstBlock() {
        List<Sse.Event> events = Sse.events(translate("chat-text-sse.txt", List.of()));
        assertThat(events).extracting(Sse.Event::type).containsExactly("message_start", "ping", "content_block_start",
                "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop");
    }

    @Test
    void parallelToolCallsAreBlocksOfTheirOwnWithTheirIdsAndArgumentsStreamed() {
        List<Sse.Event> events = Sse.events(translate("chat-tools-sse.txt", List.of()));
        MessagesGrammar.Said said = MessagesGrammar.check(events);
        assertThat(said.text()).isEqualTo("Reading both.");
        assertThat(said.tools()).extracting(MessagesGrammar.ToolUse::id).containsExactly("call_read_1", "call_bash_2");
        assertThat(said.tools()).extracting(MessagesGrammar.ToolUse::name).containsExactly("Read", "Bash");
        assertThat(said.tools().get(0).input().path("file_path").asText()).isEqualTo("/tmp/a.txt");
        assertThat(said.tools().get(1).input().path("command").asText()).isEqualTo("ls -la \"x y\"");
        assertThat(said.stopReason()).isEqualTo("tool_use");
        assertThat(said.usage().path("input_tokens").asLong()).isEqualTo(3000);
        assertThat(said.usage().path("output_tokens").asLong()).isEqualTo(41);
        long argumentDeltas = events.stream().filter(e -> "input_json_delta".equals(e.data().path("delta").path("type").asText()))
                .count();
        assertThat(argumentDeltas).as("each piece of arguments goes out as it came").isEqualTo(6);
    }

    @Test
    void reasoningIsAThinkingBlockBeforeTheText() {
        MessagesGrammar.Said said = said("chat-reasoning-sse.txt");
        assertThat(said.thinking()).isEqualTo("The user wants a greeting.");
        assertThat(said.text()).isEqualTo("Hi!");
        assertThat(said.model()).isEqualTo("deepseek-reasoner");
        assertThat(said.usage().path("input_tokens").asLong()).isEqualTo(20);
        assertThat(said.usage().path("output_tokens").asLong()).isEqualTo(15);
    }

    @Test
    void aStreamWithoutDoneEndsAtItsFinishReasonAndAToolCallFinishedWithStopIsStillAToolUse() {
        MessagesGrammar.Said said = said("chat-no-done-sse.txt");
        assertThat(said.tools()).extracting(MessagesGrammar.ToolUse::name).containsExactly("Bash");
        assertThat(said.tools().get(0).input().path("command").asText()).isEqualTo("pwd");
        assertThat(said.stopReason()).isEqualTo("tool_use");
    }

    @Test
    void aStreamCutShortEndsInAnErrorTheCliRetries() {
        MessagesGrammar.Said said = said("chat-truncated-sse.txt");
        assertThat(said.error()).isNotNull();
        assertThat(said.error().path("type").asText()).isEqualTo("api_error");
        assertThat(said.text()).isEqualTo("partial");
    }

    @Test
    void anErrorChunkIsAnErrorEventOfItsKind() {
        MessagesGrammar.Said said = said("chat-error-sse.txt");
        assertThat(said.error().path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(said.error().path("message").asText()).contains("Rate limit reached");
    }

    @Test
    void nothingAfterTheEndReachesTheClient() {
        EventTranslator events = call().events();
        byte[] stream = Sse.translate(events, Sse.resource("chat-text-sse.txt"), List.of());
        assertThat(events.finished()).isTrue();
        List<byte[]> after = new ArrayList<>();
        for (var event : Sse.decode(Sse.resource("chat-text-sse.txt"), List.of())) {
            events.accept(event, after::add);
        }
        events.end(after::add);
        assertThat(after).isEmpty();
        assertThat(stream).isNotEmpty();
    }

    @Test
    void theProxysOwnMessagesAssemblerReadsTheTranslatedStream() {
        AnswerAssembler assembler = ApiDialect.MESSAGES.assembler();
        byte[] stream = translate("chat-tools-sse.txt", List.of());
        new SseDecoder(new AssemblerListener(assembler), 1 << 20).feed(stream, 0, stream.length);
        AssembledResponse answer = assembler.result();
        assertThat(answer.text()).isEqualTo("Reading both.");
        assertThat(answer.toolCalls()).extracting(AssembledResponse.ToolCall::name).containsExactly("Read", "Bash");
        assertThat(answer.toolCalls().get(0).input().path("file_path").asText()).isEqualTo("/tmp/a.txt");
        assertThat(answer.stopReason()).isEqualTo("tool_use");
    }

    @Test
    void anEmptyStreamWithOnlyDoneIsAnEmptyButCompleteMessage() {
        EventTranslator events = call().events();
        byte[] stream = Sse.translate(events, "data: [DONE]\n\n".getBytes(), List.of());
        MessagesGrammar.Said said = MessagesGrammar.check(Sse.events(stream));
        assertThat(said.text()).isEmpty();
        assertThat(said.stopReason()).isEqualTo("end_turn");
        assertThat(said.model()).isEqualTo("claude-sonnet-4-5");
    }

    @Test
    void argumentsForACallAlreadyStoppedFailTheStreamRatherThanBeLost() {
        String chunks = "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"a\",\"function\":{\"name\":\"A\",\"arguments\":\"{\"}}]}}]}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"b\",\"function\":{\"name\":\"B\",\"arguments\":\"{}\"}}]}}]}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"}\"}}]}}]}\n\n"
                + "data: [DONE]\n\n";
        MessagesGrammar.Said said = MessagesGrammar.check(Sse.events(Sse.translate(call().events(), chunks.getBytes(), List.of())));
        assertThat(said.error()).isNotNull();
        assertThat(said.tools()).extracting(MessagesGrammar.ToolUse::name).containsExactly("A"); // B was open when the stream failed
    }

    @Test
    void aServerThatReusesIndexZeroForEachCallGetsOneBlockPerId() {
        String chunks = "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"a\",\"function\":{\"name\":\"A\",\"arguments\":\"{\\\"x\\\":1}\"}},"
                + "{\"index\":0,\"id\":\"b\",\"function\":{\"name\":\"B\",\"arguments\":\"{\\\"y\\\":2}\"}}]}}]}\n\n"
                + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\ndata: [DONE]\n\n";
        MessagesGrammar.Said said = MessagesGrammar.check(Sse.events(Sse.translate(call().events(), chunks.getBytes(), List.of())));
        assertThat(said.tools()).extracting(MessagesGrammar.ToolUse::id).containsExactly("a", "b");
        assertThat(said.tools().get(1).input().path("y").asInt()).isEqualTo(2);
    }
}
