package dev.interpose.proxy.dialect.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.Fixtures;
import dev.interpose.proxy.dialect.ApiDialect;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Codex on a Chat model: Responses to Chat through Messages, and the Chat answers back as Responses. */
class ResponsesOnChatTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TranslatedCall CALL = codexCall();

    private static TranslatedCall codexCall() {
        try {
            ObjectNode request = (ObjectNode) JSON.readTree(Fixtures.bytes("openai-responses-codex.json"));
            request.withArray("tools").addObject().put("type", "custom").put("name", "apply_patch");
            return Translation.of(ApiDialect.RESPONSES, ApiDialect.CHAT).request(request);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void codexsRealRequestAsAChatRequest() throws IOException {
        ObjectNode request = (ObjectNode) JSON.readTree(Fixtures.bytes("openai-responses-codex.json"));
        ObjectNode chat = CALL.body();
        JsonNode messages = chat.path("messages");
        assertThat(messages.get(0).path("role").asText()).isEqualTo("system");
        assertThat(messages.get(0).path("content").asText()).contains(request.path("input").get(0).path("content").get(0)
                .path("text").asText());
        assertThat(messages.get(1).path("role").asText()).isEqualTo("user");
        assertThat(messages).hasSize(2);
        assertThat(chat.has("max_tokens")).as("no limit asked: the model's own applies").isFalse();
        assertThat(chat.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(chat.path("tools")).hasSize(13);
        assertThat(chat.toString()).doesNotContain("cache_control").doesNotContain("encrypted_content");
        JsonNode patch = chat.path("tools").get(12).path("function");
        assertThat(patch.path("name").asText()).isEqualTo("apply_patch");
        assertThat(patch.path("parameters").path("properties").path("input").path("type").asText()).isEqualTo("string");
    }

    @ParameterizedTest
    @ValueSource(strings = {"chat-text-sse.txt", "chat-tools-sse.txt", "chat-reasoning-sse.txt", "chat-no-done-sse.txt",
            "chat-truncated-sse.txt", "chat-error-sse.txt"})
    void everyCutOfAChatStreamGivesTheSameCompleteResponsesStream(String transcript) {
        byte[] upstream = Sse.resource(transcript);
        String whole = new String(Sse.translate(CALL.events(), upstream, List.of()), StandardCharsets.UTF_8);
        ResponsesGrammar.check(Sse.events(whole.getBytes(StandardCharsets.UTF_8)));
        for (int cut = 0; cut <= upstream.length; cut++) {
            assertThat(new String(Sse.translate(CALL.events(), upstream, List.of(cut)), StandardCharsets.UTF_8))
                    .as("cut at %d", cut).isEqualTo(whole);
        }
        List<Integer> bytes = new ArrayList<>();
        for (int at = 1; at < upstream.length; at++) {
            bytes.add(at);
        }
        assertThat(new String(Sse.translate(CALL.events(), upstream, bytes), StandardCharsets.UTF_8)).isEqualTo(whole);
    }

    @Test
    void parallelToolCallsAndUsage() {
        ResponsesGrammar.Said said = ResponsesGrammar.check(Sse.events(Sse.translate(CALL.events(),
                Sse.resource("chat-tools-sse.txt"), List.of())));
        assertThat(said.text()).isEqualTo("Reading both.");
        assertThat(said.calls()).extracting(ResponsesGrammar.Call::callId).containsExactly("call_read_1", "call_bash_2");
        assertThat(said.calls().get(0).value()).isEqualTo("{\"file_path\": \"/tmp/a.txt\"}");
        assertThat(said.usage().path("input_tokens").asInt()).isEqualTo(3000);
        assertThat(said.usage().path("output_tokens").asInt()).isEqualTo(41);
        assertThat(said.status()).isEqualTo("completed");
    }

    @Test
    void textWithCachedTokensAndReasoning() {
        ResponsesGrammar.Said text = ResponsesGrammar.check(Sse.events(Sse.translate(CALL.events(),
                Sse.resource("chat-text-sse.txt"), List.of())));
        assertThat(text.text()).isEqualTo("Hello, wörld 👋");
        assertThat(text.usage().path("input_tokens").asInt()).isEqualTo(1200);
        assertThat(text.usage().path("input_tokens_details").path("cached_tokens").asInt()).isEqualTo(1024);
        ResponsesGrammar.Said reasoning = ResponsesGrammar.check(Sse.events(Sse.translate(CALL.events(),
                Sse.resource("chat-reasoning-sse.txt"), List.of())));
        assertThat(reasoning.reasoning()).isEqualTo("The user wants a greeting.");
        assertThat(reasoning.text()).isEqualTo("Hi!");
    }

    @Test
    void aRateLimitChunkIsAResponseFailedWithTheCodeCodexRetries() {
        ResponsesGrammar.Said said = ResponsesGrammar.check(Sse.events(Sse.translate(CALL.events(),
                Sse.resource("chat-error-sse.txt"), List.of())));
        assertThat(said.error().path("code").asText()).isEqualTo("rate_limit_exceeded");
    }

    @Test
    void aWholeAnswerWithAFreeformCall() {
        ObjectNode response = CALL.answer(json("{'id':'chatcmpl-9','model':'qwen','choices':[{'message':{'role':'assistant',"
                + "'content':'Patching.','tool_calls':[{'id':'call_p','type':'function','function':{'name':'apply_patch',"
                + "'arguments':'{\\'input\\':\\'*** Begin Patch\\'}'}}]},'finish_reason':'tool_calls'}],"
                + "'usage':{'prompt_tokens':50,'completion_tokens':5}}"));
        assertThat(response.path("output").get(0).path("content").get(0).path("text").asText()).isEqualTo("Patching.");
        JsonNode call = response.path("output").get(1);
        assertThat(call.path("type").asText()).isEqualTo("custom_tool_call");
        assertThat(call.path("call_id").asText()).isEqualTo("call_p");
        assertThat(call.path("input").asText()).isEqualTo("*** Begin Patch");
        assertThat(response.path("usage").path("total_tokens").asInt()).isEqualTo(55);
    }

    @Test
    void errorsKeepTheirMeaningThroughTheCommonGround() throws IOException {
        ErrorReply limited = CALL.error(429, "{\"error\":{\"message\":\"slow\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}"
                .getBytes());
        assertThat(limited.status()).isEqualTo(429);
        assertThat(JSON.readTree(limited.body()).path("error").path("code").asText()).isEqualTo("rate_limit_exceeded");
        ErrorReply overloaded = CALL.error(503, "{\"error\":{\"message\":\"busy\"}}".getBytes());
        assertThat(overloaded.status()).isEqualTo(503);
        ErrorReply tooLong = CALL.error(400, "{\"error\":{\"message\":\"maximum context length is 8192\",\"code\":\"context_length_exceeded\"}}"
                .getBytes());
        assertThat(JSON.readTree(tooLong.body()).path("error").path("code").asText()).isEqualTo("context_length_exceeded");
    }
}
