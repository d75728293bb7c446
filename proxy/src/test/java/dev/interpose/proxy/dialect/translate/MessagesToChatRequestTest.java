package dev.interpose.proxy.dialect.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.interpose.proxy.Fixtures;
import dev.interpose.proxy.dialect.ApiDialect;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Claude Code's requests as Chat Completions requests: the real fixture, and the shapes of a tool loop. */
class MessagesToChatRequestTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) JSON.readTree(text.replace('\'', '"'));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ObjectNode chat(ObjectNode messages) {
        return Translation.of(ApiDialect.MESSAGES, ApiDialect.CHAT).request(messages).body();
    }

    @Test
    void claudeCodesRealRequest() throws IOException {
        ObjectNode request = (ObjectNode) JSON.readTree(Fixtures.bytes("anthropic-messages-claude-code.json"));
        ObjectNode before = request.deepCopy();
        ObjectNode chat = chat(request);
        assertThat(request).as("the client's request is left as it is").isEqualTo(before);
        assertThat(chat.path("model").asText()).isEqualTo("claude-opus-5-5");
        assertThat(chat.path("max_tokens").asInt()).isEqualTo(128000);
        assertThat(chat.path("stream").asBoolean()).isTrue();
        assertThat(chat.path("stream_options").path("include_usage").asBoolean()).isTrue();
        for (String dropped : new String[] {"thinking", "metadata", "context_management", "output_config", "system"}) {
            assertThat(chat.has(dropped)).as(dropped).isFalse();
        }
        JsonNode messages = chat.path("messages");
        assertThat(messages.get(0).path("role").asText()).isEqualTo("system");
        String system = messages.get(0).path("content").asText();
        for (JsonNode block : request.path("system")) {
            if (block.path("text").asText().startsWith("x-anthropic-billing-header:")) {
                // Claude Code's billing line is Anthropic's accounting, not prompt: left home
                assertThat(system).doesNotContain(block.path("text").asText()).doesNotContain("x-anthropic-billing");
            } else {
                assertThat(system).contains(block.path("text").asText());
            }
        }
        assertThat(system).startsWith(request.path("system").get(1).path("text").asText());
        JsonNode laterSystem = request.path("messages").get(1).path("content").get(0).path("text");
        assertThat(system).as("the later system entry joins the system prompt").contains(laterSystem.asText());
        assertThat(messages).hasSize(2);
        assertThat(messages.get(1).path("role").asText()).isEqualTo("user");
        for (JsonNode block : request.path("messages").get(0).path("content")) {
            assertThat(messages.get(1).path("content").asText()).contains(block.path("text").asText());
        }
        assertThat(chat.path("tools")).hasSize(request.path("tools").size());
        for (int i = 0; i < request.path("tools").size(); i++) {
            JsonNode tool = request.path("tools").get(i);
            JsonNode function = chat.path("tools").get(i).path("function");
            assertThat(chat.path("tools").get(i).path("type").asText()).isEqualTo("function");
            assertThat(function.path("name").asText()).isEqualTo(tool.path("name").asText());
            assertThat(function.path("description").asText()).isEqualTo(tool.path("description").asText());
            assertThat(function.path("parameters")).isEqualTo(tool.path("input_schema"));
        }
    }

    @Test
    void aToolLoopKeepsItsIdsAndPutsToolResultsRightAfterTheCalls() {
        ObjectNode chat = chat(json("{'model':'m','max_tokens':100,'messages':["
                + "{'role':'user','content':'read both'},"
                + "{'role':'assistant','content':[{'type':'thinking','thinking':'hmm','signature':'sig'},"
                + "{'type':'text','text':'Reading.'},"
                + "{'type':'tool_use','id':'toolu_1','name':'Read','input':{'file_path':'/a'}},"
                + "{'type':'tool_use','id':'toolu_2','name':'Bash','input':{'command':'ls'}}]},"
                + "{'role':'user','content':[{'type':'tool_result','tool_use_id':'toolu_1','content':'A'},"
                + "{'type':'tool_result','tool_use_id':'toolu_2','is_error':true,"
                + "'content':[{'type':'text','text':'no such dir'}]},{'type':'text','text':'go on'}]}]}"));
        JsonNode messages = chat.path("messages");
        assertThat(messages).hasSize(5);
        JsonNode assistant = messages.get(1);
        assertThat(assistant.path("role").asText()).isEqualTo("assistant");
        assertThat(assistant.path("content").asText()).as("thinking is dropped").isEqualTo("Reading.");
        assertThat(assistant.path("tool_calls").get(0).path("id").asText()).isEqualTo("toolu_1");
        assertThat(assistant.path("tool_calls").get(0).path("function").path("name").asText()).isEqualTo("Read");
        assertThat(JSON.valueToTree(assistant.path("tool_calls").get(0).path("function").path("arguments").asText()).asText())
                .isEqualTo("{\"file_path\":\"/a\"}");
        assertThat(assistant.path("tool_calls").get(1).path("id").asText()).isEqualTo("toolu_2");
        assertThat(messages.get(2)).isEqualTo(json("{'role':'tool','tool_call_id':'toolu_1','content':'A'}"));
        assertThat(messages.get(3)).isEqualTo(json("{'role':'tool','tool_call_id':'toolu_2','content':'no such dir'}"));
        assertThat(messages.get(4)).isEqualTo(json("{'role':'user','content':'go on'}"));
    }

    @Test
    void anAssistantTurnOfOnlyToolCallsHasNullContent() {
        ObjectNode chat = chat(json("{'model':'m','max_tokens':1,'messages':[{'role':'user','content':'x'},"
                + "{'role':'assistant','content':[{'type':'tool_use','id':'t','name':'N','input':{}}]},"
                + "{'role':'user','content':[{'type':'tool_result','tool_use_id':'t','content':''}]}]}"));
        JsonNode assistant = chat.path("messages").get(1);
        assertThat(assistant.path("content").isNull()).isTrue();
        assertThat(assistant.path("tool_calls").get(0).path("function").path("arguments").asText()).isEqualTo("{}");
        assertThat(chat.path("messages")).hasSize(3);
    }

    @Test
    void imagesBecomeImageUrlPartsAndAToolResultsImagesFollowItAsAUserMessage() {
        ObjectNode chat = chat(json("{'model':'m','max_tokens':1,'messages':[{'role':'user','content':["
                + "{'type':'text','text':'what is this'},"
                + "{'type':'image','source':{'type':'base64','media_type':'image/jpeg','data':'AAAA'}},"
                + "{'type':'image','source':{'type':'url','url':'https://example.com/x.png'}}]},"
                + "{'role':'assistant','content':[{'type':'tool_use','id':'t','name':'Read','input':{'file_path':'/i.png'}}]},"
                + "{'role':'user','content':[{'type':'tool_result','tool_use_id':'t','content':["
                + "{'type':'text','text':'an image'},"
                + "{'type':'image','source':{'type':'base64','media_type':'image/png','data':'BBBB'}}]}]}]}"));
        JsonNode messages = chat.path("messages");
        JsonNode parts = messages.get(0).path("content");
        assertThat(parts.get(0)).isEqualTo(json("{'type':'text','text':'what is this'}"));
        assertThat(parts.get(1).path("image_url").path("url").asText()).isEqualTo("data:image/jpeg;base64,AAAA");
        assertThat(parts.get(2).path("image_url").path("url").asText()).isEqualTo("https://example.com/x.png");
        assertThat(messages.get(2)).isEqualTo(json("{'role':'tool','tool_call_id':'t','content':'an image'}"));
        assertThat(messages.get(3).path("role").asText()).isEqualTo("user");
        assertThat(messages.get(3).path("content").get(0).path("image_url").path("url").asText())
                .isEqualTo("data:image/png;base64,BBBB");
    }

    @Test
    void samplingStopSequencesAndToolChoice() {
        String tools = "'tools':[{'name':'Bash','description':'run','input_schema':{'type':'object'}},"
                + "{'type':'web_search_20250305','name':'web_search'}]";
        ObjectNode chat = chat(json("{'model':'m','max_tokens':5,'temperature':0.2,'top_p':0.9,'top_k':40,"
                + "'stop_sequences':['END'],'stream':false,'messages':[{'role':'user','content':'x'}]," + tools + ","
                + "'tool_choice':{'type':'any','disable_parallel_tool_use':true}}"));
        assertThat(chat.path("temperature").asDouble()).isEqualTo(0.2);
        assertThat(chat.path("top_p").asDouble()).isEqualTo(0.9);
        assertThat(chat.has("top_k")).isFalse();
        assertThat(chat.path("stop")).isEqualTo(json("{'s':['END']}").path("s"));
        assertThat(chat.has("stream")).isFalse();
        assertThat(chat.has("stream_options")).isFalse();
        assertThat(chat.path("tools")).as("server tools are Anthropic's own").hasSize(1);
        assertThat(chat.path("tool_choice").asText()).isEqualTo("required");
        assertThat(chat.path("parallel_tool_calls").asBoolean(true)).isFalse();
        assertThat(choice("{'type':'auto'}").asText()).isEqualTo("auto");
        assertThat(choice("{'type':'none'}").asText()).isEqualTo("none");
        assertThat(choice("{'type':'tool','name':'Bash'}")).isEqualTo(json("{'type':'function','function':{'name':'Bash'}}"));
    }

    private static JsonNode choice(String anthropic) {
        return chat(json("{'model':'m','max_tokens':5,'messages':[{'role':'user','content':'x'}],"
                + "'tools':[{'name':'Bash','input_schema':{'type':'object'}}],'tool_choice':" + anthropic + "}"))
                .path("tool_choice");
    }

    @Test
    void anOutputCapLimitsWhatIsAskedOfTheUpstream() {
        ObjectNode request = json("{'model':'m','max_tokens':128000,'messages':[{'role':'user','content':'x'}]}");
        ObjectNode chat = Translation.of(ApiDialect.MESSAGES, ApiDialect.CHAT, new TranslationOptions(32000, 8192))
                .request(request).body();
        assertThat(chat.path("max_tokens").asInt()).isEqualTo(8192);
    }

    @Test
    void anEmptySystemEntryAndAThinkingOnlyTurnLeaveNothingBehind() {
        ObjectNode chat = chat(json("{'model':'m','max_tokens':1,'messages':[{'role':'user','content':'x'},"
                + "{'role':'system','content':[]},"
                + "{'role':'assistant','content':[{'type':'redacted_thinking','data':'zz'}]},"
                + "{'role':'user','content':'y'}]}"));
        assertThat(chat.path("messages")).hasSize(2);
        assertThat(chat.path("messages").get(1).path("content").asText()).isEqualTo("y");
    }
}
