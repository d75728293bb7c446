package dev.interpose.proxy.dialect.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.Fixtures;
import dev.interpose.proxy.dialect.ApiDialect;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Codex's requests as Messages requests: the real fixture, and the items of a tool loop. */
class ResponsesToMessagesRequestTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static TranslatedCall call(ObjectNode request) {
        return Translation.of(ApiDialect.RESPONSES, ApiDialect.MESSAGES).request(request);
    }

    @Test
    void codexsRealRequest() throws IOException {
        ObjectNode request = (ObjectNode) JSON.readTree(Fixtures.bytes("openai-responses-codex.json"));
        ObjectNode before = request.deepCopy();
        TranslatedCall call = call(request);
        ObjectNode messages = call.body();
        assertThat(request).isEqualTo(before);
        assertThat(call.streaming()).isTrue();
        assertThat(messages.path("model").asText()).isEqualTo("gpt-5-codex");
        assertThat(messages.path("max_tokens").asInt()).as("the default limit").isEqualTo(32000);
        assertThat(messages.path("stream").asBoolean()).isTrue();
        for (String dropped : new String[] {"input", "store", "include", "reasoning", "prompt_cache_key", "client_metadata",
                "parallel_tool_calls", "text"}) {
            assertThat(messages.has(dropped)).as(dropped).isFalse();
        }
        String system = messages.path("system").get(0).path("text").asText();
        assertThat(messages.path("system").get(0).path("cache_control").path("type").asText()).isEqualTo("ephemeral");
        for (JsonNode item : request.path("input")) {
            if ("developer".equals(item.path("role").asText())) {
                item.path("content").forEach(part -> assertThat(system).contains(part.path("text").asText()));
            }
        }
        JsonNode turns = messages.path("messages");
        assertThat(turns).as("the two user messages make one turn").hasSize(1);
        assertThat(turns.get(0).path("role").asText()).isEqualTo("user");
        List<String> texts = new ArrayList<>();
        turns.get(0).path("content").forEach(block -> texts.add(block.path("text").asText()));
        List<String> userTexts = new ArrayList<>();
        for (JsonNode item : request.path("input")) {
            if ("user".equals(item.path("role").asText())) {
                item.path("content").forEach(part -> userTexts.add(part.path("text").asText()));
            }
        }
        assertThat(texts).containsExactlyElementsOf(userTexts);
        JsonNode last = turns.get(0).path("content").get(texts.size() - 1);
        assertThat(last.path("cache_control").path("type").asText()).isEqualTo("ephemeral");
        List<String> names = new ArrayList<>();
        messages.path("tools").forEach(tool -> names.add(tool.path("name").asText()));
        assertThat(names).containsExactly("exec_command", "write_stdin", "request_user_input", "view_image", "close_agent",
                "resume_agent", "send_input", "spawn_agent", "wait_agent", "get_goal", "create_goal", "update_goal");
        assertThat(messages.path("tools").get(0).path("input_schema")).isEqualTo(request.path("tools").get(0).path("parameters"));
        assertThat(messages.path("tool_choice")).isEqualTo(json("{'type':'auto'}"));
    }

    @Test
    void aToolLoopWithFreeformToolsImagesAndReasoning() {
        ObjectNode request = json("{'model':'gpt-5','instructions':'Be brief.','max_output_tokens':4000,'stream':false,"
                + "'parallel_tool_calls':false,'tool_choice':'required','tools':["
                + "{'type':'function','name':'exec_command','parameters':{'type':'object','properties':{'cmd':{'type':'string'}}}},"
                + "{'type':'custom','name':'apply_patch','description':'Patch.','format':{'type':'grammar','syntax':'lark','definition':'start: x'}},"
                + "{'type':'web_search'}],'input':["
                + "{'type':'message','role':'developer','content':[{'type':'input_text','text':'Dev rules.'}]},"
                + "{'type':'message','role':'user','content':[{'type':'input_text','text':'look at this'},"
                + "{'type':'input_image','image_url':'data:image/png;base64,iVBOR'},"
                + "{'type':'input_image','image_url':'https://example.com/a.jpg'}]},"
                + "{'type':'reasoning','id':'rs_1','summary':[{'type':'summary_text','text':'hm'}],'encrypted_content':'gAAA'},"
                + "{'type':'message','role':'assistant','content':[{'type':'output_text','text':'Running.'}]},"
                + "{'type':'function_call','id':'fc_1','call_id':'call_1','name':'exec_command','arguments':'{\\'cmd\\':\\'ls\\'}'},"
                + "{'type':'custom_tool_call','id':'ctc_1','call_id':'call_2','name':'apply_patch','input':'*** Begin Patch'},"
                + "{'type':'function_call_output','call_id':'call_1','output':'a.txt'},"
                + "{'type':'custom_tool_call_output','call_id':'call_2','output':'Done!'},"
                + "{'type':'function_call','call_id':'call_3','name':'exec_command','arguments':'{}'},"
                + "{'type':'message','role':'user','content':'and now?'}]}");
        TranslatedCall call = call(request);
        ObjectNode messages = call.body();
        assertThat(call.streaming()).isFalse();
        assertThat(messages.has("stream")).isFalse();
        assertThat(messages.path("max_tokens").asInt()).isEqualTo(4000);
        assertThat(messages.path("system").get(0).path("text").asText()).isEqualTo("Be brief.\n\nDev rules.");
        JsonNode turns = messages.path("messages");
        assertThat(turns).hasSize(5);
        JsonNode user = turns.get(0).path("content");
        assertThat(user.get(0).path("text").asText()).isEqualTo("look at this");
        assertThat(user.get(1).path("source")).isEqualTo(json("{'type':'base64','media_type':'image/png','data':'iVBOR'}"));
        assertThat(user.get(2).path("source")).isEqualTo(json("{'type':'url','url':'https://example.com/a.jpg'}"));
        JsonNode assistant = turns.get(1).path("content");
        assertThat(turns.get(1).path("role").asText()).isEqualTo("assistant");
        assertThat(assistant.get(0).path("text").asText()).as("the reasoning item is dropped").isEqualTo("Running.");
        assertThat(assistant.get(1)).isEqualTo(json("{'type':'tool_use','id':'call_1','name':'exec_command','input':{'cmd':'ls'}}"));
        assertThat(assistant.get(2)).isEqualTo(json("{'type':'tool_use','id':'call_2','name':'apply_patch',"
                + "'input':{'input':'*** Begin Patch'}}"));
        JsonNode results = turns.get(2).path("content");
        assertThat(results.get(0)).isEqualTo(json("{'type':'tool_result','tool_use_id':'call_1','content':'a.txt'}"));
        assertThat(results.get(1)).isEqualTo(json("{'type':'tool_result','tool_use_id':'call_2','content':'Done!'}"));
        assertThat(turns.get(3).path("content").get(0).path("id").asText()).isEqualTo("call_3");
        JsonNode last = turns.get(4).path("content");
        assertThat(last.get(0).path("tool_use_id").asText()).as("a call left unanswered gets a result").isEqualTo("call_3");
        assertThat(last.get(0).path("is_error").asBoolean()).isTrue();
        assertThat(last.get(1).path("text").asText()).isEqualTo("and now?");
        assertThat(last.get(1).path("cache_control").path("type").asText()).isEqualTo("ephemeral");
        assertThat(messages.path("tools")).hasSize(2);
        JsonNode patch = messages.path("tools").get(1);
        assertThat(patch.path("description").asText()).contains("Patch.").contains("lark").contains("start: x");
        assertThat(patch.path("input_schema").path("required").get(0).asText()).isEqualTo("input");
        assertThat(messages.path("tool_choice")).isEqualTo(json("{'type':'any','disable_parallel_tool_use':true}"));
    }

    @Test
    void aFreeformToolsCallComesBackAsACustomToolCall() {
        ObjectNode request = json("{'model':'gpt-5','input':'hi','tools':[{'type':'custom','name':'apply_patch'},"
                + "{'type':'namespace','name':'agents','tools':[{'type':'function','name':'spawn','parameters':{'type':'object'}}]}]}");
        ObjectNode answer = call(request).answer(json("{'id':'msg_9','type':'message','role':'assistant','model':'claude-x',"
                + "'content':[{'type':'tool_use','id':'toolu_1','name':'apply_patch','input':{'input':'*** Begin Patch'}},"
                + "{'type':'tool_use','id':'toolu_2','name':'spawn','input':{'task':'t'}}],"
                + "'stop_reason':'tool_use','usage':{'input_tokens':3,'output_tokens':4}}"));
        JsonNode custom = answer.path("output").get(0);
        assertThat(custom.path("type").asText()).isEqualTo("custom_tool_call");
        assertThat(custom.path("call_id").asText()).isEqualTo("toolu_1");
        assertThat(custom.path("input").asText()).isEqualTo("*** Begin Patch");
        JsonNode namespaced = answer.path("output").get(1);
        assertThat(namespaced.path("type").asText()).isEqualTo("function_call");
        assertThat(namespaced.path("name").asText()).isEqualTo("spawn");
        assertThat(namespaced.path("namespace").asText()).isEqualTo("agents");
        assertThat(namespaced.path("arguments").asText()).isEqualTo("{\"task\":\"t\"}");
        assertThat(answer.path("model").asText()).isEqualTo("claude-x");
        assertThat(answer.path("usage").path("total_tokens").asInt()).isEqualTo(7);
    }

    @Test
    void anOpenAiErrorShapeForAnthropicErrors() throws IOException {
        TranslatedCall call = call(json("{'model':'m','input':'x'}"));
        ErrorReply overloaded = call.error(529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}".getBytes());
        assertThat(overloaded.status()).isEqualTo(503);
        assertThat(JSON.readTree(overloaded.body()).path("error").path("message").asText()).isEqualTo("Overloaded");
        ErrorReply limited = call.error(429, "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow down\"}}".getBytes());
        assertThat(limited.status()).isEqualTo(429);
        assertThat(JSON.readTree(limited.body()).path("error").path("code").asText()).isEqualTo("rate_limit_exceeded");
        ErrorReply tooLong = call.error(400, ("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
                + "\"message\":\"prompt is too long: 210000 tokens > 200000 maximum\"}}").getBytes());
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(JSON.readTree(tooLong.body()).path("error").path("code").asText()).isEqualTo("context_length_exceeded");
        ErrorReply key = call.error(401, "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}".getBytes());
        assertThat(key.status()).isEqualTo(401);
        assertThat(JSON.readTree(key.body()).path("error").path("type").asText()).isEqualTo("invalid_request_error");
    }
}
