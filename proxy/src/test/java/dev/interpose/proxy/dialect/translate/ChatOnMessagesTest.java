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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** An OpenAI-compatible (Chat) client on Claude, and on a Responses model through Messages. */
class ChatOnMessagesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static TranslatedCall call(ApiDialect upstream, boolean includeUsage) {
        ObjectNode request = json("{'model':'claude-sonnet-4-5','stream':true,'messages':[{'role':'user','content':'x'}]}");
        if (includeUsage) {
            request.putObject("stream_options").put("include_usage", true);
        }
        return Translation.of(ApiDialect.CHAT, upstream).request(request);
    }

    private static byte[] upstream(String transcript) {
        return transcript.startsWith("sample-") ? Fixtures.bytes(transcript) : Sse.resource(transcript);
    }

    @Test
    void aToolLoopRequest() {
        ObjectNode messages = Translation.of(ApiDialect.CHAT, ApiDialect.MESSAGES).request(json("{'model':'claude-x',"
                + "'max_completion_tokens':900,'temperature':1.7,'stop':'END','parallel_tool_calls':false,"
                + "'tool_choice':{'type':'function','function':{'name':'Read'}},"
                + "'tools':[{'type':'function','function':{'name':'Read','description':'read','parameters':{'type':'object'}}}],"
                + "'messages':[{'role':'system','content':'Sys.'},{'role':'developer','content':[{'type':'text','text':'Dev.'}]},"
                + "{'role':'user','content':[{'type':'text','text':'see'},{'type':'image_url','image_url':{'url':'data:image/jpeg;base64,QQ'}}]},"
                + "{'role':'assistant','content':null,'tool_calls':[{'id':'call_1','type':'function','function':{'name':'Read','arguments':'{\\'file_path\\':\\'/a\\'}'}},"
                + "{'id':'call_2','type':'function','function':{'name':'Read','arguments':'{}'}}]},"
                + "{'role':'tool','tool_call_id':'call_1','content':'A'},{'role':'tool','tool_call_id':'call_2','content':[{'type':'text','text':'B'}]},"
                + "{'role':'user','content':'thanks'}]}")).body();
        assertThat(messages.path("system").get(0).path("text").asText()).isEqualTo("Sys.\n\nDev.");
        assertThat(messages.path("max_tokens").asInt()).isEqualTo(900);
        assertThat(messages.path("temperature").asDouble()).as("Anthropic's range is 0 to 1").isEqualTo(1.0);
        assertThat(messages.path("stop_sequences").get(0).asText()).isEqualTo("END");
        assertThat(messages.path("tool_choice")).isEqualTo(json("{'type':'tool','name':'Read','disable_parallel_tool_use':true}"));
        JsonNode turns = messages.path("messages");
        assertThat(turns).hasSize(3);
        assertThat(turns.get(0).path("content").get(1).path("source").path("data").asText()).isEqualTo("QQ");
        assertThat(turns.get(1).path("content").get(0)).isEqualTo(json("{'type':'tool_use','id':'call_1','name':'Read','input':{'file_path':'/a'}}"));
        JsonNode results = turns.get(2).path("content");
        assertThat(results.get(0)).isEqualTo(json("{'type':'tool_result','tool_use_id':'call_1','content':'A'}"));
        assertThat(results.get(1).path("content").asText()).isEqualTo("B");
        assertThat(results.get(2).path("text").asText()).isEqualTo("thanks");
    }

    @ParameterizedTest
    @ValueSource(strings = {"sample-anthropic-sse.txt", "sample-anthropic-tool-sse.txt", "anthropic-thinking-tools-sse.txt",
            "anthropic-error-sse.txt", "anthropic-truncated-sse.txt", "anthropic-max-tokens-sse.txt"})
    void everyCutOfAMessagesStreamGivesTheSameChatStream(String transcript) {
        byte[] upstream = upstream(transcript);
        TranslatedCall call = call(ApiDialect.MESSAGES, true);
        String whole = new String(Sse.translate(call.events(), upstream, List.of()), StandardCharsets.UTF_8);
        ChatGrammar.check(Sse.events(whole.getBytes(StandardCharsets.UTF_8)));
        for (int cut = 0; cut <= upstream.length; cut++) {
            assertThat(new String(Sse.translate(call.events(), upstream, List.of(cut)), StandardCharsets.UTF_8)).isEqualTo(whole);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sample-responses-sse.txt", "sample-responses-tool-sse.txt", "responses-reasoning-tools-sse.txt",
            "responses-failed-sse.txt", "responses-incomplete-sse.txt", "responses-done-only-sse.txt", "responses-truncated-sse.txt"})
    void everyCutOfAResponsesStreamGivesTheSameChatStream(String transcript) {
        byte[] upstream = upstream(transcript);
        TranslatedCall call = call(ApiDialect.RESPONSES, false);
        String whole = new String(Sse.translate(call.events(), upstream, List.of()), StandardCharsets.UTF_8);
        ChatGrammar.Said said = ChatGrammar.check(Sse.events(whole.getBytes(StandardCharsets.UTF_8)));
        assertThat(said.usage()).as("no usage chunk unless asked for").isNull();
        for (int cut = 0; cut <= upstream.length; cut++) {
            assertThat(new String(Sse.translate(call.events(), upstream, List.of(cut)), StandardCharsets.UTF_8)).isEqualTo(whole);
        }
    }

    @Test
    void thinkingParallelCallsAndUsage() {
        ChatGrammar.Said said = ChatGrammar.check(Sse.events(Sse.translate(call(ApiDialect.MESSAGES, true).events(),
                Sse.resource("anthropic-thinking-tools-sse.txt"), List.of())));
        assertThat(said.reasoning()).isEqualTo("I should list and patch.");
        assertThat(said.text()).isEqualTo("Listing, then patching — ✓");
        assertThat(said.calls()).containsExactly(
                new ChatGrammar.Call("toolu_01A", "exec_command", "{\"cmd\": \"ls -la\", \"workdir\": \"/tmp\"}"),
                new ChatGrammar.Call("toolu_01B", "apply_patch", "{\"input\": \"*** Begin Patch\\n*** Add File: a.txt\\n+hi\\n*** End Patch\"}"));
        assertThat(said.finishReason()).isEqualTo("tool_calls");
        assertThat(said.usage().path("prompt_tokens").asInt()).isEqualTo(12 + 300 + 9000);
        assertThat(said.usage().path("prompt_tokens_details").path("cached_tokens").asInt()).isEqualTo(9000);
        assertThat(said.usage().path("completion_tokens").asInt()).isEqualTo(87);
    }

    @Test
    void errorsAndStops() {
        ChatGrammar.Said overloaded = ChatGrammar.check(Sse.events(Sse.translate(call(ApiDialect.MESSAGES, true).events(),
                Sse.resource("anthropic-error-sse.txt"), List.of())));
        assertThat(overloaded.error().path("code").asText()).isEqualTo("server_is_overloaded");
        ChatGrammar.Said length = ChatGrammar.check(Sse.events(Sse.translate(call(ApiDialect.MESSAGES, true).events(),
                Sse.resource("anthropic-max-tokens-sse.txt"), List.of())));
        assertThat(length.finishReason()).isEqualTo("length");
        ChatGrammar.Said failed = ChatGrammar.check(Sse.events(Sse.translate(call(ApiDialect.RESPONSES, true).events(),
                Sse.resource("responses-failed-sse.txt"), List.of())));
        assertThat(failed.error().path("code").asText()).isEqualTo("rate_limit_exceeded");
    }

    @Test
    void theProxysOwnChatAssemblerReadsTheTranslatedStream() {
        AnswerAssembler assembler = ApiDialect.CHAT.assembler();
        byte[] stream = Sse.translate(call(ApiDialect.MESSAGES, true).events(), Sse.resource("anthropic-thinking-tools-sse.txt"),
                List.of());
        new SseDecoder(new AssemblerListener(assembler), 1 << 20).feed(stream, 0, stream.length);
        AssembledResponse answer = assembler.result();
        assertThat(answer.text()).isEqualTo("Listing, then patching — ✓");
        assertThat(answer.toolCalls()).extracting(AssembledResponse.ToolCall::id).containsExactly("toolu_01A", "toolu_01B");
        assertThat(answer.toolCalls().get(0).input().path("cmd").asText()).isEqualTo("ls -la");
    }

    /** A Messages stream whose tool call came whole in its start (as some gateways send it), without deltas. */
    static final String WHOLE_INPUT = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_w\","
            + "\"model\":\"c\",\"content\":[],\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n"
            + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
            + "{\"type\":\"tool_use\",\"id\":\"toolu_w\",\"name\":\"Bash\",\"input\":{\"command\":\"pwd\"}}}\n\n"
            + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
            + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":3}}\n\n"
            + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

    @Test
    void aToolInputThatCameWholeInItsStartIsSentAsArguments() {
        ChatGrammar.Said said = ChatGrammar.check(Sse.events(Sse.translate(call(ApiDialect.MESSAGES, true).events(),
                WHOLE_INPUT.getBytes(StandardCharsets.UTF_8), List.of())));
        assertThat(said.calls()).containsExactly(new ChatGrammar.Call("toolu_w", "Bash", "{\"command\":\"pwd\"}"));
    }

    @Test
    void aWholeAnswer() {
        ObjectNode chat = call(ApiDialect.MESSAGES, false).answer(json("{'id':'msg_1','type':'message','role':'assistant',"
                + "'model':'claude-x','content':[{'type':'text','text':'Sure.'},"
                + "{'type':'tool_use','id':'toolu_1','name':'Bash','input':{'command':'ls'}}],'stop_reason':'tool_use',"
                + "'usage':{'input_tokens':5,'cache_read_input_tokens':100,'output_tokens':9}}"));
        assertThat(chat.path("object").asText()).isEqualTo("chat.completion");
        JsonNode message = chat.path("choices").get(0).path("message");
        assertThat(message.path("content").asText()).isEqualTo("Sure.");
        assertThat(message.path("tool_calls").get(0).path("id").asText()).isEqualTo("toolu_1");
        assertThat(message.path("tool_calls").get(0).path("function").path("arguments").asText()).isEqualTo("{\"command\":\"ls\"}");
        assertThat(chat.path("choices").get(0).path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(chat.path("usage").path("prompt_tokens").asInt()).isEqualTo(105);
        assertThat(chat.path("usage").path("total_tokens").asInt()).isEqualTo(114);
    }
}
