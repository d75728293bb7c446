package dev.interpose.proxy.dialect.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.dialect.ApiDialect;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Whole Chat Completions answers as Messages answers (Claude Code's non-streaming fallback). */
class ChatToMessagesAnswerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ObjectNode answer(String chat) {
        ObjectNode request = json("{'model':'claude-sonnet-4-5','max_tokens':10,'messages':[{'role':'user','content':'x'}]}");
        return Translation.of(ApiDialect.MESSAGES, ApiDialect.CHAT).request(request).answer(json(chat));
    }

    @Test
    void textAndParallelToolCallsWithTheirIdsAndParsedArguments() {
        ObjectNode message = answer("{'id':'chatcmpl-1','object':'chat.completion','model':'gpt-4.1','choices':[{'index':0,"
                + "'message':{'role':'assistant','content':'Let me look.','tool_calls':["
                + "{'id':'call_a','type':'function','function':{'name':'Read','arguments':'{\\'file_path\\':\\'/x\\'}'}},"
                + "{'id':'call_b','type':'function','function':{'name':'Bash','arguments':'{\\'command\\':\\'ls\\'}'}}]},"
                + "'finish_reason':'tool_calls'}],'usage':{'prompt_tokens':100,'completion_tokens':20,'total_tokens':120,"
                + "'prompt_tokens_details':{'cached_tokens':64}}}");
        assertThat(message.path("id").asText()).startsWith("msg_").isNotEqualTo("chatcmpl-1");
        assertThat(message.path("type").asText()).isEqualTo("message");
        assertThat(message.path("role").asText()).isEqualTo("assistant");
        assertThat(message.path("model").asText()).isEqualTo("gpt-4.1");
        JsonNode content = message.path("content");
        assertThat(content.get(0)).isEqualTo(json("{'type':'text','text':'Let me look.'}"));
        assertThat(content.get(1)).isEqualTo(json("{'type':'tool_use','id':'call_a','name':'Read','input':{'file_path':'/x'}}"));
        assertThat(content.get(2)).isEqualTo(json("{'type':'tool_use','id':'call_b','name':'Bash','input':{'command':'ls'}}"));
        assertThat(message.path("stop_reason").asText()).isEqualTo("tool_use");
        assertThat(message.path("stop_sequence").isNull()).isTrue();
        assertThat(message.path("usage").toString()).isEqualTo(json("{'input_tokens':36,'output_tokens':20,"
                + "'cache_creation_input_tokens':0,'cache_read_input_tokens':64}").toString());
    }

    @ParameterizedTest
    @CsvSource({"stop,end_turn", "length,max_tokens", "tool_calls,tool_use", "content_filter,refusal", "eos,end_turn"})
    void finishReasonsAreStopReasons(String finish, String stop) {
        ObjectNode message = answer("{'choices':[{'message':{'role':'assistant','content':'x'},'finish_reason':'" + finish + "'}]}");
        assertThat(message.path("stop_reason").asText()).isEqualTo(stop);
    }

    @Test
    void reasoningIsAThinkingBlockAndAModelWithoutAnIdStillGetsOne() {
        ObjectNode message = answer("{'choices':[{'message':{'role':'assistant','content':'4',"
                + "'reasoning_content':'2+2'},'finish_reason':'stop'}]}");
        assertThat(message.path("content").get(0).path("type").asText()).isEqualTo("thinking");
        assertThat(message.path("content").get(0).path("thinking").asText()).isEqualTo("2+2");
        assertThat(message.path("content").get(1).path("text").asText()).isEqualTo("4");
        assertThat(message.path("id").asText()).startsWith("msg_");
        assertThat(message.path("model").asText()).as("the model asked for, when the upstream names none")
                .isEqualTo("claude-sonnet-4-5");
        assertThat(message.path("usage").path("output_tokens").asInt()).isZero();
    }

    @Test
    void argumentsThatAreNotAJsonObjectAreKeptNotDropped() {
        ObjectNode message = answer("{'choices':[{'message':{'role':'assistant','content':null,'tool_calls':["
                + "{'type':'function','function':{'name':'Bash','arguments':'ls -la'}}]},'finish_reason':'tool_calls'}]}");
        JsonNode call = message.path("content").get(0);
        assertThat(call.path("input")).isEqualTo(json("{'arguments':'ls -la'}"));
        assertThat(call.path("id").asText()).as("an id made up when the upstream gave none").startsWith("call_");
    }

    @Test
    void aRefusalIsText() {
        ObjectNode message = answer("{'choices':[{'message':{'role':'assistant','content':null,'refusal':'I cannot.'},"
                + "'finish_reason':'content_filter'}]}");
        assertThat(message.path("content").get(0).path("text").asText()).isEqualTo("I cannot.");
        assertThat(message.path("stop_reason").asText()).isEqualTo("refusal");
    }
}
